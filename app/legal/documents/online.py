"""Online defamation, insults and copyright (LEGAL.md sections 2 and 4)."""

from __future__ import annotations

from app.legal.documents.common import (
    COURT_ADDRESSEE,
    COURT_COPIES,
    COURT_POST,
    DAYS_TO_COMPLY,
    GOOD_FAITH_EMAIL,
    OTHER_POST_RULE,
    RECIPIENT_ADDRESS,
)
from app.legal.documents.model import Addressee, DeadlineSpec, DocumentType, Note, Sending, Whose
from app.legal.fields import (
    COURT_ADDRESS,
    EVIDENCE,
    JUSTIFICATION,
    PLACE,
    PLATFORM,
    SENDER_ADDRESS,
    SENDER_NAME,
    URL,
    Field,
    Kind,
)
from app.services.deadlines import DeadlineRule, Procedure, Unit

ONLINE: tuple[DocumentType, ...] = (
    DocumentType(
        key="zgloszenie-dsa",
        name="Zgłoszenie nielegalnych treści",
        basis="art. 16 ust. 2 aktu o usługach cyfrowych (DSA)",
        fields=(
            SENDER_NAME,
            GOOD_FAITH_EMAIL,
            PLACE,
            PLATFORM,
            URL,
            Field("cytat", "Treść wpisu", Kind.PARAGRAPHS, hint="Dokładny cytat.", max_length=3000),
            Field(
                "uzasadnienie",
                "Dlaczego ta treść jest nielegalna",
                Kind.PARAGRAPHS,
                hint="Wyjaśnij, co w niej jest nieprawdą albo obrazą i kogo dotyczy.",
                max_length=6000,
            ),
        ),
        addressee=Addressee(
            how_to_find="Serwis, w którym opublikowano treść; zgłoszenie wysyłasz formularzem"
            " „zgłoś treść” tego serwisu — wklej do niego tekst pisma.",
            name_field="platforma",
        ),
        sending=Sending(
            how="Wyślij przez formularz zgłoszeń serwisu (przycisk „Zgłoś” przy treści albo"
            " formularz prawny). Zrób zrzut ekranu potwierdzenia.",
        ),
        no_deadline="Prawo nie wyznacza terminu na zgłoszenie; zgłoś treść jak najszybciej"
        " i najpierw zabezpiecz dowody.",
    ),
    DocumentType(
        key="wezwanie-usuniecie-wpisu",
        name="Wezwanie do usunięcia wpisu i przeprosin",
        basis="art. 23 i art. 24 § 1 k.c.",
        basis_variants=(("zadoscuczynienie", "", "art. 23, art. 24 § 1 i art. 448 k.c."),),
        fields=(
            SENDER_NAME,
            SENDER_ADDRESS,
            PLACE,
            Field(
                "adresat",
                "Autor wpisu",
                Kind.TEXT,
                hint="Imię i nazwisko albo nazwa profilu.",
                max_length=200,
            ),
            RECIPIENT_ADDRESS,
            URL,
            Field("data_publikacji", "Data publikacji", Kind.DATE),
            Field("cytat", "Treść wpisu", Kind.PARAGRAPHS, hint="Dokładny cytat.", max_length=3000),
            DAYS_TO_COMPLY,
            Field(
                "zadoscuczynienie",
                "Zadośćuczynienie (jeśli go żądasz)",
                Kind.AMOUNT,
                required=False,
                hint="Zostaw puste, jeśli chcesz tylko usunięcia wpisu i przeprosin.",
            ),
            JUSTIFICATION,
        ),
        addressee=Addressee(
            how_to_find="Autor wpisu. Jeśli nie znasz jego adresu, wyślij wezwanie wiadomością"
            " w serwisie albo e-mailem.",
            name_field="adresat",
            address_field="adresat_adres",
        ),
        sending=Sending(
            how="Wyślij listem poleconym za potwierdzeniem odbioru albo wiadomością, którą"
            " możesz potem pokazać. Nie odpowiadaj autorowi publicznie.",
            attachments=("zrzuty ekranu wpisu z widocznym adresem i datą",),
        ),
        no_deadline="Termin w wezwaniu wyznaczasz sam (7 dni to zwyczaj, nie wymóg prawa).",
    ),
    DocumentType(
        key="prywatny-akt-oskarzenia",
        name="Prywatny akt oskarżenia",
        basis="art. 212 § 2 k.k. albo art. 216 § 2 k.k.",
        basis_variants=(
            ("czyn", "212", "art. 212 § 2 k.k."),
            ("czyn", "216", "art. 216 § 2 k.k."),
        ),
        fields=(
            SENDER_NAME,
            SENDER_ADDRESS,
            PLACE,
            Field(
                "sad",
                "Sąd rejonowy",
                hint="Sąd rejonowy właściwy dla miejsca, w którym sprawca działał (zwykle tam,"
                " gdzie napisał wpis), a nie dla Twojego miejsca zamieszkania.",
                max_length=200,
            ),
            COURT_ADDRESS,
            Field("oskarzony", "Oskarżony (sprawca)", Kind.NAME, max_length=120),
            Field("oskarzony_adres", "Adres oskarżonego", Kind.ADDRESS, max_length=300),
            Field(
                "czyn",
                "Co zrobił sprawca",
                Kind.CHOICE,
                choices=(
                    ("212", "pomówił mnie (zniesławienie, art. 212 § 2 k.k.)"),
                    ("216", "znieważył mnie (zniewaga, art. 216 § 2 k.k.)"),
                ),
            ),
            URL,
            Field("data_czynu", "Data publikacji wpisu", Kind.DATE),
            Field(
                "data_wiedzy",
                "Kiedy dowiedziałeś się, kto jest sprawcą",
                Kind.DATE,
                hint="Od tego dnia biegnie roczny termin.",
            ),
            Field("cytat", "Treść wpisu", Kind.PARAGRAPHS, hint="Dokładny cytat.", max_length=3000),
            JUSTIFICATION,
            EVIDENCE,
        ),
        addressee=COURT_ADDRESSEE,
        sending=Sending(
            how=COURT_POST,
            to_court=True,
            post_rule=OTHER_POST_RULE,
            copies=COURT_COPIES,
            attachments=(
                "zrzuty ekranu wpisu z widocznym adresem i datą",
                "potwierdzenie uiszczenia 1000 zł",
            ),
            fee=Note(
                "1000 zł zryczałtowanej równowartości wydatków (art. 621 § 2 k.p.k.,"
                " od 1 lipca 2025 r.)."
            ),
        ),
        deadlines=(
            DeadlineSpec(
                DeadlineRule(12, Unit.MONTHS, Procedure.NONE),
                "od dowiedzenia się, kto jest sprawcą",
                "data_wiedzy",
                "art. 101 § 2 k.k.",
            ),
            DeadlineSpec(
                DeadlineRule(36, Unit.MONTHS, Procedure.NONE),
                "od czynu (najpóźniej)",
                "data_czynu",
                "art. 101 § 2 k.k.",
            ),
        ),
    ),
    # 4. Copyright and takedowns
    DocumentType(
        key="zgloszenie-naruszenia",
        name="Zgłoszenie naruszenia praw autorskich",
        basis="art. 16 ust. 2 aktu o usługach cyfrowych (DSA)",
        fields=(
            SENDER_NAME,
            GOOD_FAITH_EMAIL,
            PLACE,
            PLATFORM,
            URL,
            Field(
                "utwor",
                "Twój utwór",
                hint="Co stworzyłeś, np. „zdjęcie zachodu słońca nad Wisłą”.",
                max_length=300,
            ),
            Field(
                "dowod_praw",
                "Dowód, że prawa należą do Ciebie",
                hint="Np. „oryginalny plik z danymi EXIF, publikacja na moim profilu 3.05.2026”.",
                max_length=500,
            ),
            JUSTIFICATION,
        ),
        addressee=Addressee(
            how_to_find="Serwis, który przechowuje treść; zgłoszenie wysyłasz jego formularzem"
            " zgłoszeń naruszeń praw autorskich.",
            name_field="platforma",
        ),
        sending=Sending(
            how="Wyślij formularzem zgłoszeń serwisu i zrób zrzut ekranu potwierdzenia.",
        ),
        no_deadline="Prawo nie wyznacza terminu na zgłoszenie.",
    ),
    DocumentType(
        key="wezwanie-zaniechanie",
        name="Wezwanie do zaniechania naruszeń praw autorskich",
        basis="art. 79 ust. 1 ustawy o prawie autorskim i prawach pokrewnych",
        fields=(
            SENDER_NAME,
            SENDER_ADDRESS,
            PLACE,
            Field("adresat", "Kto narusza Twoje prawa", hint="Osoba lub firma.", max_length=200),
            RECIPIENT_ADDRESS,
            URL,
            Field("utwor", "Twój utwór", max_length=300),
            DAYS_TO_COMPLY,
            Field(
                "wynagrodzenie",
                "Wynagrodzenie, którego żądasz",
                Kind.AMOUNT,
                required=False,
                hint="Np. dwukrotność opłaty licencyjnej; zostaw puste, jeśli żądasz tylko"
                " zaprzestania.",
            ),
            JUSTIFICATION,
        ),
        addressee=Addressee(
            how_to_find="Osoba lub firma, która wykorzystuje Twój utwór; adres firmy znajdziesz"
            " w jej regulaminie albo w rejestrze (KRS, CEIDG).",
            name_field="adresat",
            address_field="adresat_adres",
        ),
        sending=Sending(
            how="Wyślij listem poleconym za potwierdzeniem odbioru albo e-mailem.",
            attachments=("zrzuty ekranu naruszenia", "dowód, że prawa należą do Ciebie"),
        ),
        no_deadline="Termin w wezwaniu wyznaczasz sam.",
    ),
    DocumentType(
        key="skarga-wewnetrzna",
        name="Skarga w wewnętrznym systemie rozpatrywania skarg",
        basis="art. 20 aktu o usługach cyfrowych (DSA)",
        fields=(
            SENDER_NAME,
            Field("email", "Twój e-mail", Kind.EMAIL, max_length=200),
            PLACE,
            PLATFORM,
            Field(
                "tresc",
                "Która treść została usunięta",
                hint="Adres URL albo opis, np. „film z 3 marca 2026 r. pt. …”.",
                max_length=500,
            ),
            Field(
                "data_decyzji",
                "Kiedy serwis poinformował Cię o decyzji",
                Kind.DATE,
                required=False,
            ),
            JUSTIFICATION,
        ),
        addressee=Addressee(
            how_to_find="Serwis, który usunął treść; skargę składa się w jego wewnętrznym"
            " systemie (link zwykle jest w powiadomieniu o decyzji).",
            name_field="platforma",
        ),
        sending=Sending(
            how="Złóż skargę przez system skarg serwisu (bezpłatnie, online). Jeśli to nie"
            " pomoże, możesz zwrócić się do certyfikowanego organu pozasądowego (art. 21 DSA);"
            " droga do sądu pozostaje otwarta.",
        ),
        deadlines=(
            DeadlineSpec(
                DeadlineRule(6, Unit.MONTHS, Procedure.NONE),
                "od poinformowania Cię o decyzji",
                "data_decyzji",
                "art. 20 aktu o usługach cyfrowych (DSA)",
                whose=Whose.WINDOW,
            ),
        ),
    ),
)
