"""Personal data, RODO (LEGAL.md section 5)."""

from __future__ import annotations

from app.legal.documents.common import (
    CONTROLLER,
    CONTROLLER_ADDRESS,
    CONTROLLER_ADDRESSEE,
    IDENTIFIERS,
    RODO_MONTH,
    RODO_SENDING,
)
from app.legal.documents.model import Addressee, DocumentType, Sending
from app.legal.fields import (
    EVIDENCE,
    JUSTIFICATION,
    PLACE,
    SENDER_ADDRESS,
    SENDER_NAME,
    Field,
    Kind,
)

RODO: tuple[DocumentType, ...] = (
    DocumentType(
        key="dostep-do-danych",
        name="Żądanie dostępu do danych osobowych",
        basis="art. 15 ust. 1 i 3 RODO",
        fields=(SENDER_NAME, SENDER_ADDRESS, PLACE, CONTROLLER, CONTROLLER_ADDRESS, IDENTIFIERS),
        addressee=CONTROLLER_ADDRESSEE,
        sending=RODO_SENDING,
        deadlines=(RODO_MONTH,),
    ),
    DocumentType(
        key="usuniecie-danych",
        name="Żądanie usunięcia danych osobowych",
        basis="art. 17 ust. 1 RODO",
        fields=(
            SENDER_NAME,
            SENDER_ADDRESS,
            PLACE,
            CONTROLLER,
            CONTROLLER_ADDRESS,
            IDENTIFIERS,
            Field(
                "zakres",
                "Których danych dotyczy żądanie",
                hint="Np. „konto w sklepie i historia zamówień”; żądanie usunięcia „wszystkiego”"
                " bywa odrzucane.",
                max_length=500,
            ),
            Field(
                "uzasadnienie",
                "Dlaczego dane mają zostać usunięte",
                Kind.PARAGRAPHS,
                required=False,
                hint="Np. cofnąłeś zgodę albo dane nie są już potrzebne.",
                max_length=3000,
            ),
        ),
        addressee=CONTROLLER_ADDRESSEE,
        sending=RODO_SENDING,
        deadlines=(RODO_MONTH,),
    ),
    DocumentType(
        key="sprzeciw-marketing",
        name="Sprzeciw wobec przetwarzania danych w celach marketingowych",
        basis="art. 21 ust. 2 i 3 RODO",
        fields=(SENDER_NAME, SENDER_ADDRESS, PLACE, CONTROLLER, CONTROLLER_ADDRESS, IDENTIFIERS),
        addressee=CONTROLLER_ADDRESSEE,
        sending=RODO_SENDING,
        deadlines=(RODO_MONTH,),
    ),
    DocumentType(
        key="skarga-uodo",
        name="Skarga do Prezesa Urzędu Ochrony Danych Osobowych",
        basis="art. 77 RODO",
        fields=(
            SENDER_NAME,
            SENDER_ADDRESS,
            PLACE,
            CONTROLLER,
            CONTROLLER_ADDRESS,
            Field(
                "data_zadania",
                "Kiedy zwróciłeś się do administratora",
                Kind.DATE,
                hint="Najpierw trzeba wysłać żądanie administratorowi.",
            ),
            Field("zadanie", "Czego żądałeś", hint="Np. „usunięcia moich danych”.", max_length=300),
            JUSTIFICATION,
            EVIDENCE,
        ),
        addressee=Addressee(
            how_to_find="Prezes Urzędu Ochrony Danych Osobowych; aktualny adres i sposób"
            " złożenia skargi (także elektronicznie) podaje strona uodo.gov.pl.",
            name="Prezes Urzędu Ochrony Danych Osobowych",
        ),
        sending=Sending(
            how="Wyślij listem poleconym albo elektronicznie, jak podaje strona uodo.gov.pl.",
            attachments=(
                "kopia żądania wysłanego do administratora",
                "jego odpowiedź, jeśli przyszła",
            ),
        ),
        no_deadline="Skargę możesz złożyć, gdy administrator nie odpowiedział w terminie albo"
        " odmówił.",
    ),
)
