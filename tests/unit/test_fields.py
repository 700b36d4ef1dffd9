"""Checking typed fields: what each kind accepts, how it is normalised, and the error codes."""

from __future__ import annotations

from datetime import date

import pytest

from app.legal.documents import DocumentType, document_type
from app.legal.fields import Field, Kind
from app.services import fields
from app.services.deadlines import Unit

TODAY = date(2026, 11, 27)


def _document(*items: Field) -> DocumentType:
    """A one-off document holding just these fields (check() only reads ``fields``)."""
    base = document_type("sprzeciw-nakaz")
    assert base is not None
    return DocumentType(
        key="test",
        name="Test",
        basis="art. 1",
        fields=items,
        addressee=base.addressee,
        sending=base.sending,
    )


def _check_one(field: Field, raw: object) -> tuple[str | None, str | None]:
    """(normalised value, error code) of one field."""
    checked = fields.check(_document(field), {field.key: raw}, TODAY)
    return checked.values.get(field.key), checked.errors.get(field.key)


def _ok(kind: Kind, raw: str, expected: str, **options: object) -> None:
    value, error = _check_one(Field("x", "Pole", kind, **options), raw)  # type: ignore[arg-type]
    assert error is None, (raw, error)
    assert value == expected


def _bad(kind: Kind, raw: object, code: str, **options: object) -> None:
    value, error = _check_one(Field("x", "Pole", kind, **options), raw)  # type: ignore[arg-type]
    assert value is None, (raw, value)
    assert error == code


# --- one table per kind ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("20.11.2026", "2026-11-20"),
        ("2026-11-20", "2026-11-20"),
        ("20-11-2026", "2026-11-20"),
        ("20/11/2026", "2026-11-20"),
        ("20.11.26", "2026-11-20"),
        ("3.2.2026", "2026-02-03"),
        (" 20.11.2026 ", "2026-11-20"),
        ("27.11.2026", "2026-11-27"),  # today is not the future
        ("29.02.2024", "2024-02-29"),
        ("01.01.2000", "2000-01-01"),
    ],
)
def test_dates_are_accepted_and_stored_as_iso(raw: str, expected: str) -> None:
    _ok(Kind.DATE, raw, expected)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("28.11.2026", "future_date"),
        ("2027-01-01", "future_date"),
        ("31.02.2026", "bad_date"),
        ("29.02.2026", "bad_date"),
        ("31.12.1999", "bad_date"),
        ("20.11.99", "bad_date"),
        ("wczoraj", "bad_date"),
        ("20 listopada 2026", "bad_date"),
        ("2026/11/20", "bad_date"),
        ("20.13.2026", "bad_date"),
    ],
)
def test_bad_and_future_dates_are_rejected(raw: str, code: str) -> None:
    _bad(Kind.DATE, raw, code)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1 250,50 zł", "1250.50"),
        ("1250,50", "1250.50"),
        ("1250.5", "1250.50"),
        ("1250", "1250.00"),
        ("1\u00a0250,00\u00a0zł", "1250.00"),
        ("1250 PLN", "1250.00"),
        ("1250 zl", "1250.00"),
        ("0,01", "0.01"),
        ("999999999.99", "999999999.99"),
    ],
)
def test_amounts_are_normalised_to_a_dot_and_two_decimals(raw: str, expected: str) -> None:
    _ok(Kind.AMOUNT, raw, expected)


@pytest.mark.parametrize(
    "raw",
    ["0", "0,00", "-5", "-0,01", "abc", "1e9999", "NaN", "Infinity", "sNaN", "1 000 000 000", "zł"],
)
def test_zero_negative_huge_and_non_numbers_are_not_amounts(raw: str) -> None:
    _bad(Kind.AMOUNT, raw, "bad_amount")


def test_an_amount_that_rounds_to_zero_is_rejected() -> None:
    _bad(Kind.AMOUNT, "0,001", "bad_amount")


@pytest.mark.parametrize(
    "raw",
    ["I C 123/26", "VI Nc-e 1234567/26", "II W 45/2026", "XV GC 100/25", "I Ns 12/26", "II K 1/26"],
)
def test_case_numbers_in_court_form_are_accepted(raw: str) -> None:
    _ok(Kind.CASE_NUMBER, raw, raw)


