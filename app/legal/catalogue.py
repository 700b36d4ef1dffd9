"""The vetted legal catalogue (from the project's reviewed LEGAL notes, November 2026).

Every legal fact the product shows comes from here, never from the model. Items marked
``verified=False`` were still waiting for a second source when reviewed: they are shown to the
person marked "do sprawdzenia" and never given to the model as fact. Each situation's document
(fields, addressee, letter basis, deadline rule) is in ``app.legal.documents``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Situation:
    """One situation a person may be in, and the document that answers it."""

    key: str
    label: str
    document: str
    basis: str
    deadline: str  # "" where the catalogue gives none: shown as nothing, never invented
    addressee: str  # likewise
    verified: bool = True


@dataclass(frozen=True)
class Fact:
    """A statement of law or practice shown as fact."""

    text: str
    verified: bool = True


@dataclass(frozen=True)
class Topic:
    """One of the five kinds of trouble the product helps with."""

    key: str
    title: str
    lead: str
    situations: tuple[Situation, ...]
    facts: tuple[Fact, ...] = ()
    mistakes: tuple[str, ...] = ()
    fields: tuple[str, ...] = field(default_factory=tuple)


TOPICS: tuple[Topic, ...] = (
    Topic(
        key="mandat",
        title="Mandat lub opłata za parkowanie",
        lead="Mandat, wyrok nakazowy albo wezwanie do zapłaty za parkowanie.",
        situations=(
            Situation(
                key="uchylenie-mandatu",
                label="Mandat przyjęty, ale wykroczenia nie było",
                document="wniosek o uchylenie prawomocnego mandatu karnego",
                basis="art. 101 § 1 k.p.w. (także § 1a: grzywna ponad granicę ustawową)",
                deadline="7 dni od uprawomocnienia się mandatu (mandat kredytowy: od podpisania;"
                " gotówkowy i zaoczny: od zapłaty)",
                addressee="sąd rejonowy, w którego okręgu nałożono mandat"
                " (żaden inny organ nie może go uchylić)",
            ),
            Situation(
                key="sprzeciw-wyrok-nakazowy",
                label="Po odmowie przyjęcia mandatu sąd wydał wyrok nakazowy",
                document="sprzeciw od wyroku nakazowego",
                basis="art. 94 § 1 k.p.w. w zw. z art. 506 § 1 k.p.k.",
                deadline="7 dni od doręczenia wyroku",
                addressee="sąd, który wydał wyrok; uzasadnienie nie jest wymagane,"
                " potrzebna jest sygnatura akt",
            ),
            Situation(
                key="oplata-spp",
                label="Opłata dodatkowa w miejskiej strefie płatnego parkowania",
                document="wniosek o anulowanie opłaty dodatkowej (reklamacja)",
                basis="art. 13f ustawy o drogach publicznych i uchwała rady gminy; to nie mandat",
                deadline="brak ustawowej procedury odwoławczej; opłata przedawnia się po 5 latach",
                addressee="zarząd drogi wskazany na zawiadomieniu (np. ZDM)",
            ),
            Situation(
                key="parking-prywatny",
                label="„Opłata” na parkingu prywatnym",
                document="reklamacja",
                basis="roszczenie cywilne, nie mandat (operator może dochodzić zapłaty"
                " tylko przed sądem); reklamacja: art. 7a ust. 1 i 2 ustawy o prawach"
                " konsumenta",
                deadline="operator ma 14 dni na odpowiedź na reklamację konsumenta,"
                " inaczej uważa się ją za uwzględnioną",
                addressee="operator parkingu (w dowolnej formie, także e-mailem)",
            ),
        ),
        facts=(
            Fact("Złożenie wniosku o uchylenie mandatu nie wstrzymuje obowiązku zapłaty."),
            Fact("Mandat zaoczny trzeba zapłacić w ciągu 7 dni (art. 98 § 5 k.p.w.)."),
            Fact(
                "Pismo z fotoradaru z pytaniem, kto kierował, to art. 78 ust. 4 p.r.d.;"
                " odmowa odpowiedzi sama jest wykroczeniem (art. 96 § 3 k.w.)."
            ),
            Fact(
                "Po sprzeciwie wyrok nakazowy traci moc, sprawa jest rozpoznawana od nowa"
                " i może skończyć się surowszą karą oraz kosztami (art. 94 § 1 k.p.w."
                " w zw. z art. 506 § 6 k.p.k.)."
            ),
        ),
        mistakes=(
            "Wysłanie „odwołania” do policji lub straży miejskiej zamiast do sądu.",
            "Liczenie 7 dni od niewłaściwego dnia.",
            "Traktowanie opłaty za strefę płatnego parkowania lub parking prywatny jak mandatu.",
        ),
        fields=(
            "seria i numer mandatu albo numer zawiadomienia",
            "data i miejsce",
            "organ, który nałożył mandat",
            "numer rejestracyjny pojazdu",
            "sygnatura akt",
            "data doręczenia",
            "lista dowodów",
        ),
    ),
    Topic(
        key="znieslawienie",
        title="Zniesławienie lub obraza w internecie",
        lead="Ktoś publikuje o Tobie nieprawdę albo Cię obraża w sieci.",
        situations=(
            Situation(
                key="zgloszenie-dsa",
                label="Usunięcie wpisu przez platformę",
                document="zgłoszenie nielegalnych treści",
                basis="art. 16 aktu o usługach cyfrowych (DSA)",
                deadline="",
                addressee="platforma, na której opublikowano wpis",
            ),
            Situation(
                key="wezwanie-usuniecie-wpisu",
                label="Wezwanie autora do usunięcia wpisu i przeprosin",
                document="wezwanie do usunięcia wpisu i przeprosin",
                basis="art. 23, art. 24 § 1 i art. 448 k.c.",
                deadline="termin w wezwaniu wyznaczasz sam (7 dni to zwyczaj, nie wymóg prawa)",
                addressee="autor wpisu",
            ),
            Situation(
                key="prywatny-akt-oskarzenia",
                label="Odpowiedzialność karna sprawcy",
                document="prywatny akt oskarżenia",
                basis="art. 212 k.k. (zniesławienie; § 2, gdy w internecie)"
                " lub art. 216 k.k. (znieważenie)",
                deadline="1 rok od dowiedzenia się, kto jest sprawcą, najpóźniej 3 lata od czynu"
                " (art. 101 § 2 k.k.)",
                addressee="sąd rejonowy, w którego okręgu popełniono czyn (art. 31 § 1 k.p.k.;"
                " w internecie zwykle tam, gdzie działał sprawca, a nie tam, gdzie mieszkasz)",
            ),
        ),
        facts=(
            Fact(
                "Z prywatnym aktem oskarżenia płaci się 1000 zł zryczałtowanej równowartości"
                " wydatków (art. 621 § 2 k.p.k., od 1 lipca 2025 r.)."
            ),
            Fact(
                "Pozew cywilny o ochronę dóbr osobistych rozpoznaje sąd okręgowy"
                " (art. 17 pkt 1 k.p.c.) — z tym idź do prawnika."
            ),
            Fact(
                "Akt o usługach cyfrowych (DSA) obowiązuje bezpośrednio; polska ustawa wdrażająca"
                " została zawetowana 9 stycznia 2026 r., więc nie ma jeszcze polskiego"
                " koordynatora."
            ),
            Fact("„Ślepy pozew” przeciw anonimowemu autorowi to tylko projekt, nie prawo."),
            Fact(
                "Zamiast aktu oskarżenia możesz złożyć skargę ustnie lub na piśmie na Policji;"
                " Policja w razie potrzeby zabezpieczy dowody i przekaże skargę do sądu"
                " (art. 488 § 1 k.p.k.)."
            ),
        ),
        mistakes=(
            "Odpowiadanie sprawcy publicznie.",
            "Niezabezpieczenie dowodów (adres URL, zrzuty ekranu, data i godzina).",
            "Przegapienie rocznego terminu.",
            "Mylenie zniesławienia (art. 212 k.k.) ze znieważeniem (art. 216 k.k.).",
        ),
        fields=(
            "adres URL",
            "nazwa profilu",
            "data i godzina",
            "dokładny cytat",
            "zrzuty ekranu",
            "świadkowie",
            "żądanie",
            "termin na spełnienie żądania",
        ),
    ),
    Topic(
        key="nakaz-zaplaty",
        title="Nakaz zapłaty lub pozew z sądu",
        lead="Nakaz zapłaty albo pozew z sądu.",
        situations=(
            Situation(
                key="sprzeciw-nakaz",
                label="Nakaz zapłaty w postępowaniu upominawczym",
                document="sprzeciw od nakazu zapłaty",
                basis="art. 505 k.p.c. (treść sprzeciwu: art. 503 k.p.c.)",
                deadline="2 tygodnie od doręczenia (art. 502 § 1 k.p.c.)",
                addressee="sąd, który wydał nakaz (podaj sygnaturę akt)",
            ),
            Situation(
                key="zarzuty-nakaz",
                label="Nakaz zapłaty w postępowaniu nakazowym",
                document="zarzuty od nakazu zapłaty",
                basis="art. 493 § 1 k.p.c.",
                deadline="2 tygodnie od doręczenia",
                addressee="sąd, który wydał nakaz",
            ),
            Situation(
                key="sprzeciw-epu",
                label="Nakaz z e-sądu (sygnatura „Nc-e”)",
                document="sprzeciw od nakazu zapłaty w elektronicznym postępowaniu upominawczym",
                basis="przepisy o elektronicznym postępowaniu upominawczym; sprzeciw nie"
                " wymaga uzasadnienia ani dowodów (art. 505³⁶ k.p.c.)",
                deadline="14 dni od doręczenia (na adres z rejestru PESEL)",
                addressee="e-sąd: Sąd Rejonowy Lublin-Zachód w Lublinie, VI Wydział Cywilny",
            ),
            Situation(
                key="przywrocenie-terminu",
                label="Termin minął bez Twojej winy",
                document="wniosek o przywrócenie terminu",
                basis="art. 168 § 1 i art. 169 k.p.c.: uprawdopodobnij przyczynę (§ 2),"
                " razem z wnioskiem dokonaj spóźnionej czynności (§ 3); po roku tylko"
                " wyjątkowo (§ 4)",
                deadline="1 tydzień od ustania przeszkody",
                addressee="sąd, w którym trzeba było dokonać czynności",
            ),
            Situation(
                key="odpowiedz-na-pozew",
                label="Pozew z wezwaniem do odpowiedzi",
                document="odpowiedź na pozew",
                basis="art. 205¹ k.p.c.",
                deadline="termin wyznaczony przez sąd, nie krótszy niż 2 tygodnie",
                addressee="sąd, który przysłał pozew",
            ),
        ),
        facts=(
            Fact(
                "Po sprzeciwie w e-sądzie sprawa zostaje umorzona (art. 505³⁶ k.p.c.); jeśli"
                " wierzyciel w ciągu 3 miesięcy od umorzenia ponownie wniesie pozew, liczy się"
                " data pozwu z e-sądu (art. 505³⁷ § 2 k.p.c.)."
            ),
            Fact(
                "W postępowaniu nakazowym dowody zgłoszone po czasie sąd pomija; od zarzutów"
                " płaci się 3/4 opłaty, konsument najwyżej 750 zł (art. 19 ust. 4 ustawy"
                " o kosztach sądowych w sprawach cywilnych)."
            ),
            Fact(
                "Pismo z sądu, którego nie odebrałeś, czeka na poczcie 14 dni (awizo"
                " powtórzone po 7 dniach); nieodebrane uważa się za doręczone ostatniego"
                " z tych 14 dni (art. 139 § 1 k.p.c.)."
            ),
            Fact(
                "Nadanie pisma do sądu w placówce Poczty Polskiej jest jego złożeniem w sądzie"
                " (art. 165 § 2 k.p.c.); nadanie u kuriera nie jest."
            ),
            Fact("Spóźniona odpowiedź na pozew jest zwracana i możliwy jest wyrok zaoczny."),
            Fact(
                "Przedawnionego długu nie można wyegzekwować od konsumenta; sąd bierze"
                " przedawnienie pod uwagę z urzędu (art. 117 § 2¹ k.c.), a tylko wyjątkowo może"
                " je pominąć (art. 117¹ k.c.)."
            ),
        ),
        mistakes=(
            "Liczenie terminu od odbioru z poczty zamiast od dnia, w którym pismo uznaje się"
            " za doręczone.",
            "Pominięcie zarzutów lub dowodów.",
            "Płacenie lub uznawanie długu wobec windykatora zamiast złożenia pisma w sądzie.",
        ),
        fields=("sygnatura akt", "sąd", "data doręczenia", "powód", "kwota", "zarzuty", "dowody"),
    ),
    Topic(
        key="prawa-autorskie",
        title="Prawa autorskie i usunięte treści",
        lead="Ktoś wykorzystuje Twoją pracę albo platforma usunęła Twoją treść.",
        situations=(
            Situation(
                key="zgloszenie-naruszenia",
                label="Twoja praca opublikowana bez zgody",
                document="zgłoszenie naruszenia praw autorskich",
                basis="art. 16 aktu o usługach cyfrowych (DSA), tzw. notice and action",
                deadline="",
                addressee="serwis, który przechowuje treść",
            ),
            Situation(
                key="wezwanie-zaniechanie",
                label="Wezwanie naruszającego do zaprzestania",
                document="wezwanie do zaniechania naruszeń praw autorskich",
                basis="art. 79 ust. 1 ustawy o prawie autorskim i prawach pokrewnych"
                " (zaniechanie, usunięcie skutków, odszkodowanie albo dwukrotność opłaty"
                " licencyjnej, wydanie korzyści)",
                deadline="termin w wezwaniu wyznaczasz sam",
                addressee="osoba lub firma naruszająca prawa",
            ),
            Situation(
                key="skarga-wewnetrzna",
                label="Platforma usunęła Twoją treść",
                document="skarga w wewnętrznym systemie rozpatrywania skarg",
                basis="art. 20 aktu o usługach cyfrowych (DSA): bezpłatnie i online, u platform"
                " internetowych innych niż mikro- i małe",
                deadline="co najmniej 6 miesięcy od poinformowania Cię o decyzji",
                addressee="platforma",
            ),
        ),
        facts=(
            Fact(
                "Zgłoszenie do serwisu na podstawie DSA zastąpiło dawną polską procedurę"
                " usuwania treści."
            ),
            Fact(
                "Gdy skarga w serwisie nie pomoże, możesz zwrócić się do certyfikowanego organu"
                " pozasądowego (art. 21 DSA); jego rozstrzygnięcie nie jest wiążące, a droga"
                " do sądu pozostaje otwarta."
            ),
            Fact(
                "Amerykański kontr-wniosek DMCA wymaga zgody na jurysdykcję sądu federalnego"
                " USA (17 U.S.C. 512(g)(3)(D))."
            ),
            Fact(
                "Dozwolony użytek to art. 29 ustawy o prawie autorskim; nie ma „zasady 15 sekund”."
            ),
        ),
        mistakes=(
            "Powoływanie się na amerykański DMCA jak na polskie prawo.",
            "Zgłoszenie bez adresu URL albo bez dowodu, że prawa należą do Ciebie.",
        ),
        fields=("adres URL", "opis utworu", "dowód praw", "data publikacji"),
    ),
    Topic(
        key="rodo",
        title="Dane osobowe (RODO)",
        lead="Jakie dane ma o Tobie firma i jak je usunąć.",
        situations=(
            Situation(
                key="dostep-do-danych",
                label="Jakie dane o Tobie przetwarzają",
                document="żądanie dostępu do danych osobowych",
                basis="art. 15 ust. 1 i 3 RODO (pierwsza kopia danych jest bezpłatna)",
                deadline="1 miesiąc; administrator może go przedłużyć o 2 miesiące, jeśli"
                " poinformuje o tym w ciągu pierwszego miesiąca",
                addressee="administrator danych lub jego inspektor ochrony danych",
            ),
            Situation(
                key="usuniecie-danych",
                label="Usunięcie Twoich danych",
                document="żądanie usunięcia danych osobowych",
                basis="art. 17 ust. 1 RODO (wyjątki: art. 17 ust. 3 RODO)",
                deadline="1 miesiąc; administrator może go przedłużyć o 2 miesiące, jeśli"
                " poinformuje o tym w ciągu pierwszego miesiąca",
                addressee="administrator danych lub jego inspektor ochrony danych",
            ),
            Situation(
                key="sprzeciw-marketing",
                label="Koniec z marketingiem",
                document="sprzeciw wobec przetwarzania danych w celach marketingowych",
                basis="art. 21 ust. 2–3 RODO",
                deadline="1 miesiąc; administrator może go przedłużyć o 2 miesiące, jeśli"
                " poinformuje o tym w ciągu pierwszego miesiąca",
                addressee="administrator danych",
            ),
            Situation(
                key="skarga-uodo",
                label="Administrator nie odpowiada albo odmawia",
                document="skarga do Prezesa Urzędu Ochrony Danych Osobowych",
                basis="art. 77 RODO",
                deadline="",
                addressee="Prezes Urzędu Ochrony Danych Osobowych",
            ),
        ),
        facts=(
            Fact("Zanim złożysz skargę do Prezesa UODO, zwróć się do administratora."),
            Fact(
                "Sprzeciw wobec marketingu bezpośredniego jest bezwzględny: administrator musi"
                " przestać (art. 21 ust. 3 RODO)."
            ),
            Fact(
                "Gdy miesiąc kończy się w sobotę, niedzielę lub święto, termin przesuwa się na"
                " koniec następnego dnia roboczego (rozporządzenie 1182/71, art. 3 ust. 4)"
                " — że to rozporządzenie stosuje się do RODO, to wykładnia EROD.",
                verified=False,
            ),
        ),
        mistakes=(
            "Składanie skargi do UODO bez wcześniejszego żądania do administratora.",
            "Żądanie usunięcia „wszystkiego” bez wskazania, o które dane chodzi.",
            "Wysyłanie skanu dowodu osobistego.",
        ),
        fields=("administrator", "adres do korespondencji", "jakich danych dotyczy żądanie"),
    ),
)
