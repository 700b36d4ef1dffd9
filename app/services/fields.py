"""Checking a document's fields: typed values in, normalised strings or error codes out.

Values are kept as strings (dates as YYYY-MM-DD, amounts as "1234.50") so a version can store
exactly what its letter was made from. Errors are stable codes (required, too_long, bad_date,
...) that the adapters word; nothing here speaks Polish to the person.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from app.legal.documents import DocumentType
from app.legal.fields import Field, Kind
from app.services.deadlines import Unit
from app.services.text import clean_line, clean_text

MAX_AMOUNT = Decimal("999999999.99")
NAME = re.compile(r"^[^\W\d_]+(?:[ .'’-]+[^\W\d_]+)*\.?$")
CASE_NUMBER = re.compile(
    r"^[IVXL]{1,6}\s+[A-ZŁŚŻ][A-Za-ząćęłńóśźżĄĆĘŁŃÓŚŹŻ-]{0,8}"
    r"(?:\s+[A-Za-z]{1,5})?\s+\d{1,8}/\d{2}(?:\d{2})?(?:/[A-Za-z]{1,5})?$"
)
MANDATE = re.compile(r"^([A-Z]{1,4})\s*(\d{4,10})$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
DURATION = re.compile(
    r"^(\d{1,3})\s*(dni|dzień|dzien|tydzień|tydzien|tygodni|tygodnie|miesiąc|miesiac|"
    r"miesiące|miesiace|miesięcy|miesiecy)$"
)
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%y")
OLDEST_DATE = date(2000, 1, 1)


@dataclass(frozen=True)
class Checked:
    """The outcome of checking a form: clean values, and an error code per bad field."""

    values: dict[str, str]
    errors: dict[str, str]

    @property
    def ok(self) -> bool:
        """True when every field is acceptable."""
        return not self.errors


class FieldError(ValueError):
    """One value that cannot be accepted; ``code`` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def parse_date(value: str) -> date:
    """A date typed as YYYY-MM-DD or DD.MM.YYYY (and a few close forms)."""
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise FieldError("bad_date")


def parse_duration(value: str) -> tuple[int, Unit]:
    """A court-set deadline such as "14 dni", "2 tygodnie" or "1 miesiąc"."""
    found = DURATION.match(" ".join(value.lower().split()))
    if not found:
        raise FieldError("bad_duration")
    amount, word = int(found.group(1)), found.group(2)
    if not 1 <= amount <= 366:
        raise FieldError("bad_duration")
    if word.startswith("d"):
        return amount, Unit.DAYS
    if word.startswith("t"):
        return amount, Unit.WEEKS
    return amount, Unit.MONTHS


def _amount(value: str) -> str:
    text = re.sub(r"\s|zł|zl|pln", "", value.lower()).replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:
        raise FieldError("bad_amount") from exc
    if not amount.is_finite() or amount > MAX_AMOUNT:
        raise FieldError("bad_amount")
    amount = amount.quantize(Decimal("0.01"))
    if amount <= 0:
        raise FieldError("bad_amount")
    return str(amount)


def _url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in value:
        raise FieldError("bad_url")
    return value


def _one(field: Field, raw: str, today: date) -> str:
    """The clean value of one non-empty field, or FieldError."""
    value = clean_text(raw).strip() if field.multiline else clean_line(raw)
    if len(value) > field.max_length:
        raise FieldError("too_long")
    match field.kind:
        case Kind.NAME:
            if not NAME.match(value):
                raise FieldError("bad_name")
        case Kind.ADDRESS:
            value = "\n".join(line.strip() for line in value.splitlines() if line.strip())
            if len(value) < 5:
                raise FieldError("bad_address")
        case Kind.DATE:
            day = parse_date(value)
            if day > today:
                raise FieldError("future_date")
            if day < OLDEST_DATE:
                raise FieldError("bad_date")
            value = day.isoformat()
        case Kind.CASE_NUMBER:
            value = " ".join(value.split())
            if not CASE_NUMBER.match(value):
                raise FieldError("bad_case_number")
            if field.rule == "e-court" and "nc-e" not in value.lower():
                raise FieldError("not_e_court")
        case Kind.MANDATE:
            found = MANDATE.match(value.upper().replace("NR", " ").strip())
            if not found:
                raise FieldError("bad_mandate")
            value = f"{found.group(1)} {found.group(2)}"
        case Kind.AMOUNT:
            value = _amount(value)
        case Kind.URL:
            value = _url(value)
        case Kind.EMAIL:
            if not EMAIL.match(value):
                raise FieldError("bad_email")
        case Kind.DAYS:
            if not re.fullmatch(r"[0-9]{1,2}", value) or not 1 <= int(value) <= 90:
                raise FieldError("bad_days")
            value = str(int(value))
        case Kind.DURATION:
            parse_duration(value)
        case Kind.CHOICE:
            if value not in dict(field.choices):
                raise FieldError("bad_choice")
        case Kind.PARAGRAPHS:
            value = re.sub(r"\n{3,}", "\n\n", value)
    return value


def check(
    document: DocumentType, raw: Mapping[str, object], today: date, *, partial: bool = False
) -> Checked:
    """Check every field of a document; with ``partial`` missing required ones are no error.

    Only the document's own fields are read; anything else in ``raw`` is ignored. A value
    that is not a string (as structured model output may be) counts as invalid.
    """
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for field in document.fields:
        item = raw.get(field.key)
        if isinstance(item, str):
            item = clean_text(item)
        if item is None or (isinstance(item, str) and not item.strip()):
            if field.required and not partial:
                errors[field.key] = "required"
            continue
        if not isinstance(item, str):
            errors[field.key] = "bad_value"
            continue
        try:
            values[field.key] = _one(field, item, today)
        except FieldError as exc:
            errors[field.key] = exc.code
    return Checked(values, errors)


def missing(document: DocumentType, values: Mapping[str, str]) -> list[Field]:
    """The required fields that have no value yet."""
    return [field for field in document.fields if field.required and not values.get(field.key)]