def test_case_number_spacing_is_folded() -> None:
    _ok(Kind.CASE_NUMBER, "  I   C\t123/26 ", "I C 123/26")


@pytest.mark.parametrize(
    "raw", ["123", "abc/12", "I C 123", "I C 123/2", "C 123/26", "I C /26", "<b>I C 1/26</b>"]
)
def test_other_text_is_not_a_case_number(raw: str) -> None:
    _bad(Kind.CASE_NUMBER, raw, "bad_case_number")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("cw 1234567", "CW 1234567"),
        ("CW1234567", "CW 1234567"),
        ("CW  1234567", "CW 1234567"),
        ("nr CW 1234567", "CW 1234567"),
        ("DD 123456", "DD 123456"),
    ],
)
def test_mandates_are_upper_cased_with_one_space(raw: str, expected: str) -> None:
    _ok(Kind.MANDATE, raw, expected)


@pytest.mark.parametrize("raw", ["1234567", "CW", "CW 123", "ABCDE 1234567", "CW-1234567x"])
def test_other_text_is_not_a_mandate(raw: str) -> None:
    _bad(Kind.MANDATE, raw, "bad_mandate")


@pytest.mark.parametrize(
    "raw",
    [
        "https://www.facebook.com/profil/posts/1",
        "http://example.pl",
        "https://example.pl/a?b=c#d",
    ],
)
def test_web_addresses_are_accepted_as_typed(raw: str) -> None:
    _ok(Kind.URL, raw, raw)


@pytest.mark.parametrize(
    "raw",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.pl/plik",
        "file:///etc/passwd",
        "https://",
        "https:///sciezka",
        "example.pl/wpis",
        "//example.pl",
        "https://exa mple.pl",
    ],
)
def test_only_http_and_https_with_a_host_are_urls(raw: str) -> None:
    _bad(Kind.URL, raw, "bad_url")


@pytest.mark.parametrize("raw", ["jan.kowalski@example.pl", "a+b@sub.example.com"])
def test_email_addresses_are_accepted(raw: str) -> None:
    _ok(Kind.EMAIL, raw, raw)


@pytest.mark.parametrize(
    "raw", ["jan", "jan@", "@example.pl", "jan@example", "jan@@example.pl", "jan@example.p"]
)
def test_other_text_is_not_an_email(raw: str) -> None:
    _bad(Kind.EMAIL, raw, "bad_email")


@pytest.mark.parametrize(("raw", "expected"), [("1", "1"), ("7", "7"), ("07", "7"), ("90", "90")])
def test_days_are_whole_numbers_from_1_to_90(raw: str, expected: str) -> None:
    _ok(Kind.DAYS, raw, expected)


@pytest.mark.parametrize("raw", ["0", "91", "-1", "7 dni", "abc", "7.5", "1e1"])
def test_other_days_are_rejected(raw: str) -> None:
    _bad(Kind.DAYS, raw, "bad_days")


def test_a_superscript_digit_is_rejected_not_a_crash() -> None:
    _bad(Kind.DAYS, "7²", "bad_days")


@pytest.mark.parametrize(
    ("raw", "amount", "unit"),
    [
        ("14 dni", 14, Unit.DAYS),
        ("21 dni", 21, Unit.DAYS),
        ("1 dzień", 1, Unit.DAYS),
        ("2 tygodnie", 2, Unit.WEEKS),
        ("1 tydzień", 1, Unit.WEEKS),
        ("5 tygodni", 5, Unit.WEEKS),
        ("1 miesiąc", 1, Unit.MONTHS),
        ("3 miesiące", 3, Unit.MONTHS),
        ("12 miesięcy", 12, Unit.MONTHS),
        ("2 TYGODNIE", 2, Unit.WEEKS),
        ("14dni", 14, Unit.DAYS),
        ("2  tygodnie", 2, Unit.WEEKS),
        ("1 miesiac", 1, Unit.MONTHS),
    ],
)
def test_durations_are_parsed_into_amount_and_unit(raw: str, amount: int, unit: Unit) -> None:
    assert fields.parse_duration(raw) == (amount, unit)
    _ok(Kind.DURATION, raw, " ".join(raw.split()))


