"""What several documents share: fields, addressees, ways of sending, deadline rules."""

from __future__ import annotations

from app.legal.documents.model import Addressee, DeadlineSpec, Note, Sending, Whose
from app.legal.fields import (
    AMOUNT,
    CASE_NUMBER,
    COURT,
    COURT_ADDRESS,
    DELIVERY_DATE,
    PLACE,
    PLAINTIFF,
    PLAINTIFF_ADDRESS,
    SENDER_ADDRESS,
    SENDER_NAME,
    Field,
    Kind,
)
from app.services.deadlines import DeadlineRule, Procedure, Unit

MOVING_BASIS = {
    Procedure.CIVIL: Note("art. 115 k.c. w zw. z art. 165 § 1 k.p.c."),
    Procedure.CRIMINAL: Note("art. 123 § 3 k.p.k."),
    Procedure.PETTY: Note("art. 123 § 3 k.p.k. w zw. z art. 38 § 1 k.p.w."),
    Procedure.ADMINISTRATIVE: Note("art. 57 § 4 k.p.a."),
    Procedure.RODO: Note("art. 3 ust. 4 rozporządzenia 1182/71", verified=False),
}

# Filing by post: LEGAL.md gives the rule for civil cases (art. 165 § 2 k.p.c.) only.
CIVIL_POST_RULE = Note(
    "Dzień nadania w placówce Poczty Polskiej (operatora wyznaczonego) jest dniem złożenia"
    " pisma w sądzie (art. 165 § 2 k.p.c.); nadanie u kuriera nie jest."
)
OTHER_POST_RULE = Note(
    "Dzień nadania w placówce Poczty Polskiej liczy się jako dzień złożenia pisma w sądzie;"
    " nadanie u kuriera nie.",
    verified=False,
)
COURT_POST = "Wyślij listem poleconym w placówce Poczty Polskiej albo złóż w biurze podawczym sądu."
KEEP_PROOF = "Zachowaj kopię pisma i potwierdzenie nadania albo wysłania."
COURT_COPIES = Note(
    "Jeden egzemplarz dla sądu i po jednym odpisie dla każdej strony przeciwnej.", verified=False
)
PETTY_7_DAYS = DeadlineRule(7, Unit.DAYS, Procedure.PETTY)
CIVIL_2_WEEKS = DeadlineRule(2, Unit.WEEKS, Procedure.CIVIL)
RODO_MONTH = DeadlineSpec(
    DeadlineRule(1, Unit.MONTHS, Procedure.RODO),
    "od otrzymania żądania przez administratora (może go przedłużyć o 2 miesiące, jeśli"
    " poinformuje o tym w ciągu pierwszego miesiąca)",
    None,
    "art. 12 ust. 3 RODO",
    whose=Whose.THEIRS,
    moving_verified=False,
)
CONTROLLER = Field(
    "administrator",
    "Administrator danych",
    hint="Firma lub instytucja, która ma Twoje dane — nazwa z regulaminu, faktury albo"
    " polityki prywatności.",
    max_length=200,
)
CONTROLLER_ADDRESS = Field(
    "administrator_adres",
    "Adres administratora",
    Kind.ADDRESS,
    required=False,
    hint="Adres do korespondencji albo adres e-mail inspektora ochrony danych (IOD)"
    " z polityki prywatności.",
    max_length=300,
)
IDENTIFIERS = Field(
    "identyfikacja",
    "Dane, po których administrator Cię rozpozna",
    required=False,
    hint="Np. e-mail konta, numer klienta, numer telefonu. Nie wysyłaj skanu dowodu osobistego.",
    max_length=300,
)
CONTROLLER_ADDRESSEE = Addressee(
    how_to_find="Adres administratora i jego inspektora ochrony danych podaje polityka"
    " prywatności (klauzula informacyjna) na jego stronie.",
    name_field="administrator",
    address_field="administrator_adres",
)
RODO_SENDING = Sending(
    how="Wyślij e-mailem na adres z polityki prywatności albo listem poleconym. Zapisz datę"
    " wysłania: od otrzymania żądania biegnie termin na odpowiedź.",
)
RECIPIENT_ADDRESS = Field(
    "adresat_adres",
    "Adres adresata",
    Kind.ADDRESS,
    required=False,
    hint="Jeśli go nie znasz, wyślij wezwanie wiadomością (e-mail, wiadomość w serwisie).",
    max_length=300,
)
DAYS_TO_COMPLY = Field(
    "termin_dni",
    "Ile dni dajesz na spełnienie żądania",
    Kind.DAYS,
    hint="Termin wyznaczasz sam; 7 dni to zwyczaj, nie wymóg prawa.",
    example="7",
)
GOOD_FAITH_EMAIL = Field(
    "email",
    "Twój e-mail",
    Kind.EMAIL,
    hint="Zgłoszenie wymaga imienia i nazwiska oraz adresu e-mail.",
    max_length=200,
)
MANDATE_FIELDS = (
    Field(
        "seria_numer",
        "Seria i numer mandatu",
        Kind.MANDATE,
        hint="Z blankietu mandatu, np. „CW 1234567”.",
        max_length=20,
    ),
    Field("data_mandatu", "Data nałożenia mandatu", Kind.DATE),
    Field("miejsce_zdarzenia", "Miejsce zdarzenia", hint="Miejscowość i ulica.", max_length=200),
    Field(
        "organ",
        "Kto nałożył mandat",
        hint="Np. „Komenda Miejska Policji w Krakowie” albo „Straż Miejska w Gdańsku”.",
        max_length=200,
    ),
)
PAYMENT_ORDER_FIELDS = (
    SENDER_NAME,
    SENDER_ADDRESS,
    PLACE,
    COURT,
    COURT_ADDRESS,
    CASE_NUMBER,
    PLAINTIFF,
    PLAINTIFF_ADDRESS,
    Field("data_nakazu", "Data wydania nakazu", Kind.DATE),
    DELIVERY_DATE,
    AMOUNT,
)
COURT_ADDRESSEE = Addressee(
    how_to_find="Nazwa i adres sądu są w nagłówku pisma, które dostałeś; adres znajdziesz też"
    " na stronie internetowej sądu.",
    name_field="sad",
    address_field="sad_adres",
)
