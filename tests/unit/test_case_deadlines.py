"""The case's own deadline: the document's rule applied to the dates the person gave.

Every expected day below was counted by hand against the calendar (weekday noted), so the
tests do not trust the engine to check itself.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.legal.documents import DocumentType, Whose, document_type
from app.services.case_deadlines import CaseDeadline, for_case, rule_text
from app.services.deadlines import DeadlineRule, Procedure, Unit

TODAY = date(2026, 11, 27)


def _document(key: str) -> DocumentType:
    document = document_type(key)
    assert document is not None, key
    return document


def _case(key: str, values: dict[str, str], today: date = TODAY) -> CaseDeadline:
    found = for_case(_document(key), values, today)
    assert found is not None
    return found


def _last_day(key: str, values: dict[str, str]) -> date:
    found = _case(key, values)
    assert found.deadline is not None
    return found.deadline.last_day


# --- petty offences: 7 days ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "last", "moved"),
    [
        # Mon 2.11.2026 + 7 days = Mon 9.11: a working day.
        ("2026-11-02", date(2026, 11, 9), False),
        # Wed 4.11 + 7 = Wed 11.11, Independence Day -> Thu 12.11.
        ("2026-11-04", date(2026, 11, 12), True),
        # Sat 7.11 + 7 = Sat 14.11 -> Sunday is a holiday too -> Mon 16.11.
        ("2026-11-07", date(2026, 11, 16), True),
    ],
)
def test_a_mandat_has_7_days_from_becoming_final(event: str, last: date, moved: bool) -> None:
    found = _case("uchylenie-mandatu", {"data_prawomocnosci": event})
    assert found.rule == DeadlineRule(7, Unit.DAYS, Procedure.PETTY)
    assert found.event_day == date.fromisoformat(event)
    assert found.deadline is not None
    assert found.deadline.last_day == last
    assert found.deadline.moved is moved
    assert found.deadline.nominal_day == date.fromisoformat(event) + timedelta(days=7)
    assert found.spec.event_field == "data_prawomocnosci"
    assert not found.theirs


def test_the_mandat_deadline_ignores_the_date_of_the_mandat_itself() -> None:
    # Only the day it became final counts, not the day it was issued.
    values = {"data_mandatu": "2026-10-01", "data_prawomocnosci": "2026-11-02"}
    assert _last_day("uchylenie-mandatu", values) == date(2026, 11, 9)


def test_a_penal_order_has_7_days_from_delivery() -> None:
    # Mon 16.11 + 7 = Mon 23.11.
    assert _last_day("sprzeciw-wyrok-nakazowy", {"data_doreczenia": "2026-11-16"}) == date(
        2026, 11, 23
    )


# --- civil: 2 weeks, moved by art. 115 k.c. ------------------------------------------------------


@pytest.mark.parametrize("key", ["sprzeciw-nakaz", "zarzuty-nakaz", "sprzeciw-epu"])
@pytest.mark.parametrize(
    ("delivered", "last", "moved"),
    [
        # Mon 2.11 + 2 weeks = Mon 16.11.
        ("2026-11-02", date(2026, 11, 16), False),
        # Sat 31.10 + 2 weeks = Sat 14.11 -> Mon 16.11.
        ("2026-10-31", date(2026, 11, 16), True),
        # Wed 28.10 + 2 weeks = Wed 11.11 (holiday) -> Thu 12.11.
        ("2026-10-28", date(2026, 11, 12), True),
        # Thu 10.12 + 2 weeks = Thu 24.12 (a holiday since 2025), Fri 25 and Sat 26.12,
        # Sun 27.12 -> Mon 28.12.
        ("2026-12-10", date(2026, 12, 28), True),
        # Mon 15.03.2027 + 2 weeks = Easter Monday 29.03.2027 -> Tue 30.03.
        ("2027-03-15", date(2027, 3, 30), True),
    ],
)
def test_a_payment_order_objection_has_two_weeks_from_delivery(
    key: str, delivered: str, last: date, moved: bool
) -> None:
    found = _case(key, {"data_doreczenia": delivered})
    assert found.spec.event_field == "data_doreczenia"
    assert found.rule is not None
    assert found.rule.procedure == Procedure.CIVIL
    assert found.deadline is not None
    assert found.deadline.last_day == last
    assert found.deadline.moved is moved


def test_the_payment_order_deadline_counts_from_delivery_not_issue() -> None:
    values = {"data_nakazu": "2026-10-01", "data_doreczenia": "2026-11-02"}
    assert _last_day("sprzeciw-nakaz", values) == date(2026, 11, 16)


def test_reinstatement_has_one_week_from_the_obstacle_ending() -> None:
    # Wed 4.11 + 1 week = Wed 11.11 (holiday) -> Thu 12.11.
    found = _case("przywrocenie-terminu", {"data_ustania_przeszkody": "2026-11-04"})
    assert found.rule == DeadlineRule(1, Unit.WEEKS, Procedure.CIVIL)
    assert found.deadline is not None
    assert found.deadline.last_day == date(2026, 11, 12)


# --- private indictment: the earlier of two limits -----------------------------------------------


def test_the_private_indictment_takes_36_months_from_the_act_when_that_is_earlier() -> None:
    # Act 15.01.2024 -> +36 months = Fri 15.01.2027; learned 10.03.2026 -> +12 = 10.03.2027.
    found = _case(
        "prywatny-akt-oskarzenia", {"data_czynu": "2024-01-15", "data_wiedzy": "2026-03-10"}
    )
    assert found.spec.event_field == "data_czynu"
    assert found.rule == DeadlineRule(36, Unit.MONTHS, Procedure.NONE)
    assert found.deadline is not None
    assert found.deadline.last_day == date(2027, 1, 15)


def test_the_private_indictment_takes_12_months_from_learning_when_that_is_earlier() -> None:
    # Learned 1.02.2026 -> +12 = 1.02.2027; act 10.01.2026 -> +36 = 10.01.2029.
    found = _case(
        "prywatny-akt-oskarzenia", {"data_czynu": "2026-01-10", "data_wiedzy": "2026-02-01"}
    )
    assert found.spec.event_field == "data_wiedzy"
    assert found.rule == DeadlineRule(12, Unit.MONTHS, Procedure.NONE)
    assert found.deadline is not None
    assert found.deadline.last_day == date(2027, 2, 1)


def test_a_limitation_period_is_not_moved_off_a_saturday() -> None:
    # Learned 6.02.2026 -> 6.02.2027 is a Saturday; limitation is not a procedural deadline.
    found = _case(
        "prywatny-akt-oskarzenia", {"data_czynu": "2026-01-10", "data_wiedzy": "2026-02-06"}
    )
    assert found.deadline is not None
    assert found.deadline.last_day == date(2027, 2, 6)
    assert not found.deadline.moved


def test_a_month_without_the_day_ends_on_its_last_day() -> None:
    # Act 29.02.2024 -> +36 months: February 2027 has no 29th -> 28.02.2027.
    found = _case(
        "prywatny-akt-oskarzenia", {"data_czynu": "2024-02-29", "data_wiedzy": "2026-11-01"}
    )
    assert found.deadline is not None
    assert found.deadline.last_day == date(2027, 2, 28)


def test_with_only_the_act_known_it_asks_for_the_other_date() -> None:
    """The year from learning who did it may end first: no later day is shown as the
    deadline while that date is missing."""
    found = _case("prywatny-akt-oskarzenia", {"data_czynu": "2024-01-15"})
    assert found.spec.event_field == "data_wiedzy"
    assert found.deadline is None


# --- a length set by the court -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("length", "delivered", "last", "rule"),
    [
        # Mon 2.11 + 21 days = Mon 23.11.
        ("21 dni", "2026-11-02", date(2026, 11, 23), DeadlineRule(21, Unit.DAYS, Procedure.CIVIL)),
        # Mon 2.11 + 2 weeks = Mon 16.11.
        (
            "2 tygodnie",
            "2026-11-02",
            date(2026, 11, 16),
            DeadlineRule(2, Unit.WEEKS, Procedure.CIVIL),
        ),
        # Sat 31.10 + 1 month: November has no 31st -> Mon 30.11.
        (
            "1 miesiąc",
            "2026-10-31",
            date(2026, 11, 30),
            DeadlineRule(1, Unit.MONTHS, Procedure.CIVIL),
        ),
        # Sat 24.10 + 14 days = Sat 7.11 -> Mon 9.11.
        ("14 dni", "2026-10-24", date(2026, 11, 9), DeadlineRule(14, Unit.DAYS, Procedure.CIVIL)),
    ],
)
def test_the_answer_to_a_lawsuit_takes_its_length_from_the_court(
    length: str, delivered: str, last: date, rule: DeadlineRule
) -> None:
    found = _case("odpowiedz-na-pozew", {"termin_sadu": length, "data_doreczenia": delivered})
    assert found.rule == rule
    assert found.deadline is not None
    assert found.deadline.last_day == last


@pytest.mark.parametrize("length", ["", "dwa tygodnie", "0 dni"])
def test_an_unknown_court_length_gives_no_deadline_but_keeps_the_rule_spec(length: str) -> None:
    document = _document("odpowiedz-na-pozew")
    found = _case("odpowiedz-na-pozew", {"termin_sadu": length, "data_doreczenia": "2026-11-02"})
    assert found.spec is document.deadlines[0]
    assert found.rule is None
    assert found.deadline is None
    assert found.event_day == date(2026, 11, 2)
    assert found.days_left is None


# --- missing dates and the other side's deadlines ----------------------------------------------


@pytest.mark.parametrize(
    ("key", "values"),
    [
        ("sprzeciw-nakaz", {}),
        ("sprzeciw-nakaz", {"data_doreczenia": ""}),
        ("sprzeciw-nakaz", {"data_doreczenia": "20.11.2026"}),  # not a stored ISO date
        ("sprzeciw-nakaz", {"data_doreczenia": "2026-02-30"}),
        ("uchylenie-mandatu", {"data_mandatu": "2026-11-02"}),
        ("prywatny-akt-oskarzenia", {}),
    ],
)
def test_a_missing_date_gives_no_deadline_but_keeps_the_spec(
    key: str, values: dict[str, str]
) -> None:
    document = _document(key)
    found = _case(key, values)
    assert found.spec is document.deadlines[0]
    assert found.rule is document.deadlines[0].rule
    assert found.event_day is None
    assert found.deadline is None
    assert found.days_left is None


@pytest.mark.parametrize("key", ["dostep-do-danych", "usuniecie-danych", "sprzeciw-marketing"])
def test_a_rodo_month_is_the_controllers_and_has_no_date_of_yours(key: str) -> None:
    found = _case(key, {"imie_nazwisko": "Jan Kowalski", "administrator": "Sklep XYZ"})
    assert found.theirs
    assert found.spec.whose == Whose.THEIRS
    assert found.spec.event_field is None
    assert found.rule == DeadlineRule(1, Unit.MONTHS, Procedure.RODO)
    assert found.deadline is None
    assert found.days_left is None


def test_the_private_car_park_operator_has_14_days_to_answer() -> None:
    found = _case("parking-prywatny", {})
    assert found.theirs
    assert found.rule == DeadlineRule(14, Unit.DAYS, Procedure.CIVIL)
    assert found.deadline is None


@pytest.mark.parametrize(
    "key", ["oplata-spp", "zgloszenie-dsa", "wezwanie-usuniecie-wpisu", "skarga-uodo"]
)
def test_documents_without_a_deadline_give_none(key: str) -> None:
    assert for_case(_document(key), {"data_doreczenia": "2026-11-02"}, TODAY) is None


def test_no_document_gives_none() -> None:
    assert for_case(None, {}, TODAY) is None


# --- days left ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "left"),
    [
        (date(2026, 11, 2), 10),
        (date(2026, 11, 11), 1),
        (date(2026, 11, 12), 0),
        (date(2026, 11, 13), -1),
        (date(2026, 12, 12), -30),
    ],
)
def test_days_left_count_to_the_moved_last_day(today: date, left: int) -> None:
    # Wed 28.10 + 2 weeks = 11.11 (holiday) -> Thu 12.11.
    found = _case("sprzeciw-nakaz", {"data_doreczenia": "2026-10-28"}, today)
    assert found.days_left == left
    assert found.today == today


# --- Polish plurals ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "unit", "text"),
    [
        (1, Unit.DAYS, "1 dzień"),
        (2, Unit.DAYS, "2 dni"),
        (7, Unit.DAYS, "7 dni"),
        (14, Unit.DAYS, "14 dni"),
        (21, Unit.DAYS, "21 dni"),
        (1, Unit.WEEKS, "1 tydzień"),
        (2, Unit.WEEKS, "2 tygodnie"),
        (4, Unit.WEEKS, "4 tygodnie"),
        (5, Unit.WEEKS, "5 tygodni"),
        (12, Unit.WEEKS, "12 tygodni"),
        (22, Unit.WEEKS, "22 tygodnie"),
        (1, Unit.MONTHS, "1 miesiąc"),
        (3, Unit.MONTHS, "3 miesiące"),
        (5, Unit.MONTHS, "5 miesięcy"),
        (6, Unit.MONTHS, "6 miesięcy"),
        (12, Unit.MONTHS, "12 miesięcy"),
        (13, Unit.MONTHS, "13 miesięcy"),
        (14, Unit.MONTHS, "14 miesięcy"),
        (21, Unit.MONTHS, "21 miesięcy"),
        (22, Unit.MONTHS, "22 miesiące"),
        (36, Unit.MONTHS, "36 miesięcy"),
        (112, Unit.MONTHS, "112 miesięcy"),
        (124, Unit.MONTHS, "124 miesiące"),
    ],
)
def test_rule_text_uses_polish_plurals(amount: int, unit: Unit, text: str) -> None:
    assert rule_text(DeadlineRule(amount, unit, Procedure.CIVIL)) == text


@pytest.mark.parametrize("key", ["uchylenie-mandatu", "sprzeciw-nakaz", "prywatny-akt-oskarzenia"])
def test_rule_text_of_catalogue_rules(key: str) -> None:
    texts = [rule_text(spec.rule) for spec in _document(key).deadlines if spec.rule]
    assert (
        texts
        == {
            "uchylenie-mandatu": ["7 dni"],
            "sprzeciw-nakaz": ["2 tygodnie"],
            "prywatny-akt-oskarzenia": ["12 miesięcy", "36 miesięcy"],
        }[key]
    )
