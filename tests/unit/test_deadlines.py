"""Deadlines under the vetted rules: counting days, weeks and months, and moving past days off."""

from __future__ import annotations

from datetime import date

import pytest

from app.services.deadlines import (
    DeadlineRule,
    Procedure,
    Unit,
    is_day_off,
    last_day,
    nominal_last_day,
)

SEVEN_DAYS = DeadlineRule(7, Unit.DAYS, Procedure.PETTY)
TWO_WEEKS = DeadlineRule(2, Unit.WEEKS, Procedure.CIVIL)
ONE_MONTH = DeadlineRule(1, Unit.MONTHS, Procedure.RODO)


# The public holidays of LEGAL.md (ustawa o dniach wolnych od pracy, art. 1), 2026.
HOLIDAYS_2026 = [
    date(2026, 1, 1),
    date(2026, 1, 6),
    date(2026, 4, 5),  # Easter Sunday
    date(2026, 4, 6),  # Easter Monday
    date(2026, 5, 1),
    date(2026, 5, 3),
    date(2026, 5, 24),  # Pentecost Sunday
    date(2026, 6, 4),  # Corpus Christi
    date(2026, 8, 15),
    date(2026, 11, 1),
    date(2026, 11, 11),
    date(2026, 12, 24),  # from 2025
    date(2026, 12, 25),
    date(2026, 12, 26),
]


@pytest.mark.parametrize("day", HOLIDAYS_2026)
def test_every_listed_holiday_is_a_day_off(day: date) -> None:
    assert is_day_off(day)


def test_ordinary_weekdays_are_not_days_off() -> None:
    assert not is_day_off(date(2026, 11, 27))  # a Friday
    assert not is_day_off(date(2026, 12, 23))  # the Wednesday before Christmas Eve
    assert not is_day_off(date(2026, 12, 28))  # the Monday after Christmas
    assert is_day_off(date(2026, 11, 28))  # Saturday
    assert is_day_off(date(2026, 11, 29))  # Sunday


def test_christmas_eve_is_a_holiday_only_from_2025() -> None:
    assert not is_day_off(date(2024, 12, 24))  # a Tuesday, before the act of 6.12.2024
    assert is_day_off(date(2025, 12, 24))


def test_days_start_on_the_day_after_the_event() -> None:
    # Delivered on Monday 16 Nov 2026: 7 days end on Monday 23 Nov.
    assert last_day(SEVEN_DAYS, date(2026, 11, 16)).last_day == date(2026, 11, 23)


def test_a_saturday_end_moves_to_monday() -> None:
    # Delivered on Saturday 21 Nov 2026: the 7th day is Saturday 28 Nov -> Monday 30 Nov.
    deadline = last_day(SEVEN_DAYS, date(2026, 11, 21))
    assert deadline.nominal_day == date(2026, 11, 28)
    assert deadline.last_day == date(2026, 11, 30) and deadline.moved


def test_holidays_in_a_row_are_all_skipped() -> None:
    # Delivered on Thursday 17 Dec 2026: the 7th day is Christmas Eve (Thursday); then
    # Christmas, Saturday the 26th (also a holiday) and Sunday follow -> Monday 28 Dec.
    assert last_day(SEVEN_DAYS, date(2026, 12, 17)).last_day == date(2026, 12, 28)


def test_weeks_end_on_the_same_weekday() -> None:
    # Served on Wednesday 4 Nov 2026: two weeks end on Wednesday 18 Nov.
    deadline = last_day(TWO_WEEKS, date(2026, 11, 4))
    assert deadline.last_day == date(2026, 11, 18) and not deadline.moved


def test_a_month_ends_on_the_same_number_or_the_months_last_day() -> None:
    assert nominal_last_day(ONE_MONTH, date(2026, 3, 15)) == date(2026, 4, 15)
    assert nominal_last_day(ONE_MONTH, date(2026, 1, 31)) == date(2026, 2, 28)
    assert nominal_last_day(ONE_MONTH, date(2028, 1, 31)) == date(2028, 2, 29)
    assert nominal_last_day(DeadlineRule(2, Unit.MONTHS, Procedure.RODO), date(2026, 12, 31)) == (
        date(2027, 2, 28)
    )


def test_a_rodo_month_ending_on_a_sunday_moves_to_the_next_working_day() -> None:
    # Request received 3 Apr 2026: one month ends on Sunday 3 May (also a holiday) -> Monday.
    assert last_day(ONE_MONTH, date(2026, 4, 3)).last_day == date(2026, 5, 4)


def test_a_deadline_lasts_at_least_one_unit() -> None:
    with pytest.raises(ValueError):
        DeadlineRule(0, Unit.DAYS, Procedure.CIVIL)