@pytest.mark.parametrize(
    "raw", ["dwa tygodnie", "14", "0 dni", "14 godzin", "-2 tygodnie", "1 rok"]
)
def test_other_durations_are_rejected(raw: str) -> None:
    with pytest.raises(fields.FieldError):
        fields.parse_duration(raw)
    _bad(Kind.DURATION, raw, "bad_duration")


CHOICES = (("212", "zniesławienie"), ("216", "zniewaga"))


@pytest.mark.parametrize(("raw", "expected"), [("212", "212"), ("216", "216"), (" 212 ", "212")])
def test_a_choice_takes_one_of_its_values(raw: str, expected: str) -> None:
    _ok(Kind.CHOICE, raw, expected, choices=CHOICES)


@pytest.mark.parametrize("raw", ["213", "zniesławienie", "2120", "212 216"])
def test_a_choice_rejects_anything_else(raw: str) -> None:
    _bad(Kind.CHOICE, raw, "bad_choice", choices=CHOICES)


@pytest.mark.parametrize(
    "raw",
    ["Jan Kowalski", "Anna Nowak-Wiśniewska", "Łukasz Żółć", "Seán O'Brien", "Jan Kowalski Jr."],
)
def test_names_are_letters_with_spaces_hyphens_and_apostrophes(raw: str) -> None:
    _ok(Kind.NAME, raw, raw)


@pytest.mark.parametrize("raw", ["Jan123", "<script>", "Jan_Kowalski", "---", "Jan @ Kowalski"])
def test_other_text_is_not_a_name(raw: str) -> None:
    _bad(Kind.NAME, raw, "bad_name")


def test_an_address_keeps_its_lines_without_empty_ones() -> None:
    _ok(
        Kind.ADDRESS,
        "  ul. Lipowa 5/2 \r\n\r\n  00-001 Warszawa  \n",
        "ul. Lipowa 5/2\n00-001 Warszawa",
    )


def test_a_too_short_address_is_rejected() -> None:
    _bad(Kind.ADDRESS, "ul.\n\n", "bad_address")


def test_a_one_line_field_folds_line_breaks_and_spaces() -> None:
    _ok(Kind.TEXT, "  Zarząd \n Dróg\tMiejskich  ", "Zarząd Dróg Miejskich")


def test_paragraphs_keep_paragraph_breaks_but_not_runs_of_empty_lines() -> None:
    _ok(Kind.PARAGRAPHS, "Pierwszy.\r\n\r\n\r\n\r\nDrugi.\n", "Pierwszy.\n\nDrugi.")


# --- length, presence, types -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        (Kind.TEXT, "a" * 11),
        (Kind.NAME, "Bartłomiejj"),
        (Kind.PARAGRAPHS, "słowo " * 3),
    ],
)
def test_a_value_longer_than_its_limit_is_too_long(kind: Kind, raw: str) -> None:
    _bad(kind, raw, "too_long", max_length=10)


def test_the_limit_itself_is_accepted() -> None:
    _ok(Kind.TEXT, "a" * 10, "a" * 10, max_length=10)


def test_the_length_is_measured_after_cleaning() -> None:
    _ok(Kind.TEXT, "  " + "a" * 10 + "\u202e\u202e  ", "a" * 10, max_length=10)


def test_the_real_sender_name_limit_is_120_characters() -> None:
    document = document_type("sprzeciw-nakaz")
    assert document is not None
    checked = fields.check(document, {"imie_nazwisko": "A" * 121}, TODAY, partial=True)
    assert checked.errors == {"imie_nazwisko": "too_long"}


REQUIRED = Field("wymagane", "Wymagane")
OPTIONAL = Field("opcjonalne", "Opcjonalne", required=False)
PAIR = _document(REQUIRED, OPTIONAL)


@pytest.mark.parametrize("raw", [{}, {"wymagane": ""}, {"wymagane": "   \n "}, {"wymagane": None}])
def test_a_missing_required_field_is_an_error_unless_partial(raw: dict) -> None:
    assert fields.check(PAIR, raw, TODAY).errors == {"wymagane": "required"}
    partial = fields.check(PAIR, raw, TODAY, partial=True)
    assert partial.errors == {}
    assert partial.values == {}


def test_a_missing_optional_field_is_no_error_and_no_value() -> None:
    checked = fields.check(PAIR, {"wymagane": "tak", "opcjonalne": "  "}, TODAY)
    assert checked.ok
    assert checked.values == {"wymagane": "tak"}


