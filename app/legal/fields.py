"""The typed fields a catalogue document is filled from (what each holds, not how it is checked)."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Kind(enum.StrEnum):
    """What a field holds; each kind has its own validation (app.services.fields)."""

    TEXT = "text"  # one line: an organisation, a place, a number on a notice
    NAME = "name"  # a person's name
    ADDRESS = "address"  # a postal address, on several lines
    DATE = "date"  # stored as YYYY-MM-DD
    CASE_NUMBER = "case_number"  # sygnatura akt, e.g. "I C 123/26"
    MANDATE = "mandate"  # series and number of a mandat, e.g. "CW 1234567"
    AMOUNT = "amount"  # złote, stored as "1234.50"
    URL = "url"
    EMAIL = "email"
    DAYS = "days"  # a whole number of days, 1-90
    DURATION = "duration"  # "14 dni", "2 tygodnie", "1 miesiąc" (a court-set deadline)
    CHOICE = "choice"  # one of ``choices``
    PARAGRAPHS = "paragraphs"  # free text in paragraphs: the only part the model may write


@dataclass(frozen=True)
class Field:
    """One field of a document: its key, its Polish label and hint, and its rules."""

    key: str
    label: str
    kind: Kind = Kind.TEXT
    required: bool = True
    hint: str = ""
    max_length: int = 200
    choices: tuple[tuple[str, str], ...] = ()  # (value, Polish label) for CHOICE
    example: str = ""
    rule: str = ""  # an extra check by name, e.g. "e-court": the case number must be "Nc-e"

    @property
    def placeholder(self) -> str:
        """What the letter shows while the field is empty: "[imię i nazwisko]"."""
        return f"[{self.label[:1].lower()}{self.label[1:]}]"

    @property
    def multiline(self) -> bool:
        """True for fields typed in a text area."""
        return self.kind in (Kind.ADDRESS, Kind.PARAGRAPHS)


# Fields that most documents share; each document lists the ones it needs.
SENDER_NAME = Field("imie_nazwisko", "Imię i nazwisko", Kind.NAME, max_length=120)
SENDER_ADDRESS = Field(
    "adres",
    "Twój adres",
    Kind.ADDRESS,
    hint="Ulica i numer, kod pocztowy i miejscowość — na ten adres przyjdzie odpowiedź.",
    max_length=300,
    example="ul. Lipowa 5/2\n00-001 Warszawa",
)
PLACE = Field(
    "miejscowosc",
    "Miejscowość",
    hint="Gdzie podpisujesz pismo (trafi do nagłówka obok daty).",
    max_length=80,
)
EMAIL = Field(
    "email", "Twój e-mail", Kind.EMAIL, hint="Na ten adres przyjdzie odpowiedź.", max_length=200
)
CASE_NUMBER = Field(
    "sygnatura",
    "Sygnatura akt",
    Kind.CASE_NUMBER,
    hint="Z pierwszej strony pisma z sądu, np. „I C 123/26”.",
    max_length=40,
)
DELIVERY_DATE = Field(
    "data_doreczenia",
    "Data doręczenia",
    Kind.DATE,
    hint="Dzień, w którym odebrałeś pismo. Jeśli nie odebrałeś go z poczty, dniem doręczenia"
    " jest ostatni dzień 14-dniowego awizo.",
)
PLAINTIFF = Field(
    "powod",
    "Powód",
    hint="Kto Cię pozwał — nazwa albo imię i nazwisko, jak w piśmie z sądu.",
    max_length=200,
)
PLAINTIFF_ADDRESS = Field(
    "powod_adres", "Adres powoda", Kind.ADDRESS, required=False, max_length=300
)
AMOUNT = Field(
    "kwota",
    "Kwota, której żąda powód",
    Kind.AMOUNT,
    hint="W złotych, bez odsetek i kosztów, np. „1250,00”.",
)
COURT = Field(
    "sad",
    "Sąd",
    hint="Pełna nazwa z nagłówka pisma, np. „Sąd Rejonowy dla Krakowa-Śródmieścia w Krakowie,"
    " I Wydział Cywilny”.",
    max_length=200,
)
COURT_ADDRESS = Field(
    "sad_adres",
    "Adres sądu",
    Kind.ADDRESS,
    required=False,
    hint="Z pisma, które dostałeś, albo ze strony internetowej sądu.",
    max_length=300,
)
EVIDENCE = Field(
    "dowody",
    "Dowody",
    Kind.PARAGRAPHS,
    required=False,
    hint="Każdy dowód w osobnym wierszu, np. „potwierdzenie przelewu z 3 marca 2026 r.”.",
    max_length=2000,
)
URL = Field("url", "Adres internetowy (URL) treści", Kind.URL, max_length=2000)
PLATFORM = Field(
    "platforma",
    "Serwis internetowy",
    hint="Np. Facebook (Meta), YouTube (Google), X, TikTok.",
    max_length=120,
)
JUSTIFICATION = Field(
    "uzasadnienie",
    "Uzasadnienie",
    Kind.PARAGRAPHS,
    hint="Opisz własnymi słowami, co się stało i dlaczego się nie zgadzasz. Pusty wiersz"
    " zaczyna nowy akapit.",
    max_length=6000,
)
