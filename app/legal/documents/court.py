"""Court payment orders and lawsuits (LEGAL.md section 3)."""

from __future__ import annotations

from app.legal.documents.common import (
    CIVIL_2_WEEKS,
    CIVIL_POST_RULE,
    COURT_ADDRESSEE,
    COURT_COPIES,
    COURT_POST,
    PAYMENT_ORDER_FIELDS,
)
from app.legal.documents.model import Addressee, DeadlineSpec, DocumentType, Note, Sending
from app.legal.fields import (
    AMOUNT,
    CASE_NUMBER,
    COURT,
    COURT_ADDRESS,
    DELIVERY_DATE,
    EVIDENCE,
    JUSTIFICATION,
    PLACE,
    PLAINTIFF,
    PLAINTIFF_ADDRESS,
    SENDER_ADDRESS,
    SENDER_NAME,
    Field,
    Kind,
)
from app.services.deadlines import DeadlineRule, Procedure, Unit

COURT: tuple[DocumentType, ...] = (
    DocumentType(
        key="sprzeciw-nakaz",
        name="Sprzeciw od nakazu zapłaty",
        basis="art. 505 k.p.c. w zw. z art. 503 k.p.c.",
        fields=(*PAYMENT_ORDER_FIELDS, JUSTIFICATION, EVIDENCE),
        addressee=COURT_ADDRESSEE,
        sending=Sending(
            how=COURT_POST,
            to_court=True,
            post_rule=CIVIL_POST_RULE,
            copies=COURT_COPIES,
            attachments=("dowody wymienione w sprzeciwie",),
        ),
        deadlines=(
            DeadlineSpec(
                CIVIL_2_WEEKS,
                "od doręczenia nakazu zapłaty",
                "data_doreczenia",
                "art. 502 § 1 k.p.c.",
            ),
        ),
    ),
    DocumentType(
        key="zarzuty-nakaz",
        name="Zarzuty od nakazu zapłaty",
        basis="art. 493 § 1 k.p.c.",
        fields=(*PAYMENT_ORDER_FIELDS, JUSTIFICATION, EVIDENCE),
        addressee=COURT_ADDRESSEE,
        sending=Sending(
            how=COURT_POST,
            to_court=True,
            post_rule=CIVIL_POST_RULE,
            copies=COURT_COPIES,
            attachments=(
                "wszystkie dowody (zgłoszone później sąd pominie)",
                "potwierdzenie uiszczenia opłaty",
            ),
            fee=Note(
                "3/4 pełnej opłaty od pozwu; konsument płaci najwyżej 750 zł"
                " (art. 19 ust. 4 ustawy o kosztach sądowych w sprawach cywilnych)."
            ),
        ),
        deadlines=(
            DeadlineSpec(
                CIVIL_2_WEEKS,
                "od doręczenia nakazu zapłaty",
                "data_doreczenia",
                "art. 493 § 1 k.p.c.",
            ),
        ),
    ),
    DocumentType(
        key="sprzeciw-epu",
        name="Sprzeciw od nakazu zapłaty w elektronicznym postępowaniu upominawczym",
        basis="art. 505³⁶ k.p.c.",
        fields=(
            SENDER_NAME,
            SENDER_ADDRESS,
            PLACE,
            Field(
                "sygnatura",
                "Sygnatura akt",
                Kind.CASE_NUMBER,
                hint="Z nakazu, z literami „Nc-e”, np. „VI Nc-e 1234567/26”.",
                max_length=40,
                rule="e-court",
            ),
            PLAINTIFF,
            Field("data_nakazu", "Data wydania nakazu", Kind.DATE),
            DELIVERY_DATE,
            AMOUNT,
            Field(
                "uzasadnienie",
                "Uzasadnienie",
                Kind.PARAGRAPHS,
                required=False,
                hint="Sprzeciw w e-sądzie nie wymaga uzasadnienia ani dowodów.",
                max_length=6000,
            ),
        ),
        addressee=Addressee(
            how_to_find="E-sąd: Sąd Rejonowy Lublin-Zachód w Lublinie, VI Wydział Cywilny;"
            " adres jest na nakazie i na stronie e-sad.gov.pl.",
            name="Sąd Rejonowy Lublin-Zachód w Lublinie\nVI Wydział Cywilny",
        ),
        sending=Sending(how=COURT_POST, to_court=True, post_rule=CIVIL_POST_RULE),
        deadlines=(
            DeadlineSpec(
                DeadlineRule(14, Unit.DAYS, Procedure.CIVIL),
                "od doręczenia nakazu (na adres z rejestru PESEL)",
                "data_doreczenia",
                "przepisy o elektronicznym postępowaniu upominawczym",
            ),
        ),
    ),
    DocumentType(
        key="przywrocenie-terminu",
        name="Wniosek o przywrócenie terminu",
        basis="art. 168 § 1 i art. 169 k.p.c.",
        fields=(
            SENDER_NAME,
            SENDER_ADDRESS,
            PLACE,
            COURT,
            COURT_ADDRESS,
            CASE_NUMBER,
            Field(
                "strony",
                "Strony sprawy",
                required=False,
                hint="Jak w piśmie z sądu, np. „powód: Windykacja sp. z o.o., pozwany: Jan"
                " Kowalski”.",
                max_length=300,
            ),
            Field(
                "czynnosc",
                "Czego nie zdążyłeś zrobić",
                hint="Np. „wniesienia sprzeciwu od nakazu zapłaty”.",
                max_length=200,
            ),
            Field(
                "data_ustania_przeszkody",
                "Kiedy przeszkoda ustała",
                Kind.DATE,
                hint="Np. dzień wyjścia ze szpitala albo powrotu z delegacji.",
            ),
            Field(
                "uzasadnienie",
                "Dlaczego nie zdążyłeś bez swojej winy",
                Kind.PARAGRAPHS,
                hint="Opisz przeszkodę i jak ją udowodnisz (np. zaświadczenie lekarskie).",
                max_length=6000,
            ),
            EVIDENCE,
        ),
        addressee=Addressee(
            how_to_find="Sąd, w którym trzeba było dokonać spóźnionej czynności (jego nazwa"
            " jest na piśmie z sądu).",
            name_field="sad",
            address_field="sad_adres",
        ),
        sending=Sending(
            how=COURT_POST,
            to_court=True,
            post_rule=CIVIL_POST_RULE,
            copies=COURT_COPIES,
            attachments=(
                "spóźnione pismo (np. sprzeciw) — trzeba je złożyć razem z wnioskiem",
                "dowody przeszkody, np. zaświadczenie lekarskie",
            ),
        ),
        deadlines=(
            DeadlineSpec(
                DeadlineRule(1, Unit.WEEKS, Procedure.CIVIL),
                "od ustania przeszkody",
                "data_ustania_przeszkody",
                "art. 169 § 1 k.p.c.",
            ),
        ),
    ),
    DocumentType(
        key="odpowiedz-na-pozew",
        name="Odpowiedź na pozew",
        basis="art. 205¹ k.p.c.",
        fields=(
            SENDER_NAME,
            SENDER_ADDRESS,
            PLACE,
            COURT,
            COURT_ADDRESS,
            CASE_NUMBER,
            PLAINTIFF,
            PLAINTIFF_ADDRESS,
            AMOUNT,
            DELIVERY_DATE,
            Field(
                "termin_sadu",
                "Termin wyznaczony przez sąd",
                Kind.DURATION,
                hint="Jak w zarządzeniu sądu, np. „14 dni”, „2 tygodnie”, „21 dni”.",
                max_length=30,
            ),
            Field(
                "uzasadnienie",
                "Twoje stanowisko",
                Kind.PARAGRAPHS,
                hint="Odnieś się do twierdzeń pozwu i napisz, z czym się nie zgadzasz.",
                max_length=6000,
            ),
            EVIDENCE,
        ),
        addressee=COURT_ADDRESSEE,
        sending=Sending(
            how=COURT_POST,
            to_court=True,
            post_rule=CIVIL_POST_RULE,
            copies=COURT_COPIES,
            attachments=("dowody wymienione w odpowiedzi",),
        ),
        deadlines=(
            DeadlineSpec(
                None,
                "od doręczenia pozwu, w terminie wyznaczonym przez sąd (nie krótszym niż"
                " 2 tygodnie)",
                "data_doreczenia",
                "art. 205¹ k.p.c.",
                length_field="termin_sadu",
                procedure=Procedure.CIVIL,
            ),
        ),
    ),
)