def test_partial_still_rejects_bad_values() -> None:
    document = document_type("sprzeciw-nakaz")
    assert document is not None
    checked = fields.check(document, {"data_doreczenia": "jutro"}, TODAY, partial=True)
    assert checked.errors == {"data_doreczenia": "bad_date"}


@pytest.mark.parametrize("raw", [123, 12.5, True, False, 0, ["Jan"], {"a": "b"}, b"Jan"])
@pytest.mark.parametrize("field", [REQUIRED, OPTIONAL])
def test_a_value_that_is_not_a_string_is_a_bad_value(raw: object, field: Field) -> None:
    checked = fields.check(PAIR, {field.key: raw}, TODAY, partial=True)
    assert checked.errors == {field.key: "bad_value"}
    assert field.key not in checked.values


def test_keys_outside_the_document_are_ignored() -> None:
    checked = fields.check(
        PAIR, {"wymagane": "tak", "inne": "<script>", "__class__": 1}, TODAY, partial=True
    )
    assert checked.ok
    assert checked.values == {"wymagane": "tak"}


def test_every_error_is_reported_at_once() -> None:
    document = document_type("sprzeciw-nakaz")
    assert document is not None
    checked = fields.check(
        document, {"kwota": "-1", "sygnatura": "123", "data_nakazu": "jutro"}, TODAY
    )
    assert checked.errors["kwota"] == "bad_amount"
    assert checked.errors["sygnatura"] == "bad_case_number"
    assert checked.errors["data_nakazu"] == "bad_date"
    assert checked.errors["imie_nazwisko"] == "required"
    assert not checked.ok


# --- hidden characters -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        (Kind.TEXT, "Zarząd\u202e Dróg\x00 Miejskich\x1b", "Zarząd Dróg Miejskich"),
        (Kind.TEXT, "abc\u2066def\u2069\u200f", "abcdef"),
        (Kind.NAME, "Jan\u202e Kowalski", "Jan Kowalski"),
        (Kind.PARAGRAPHS, "Pierwszy\u202e.\x07\r\n\r\nDrugi\x85.", "Pierwszy.\n\nDrugi."),
        (
            Kind.ADDRESS,
            "ul. Lipowa\u202e 5\r\n00-001\x00 Warszawa",
            "ul. Lipowa 5\n00-001 Warszawa",
        ),
        (Kind.CASE_NUMBER, "I C\u202e 123/26", "I C 123/26"),
        (Kind.URL, "https://example.pl/\u202eabc", "https://example.pl/abc"),
    ],
)
def test_control_characters_and_bidi_overrides_are_removed(
    kind: Kind, raw: str, expected: str
) -> None:
    _ok(kind, raw, expected)


def test_a_value_of_only_hidden_characters_counts_as_empty() -> None:
    checked = fields.check(PAIR, {"wymagane": "\u202e\x00"}, TODAY)
    assert checked.errors == {"wymagane": "required"}
    assert "wymagane" not in checked.values


# --- helpers -----------------------------------------------------------------------------------


def test_parse_date_returns_a_date_or_raises_bad_date() -> None:
    assert fields.parse_date("20.11.2026") == date(2026, 11, 20)
    with pytest.raises(fields.FieldError) as caught:
        fields.parse_date("20 listopada")
    assert caught.value.code == "bad_date"


def test_missing_lists_the_required_fields_without_a_value_in_order() -> None:
    document = document_type("sprzeciw-epu")
    assert document is not None
    missing = fields.missing(document, {"imie_nazwisko": "Jan Kowalski", "sygnatura": ""})
    keys = [field.key for field in missing]
    assert "imie_nazwisko" not in keys
    assert "sygnatura" in keys
    assert "uzasadnienie" not in keys  # optional in the e-court objection
    assert keys == [f.key for f in document.fields if f.required and f.key != "imie_nazwisko"]


def test_the_e_court_objection_needs_an_nc_e_case_number() -> None:
    document = document_type("sprzeciw-epu")
    assert document is not None
    accepted = fields.check(document, {"sygnatura": "VI Nc-e 1234567/26"}, TODAY, partial=True)
    assert accepted.ok
    checked = fields.check(document, {"sygnatura": "I C 123/26"}, TODAY, partial=True)
    assert "sygnatura" in checked.errors
