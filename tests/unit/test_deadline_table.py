"""Hand-computed deadlines: a table of (event, length) -> (nominal last day, moved last day).

Every expected date was worked out by hand from ``calendar.month(...)`` printouts, with the
reason written beside it; the weekdays in the comments were checked with
``calendar.weekday``. The rules are LEGAL.md's "General deadline rules" and "Public holidays".
Every procedure with a moving rule must give the same answer; Procedure.NONE never moves.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

import holidays
import pytest

from app.services.deadlines import (
    DeadlineRule,
    Procedure,
    Unit,
    is_day_off,
    last_day,
)

D, W, M = Unit.DAYS, Unit.WEEKS, Unit.MONTHS

MOVING = [
    Procedure.CIVIL,
    Procedure.CRIMINAL,
    Procedure.PETTY,
    Procedure.ADMINISTRATIVE,
    Procedure.RODO,
]


class Case(NamedTuple):
    """One row: ``amount`` ``unit`` after ``event`` ends on ``nominal``, moved to ``expected``."""

    amount: int
    unit: Unit
    event: date
    nominal: date
    expected: date
    name: str


CASES = [
    # --- Year ends: 31 Dec, 1 Jan, 6 Jan --------------------------------------------------
    # Wed 24 Dec 2025 + 7 d = Wed 31 Dec: an ordinary working day, not moved.
    Case(7, D, date(2025, 12, 24), date(2025, 12, 31), date(2025, 12, 31), "dec31-2025-workday"),
    # Thu 25 Dec 2025 + 7 d = Thu 1 Jan 2026 (New Year) -> Fri 2 Jan.
    Case(7, D, date(2025, 12, 25), date(2026, 1, 1), date(2026, 1, 2), "new-year-2026-thu"),
    # Tue 23 Dec 2025 + 14 d = Tue 6 Jan 2026 (Epiphany) -> Wed 7 Jan.
    Case(14, D, date(2025, 12, 23), date(2026, 1, 6), date(2026, 1, 7), "epiphany-2026-tue"),
    # Mon 1 Dec 2025 + 1 month = Thu 1 Jan 2026 (New Year) -> Fri 2 Jan.
    Case(1, M, date(2025, 12, 1), date(2026, 1, 1), date(2026, 1, 2), "month-into-new-year"),
    # Fri 25 Dec 2026 + 7 d = Fri 1 Jan 2027 (New Year) -> Sat 2 -> Sun 3 -> Mon 4 Jan.
    Case(7, D, date(2026, 12, 25), date(2027, 1, 1), date(2027, 1, 4), "new-year-2027-fri"),
    # Wed 23 Dec 2026 + 14 d = Wed 6 Jan 2027 (Epiphany) -> Thu 7 Jan.
    Case(14, D, date(2026, 12, 23), date(2027, 1, 6), date(2027, 1, 7), "epiphany-2027-wed"),
    # Wed 23 Dec 2026 + 2 weeks = Wed 6 Jan 2027 (Epiphany) -> Thu 7 Jan.
    Case(2, W, date(2026, 12, 23), date(2027, 1, 6), date(2027, 1, 7), "weeks-epiphany-2027"),
    # Sun 6 Dec 2026 + 1 month = Wed 6 Jan 2027 (Epiphany) -> Thu 7 Jan.
    Case(1, M, date(2026, 12, 6), date(2027, 1, 6), date(2027, 1, 7), "month-epiphany-2027"),
    # Sat 25 Dec 2027 + 7 d = Sat 1 Jan 2028 (Saturday and New Year) -> Sun 2 -> Mon 3 Jan.
    Case(7, D, date(2027, 12, 25), date(2028, 1, 1), date(2028, 1, 3), "new-year-2028-sat"),
    # Thu 23 Dec 2027 + 14 d = Thu 6 Jan 2028 (Epiphany) -> Fri 7 Jan.
    Case(14, D, date(2027, 12, 23), date(2028, 1, 6), date(2028, 1, 7), "epiphany-2028-thu"),
    # --- Easter: 2026 Apr 5/6, 2027 Mar 28/29, 2028 Apr 16/17 ------------------------------
    # Sat 28 Mar 2026 + 7 d = Sat 4 Apr -> Easter Sun 5 -> Easter Mon 6 -> Tue 7 Apr.
    Case(7, D, date(2026, 3, 28), date(2026, 4, 4), date(2026, 4, 7), "holy-saturday-2026"),
    # Sun 29 Mar 2026 + 7 d = Easter Sunday 5 Apr -> Easter Monday 6 -> Tue 7 Apr.
    Case(7, D, date(2026, 3, 29), date(2026, 4, 5), date(2026, 4, 7), "easter-sunday-2026"),
    # Mon 30 Mar 2026 + 7 d = Easter Monday 6 Apr -> Tue 7 Apr.
    Case(7, D, date(2026, 3, 30), date(2026, 4, 6), date(2026, 4, 7), "easter-monday-2026"),
    # Fri 19 Mar 2027 + 7 d = Good Friday 26 Mar 2027: not a public holiday, not moved.
    Case(7, D, date(2027, 3, 19), date(2027, 3, 26), date(2027, 3, 26), "good-friday-2027"),
    # Sat 20 Mar 2027 + 7 d = Sat 27 Mar -> Easter Sun 28 -> Easter Mon 29 -> Tue 30 Mar.
    Case(7, D, date(2027, 3, 20), date(2027, 3, 27), date(2027, 3, 30), "holy-saturday-2027"),
    # Sun 21 Mar 2027 + 7 d = Easter Sunday 28 Mar -> Easter Monday 29 -> Tue 30 Mar.
    Case(7, D, date(2027, 3, 21), date(2027, 3, 28), date(2027, 3, 30), "easter-sunday-2027"),
    # Mon 15 Mar 2027 + 14 d = Easter Monday 2027-03-29 -> Tue 30 Mar.
    Case(14, D, date(2027, 3, 15), date(2027, 3, 29), date(2027, 3, 30), "easter-monday-2027"),
    # Mon 3 Apr 2028 + 2 weeks = Easter Monday 17 Apr 2028 -> Tue 18 Apr.
    Case(2, W, date(2028, 4, 3), date(2028, 4, 17), date(2028, 4, 18), "easter-monday-2028"),
    # Thu 16 Mar 2028 + 1 month = Easter Sunday 16 Apr 2028 -> Easter Monday 17 -> Tue 18 Apr.
    Case(1, M, date(2028, 3, 16), date(2028, 4, 16), date(2028, 4, 18), "easter-sunday-2028"),
    # --- Pentecost Sunday (2026-05-24, 2027-05-16, 2028-06-04); its Monday is a workday ------
    # Sat 16 May 2026 + 7 d = Sat 23 May -> Pentecost Sun 24 -> Mon 25 May (working day).
    Case(7, D, date(2026, 5, 16), date(2026, 5, 23), date(2026, 5, 25), "pentecost-sat-2026"),
    # Sun 17 May 2026 + 7 d = Pentecost Sunday 24 May -> Mon 25 May.
    Case(7, D, date(2026, 5, 17), date(2026, 5, 24), date(2026, 5, 25), "pentecost-2026"),
    # Sun 9 May 2027 + 1 week = Pentecost Sunday 16 May 2027 -> Mon 17 May.
    Case(1, W, date(2027, 5, 9), date(2027, 5, 16), date(2027, 5, 17), "pentecost-2027"),
    # Thu 4 May 2028 + 1 month = Pentecost Sunday 4 Jun 2028 -> Mon 5 Jun.
    Case(1, M, date(2028, 5, 4), date(2028, 6, 4), date(2028, 6, 5), "pentecost-2028"),
    # --- Corpus Christi (2026-06-04, 2027-05-27, 2028-06-15), always a Thursday -------------
    # Thu 28 May 2026 + 7 d = Corpus Christi Thu 4 Jun -> Fri 5 Jun.
    Case(7, D, date(2026, 5, 28), date(2026, 6, 4), date(2026, 6, 5), "corpus-christi-2026"),
    # Fri 29 May 2026 + 7 d = Fri 5 Jun, the day after Corpus Christi: a workday, not moved.
    Case(7, D, date(2026, 5, 29), date(2026, 6, 5), date(2026, 6, 5), "after-corpus-2026"),
    # Thu 13 May 2027 + 14 d = Corpus Christi Thu 27 May 2027 -> Fri 28 May.
    Case(14, D, date(2027, 5, 13), date(2027, 5, 27), date(2027, 5, 28), "corpus-christi-2027"),
    # Thu 1 Jun 2028 + 2 weeks = Corpus Christi Thu 15 Jun 2028 -> Fri 16 Jun.
    Case(2, W, date(2028, 6, 1), date(2028, 6, 15), date(2028, 6, 16), "corpus-christi-2028"),
    # --- 24 December: a holiday from 2025 (act of 6.12.2024), not in 2024 -------------------
    # Tue 17 Dec 2024 + 7 d = Tue 24 Dec 2024: not yet a day off, not moved.
    Case(7, D, date(2024, 12, 17), date(2024, 12, 24), date(2024, 12, 24), "dec24-2024-workday"),
    # Sun 24 Nov 2024 + 1 month = Tue 24 Dec 2024: not yet a day off, not moved.
    Case(1, M, date(2024, 11, 24), date(2024, 12, 24), date(2024, 12, 24), "dec24-2024-month"),
    # Wed 18 Dec 2024 + 7 d = Wed 25 Dec -> Thu 26 (holiday) -> Fri 27 Dec 2024.
    Case(7, D, date(2024, 12, 18), date(2024, 12, 25), date(2024, 12, 27), "christmas-2024"),
    # Wed 17 Dec 2025 + 7 d = Wed 24 Dec -> Thu 25 -> Fri 26 -> Sat 27 -> Sun 28 -> Mon 29.
    Case(7, D, date(2025, 12, 17), date(2025, 12, 24), date(2025, 12, 29), "dec24-2025-chain"),
    # Mon 24 Nov 2025 + 1 month = Wed 24 Dec 2025 -> (25, 26, Sat 27, Sun 28) -> Mon 29 Dec.
    Case(1, M, date(2025, 11, 24), date(2025, 12, 24), date(2025, 12, 29), "dec24-2025-month"),
    # Thu 17 Dec 2026 + 7 d = Thu 24 Dec -> Fri 25 -> Sat 26 (holiday) -> Sun 27 -> Mon 28.
    Case(7, D, date(2026, 12, 17), date(2026, 12, 24), date(2026, 12, 28), "dec24-2026-chain"),
    # Fri 17 Dec 2027 + 7 d = Fri 24 Dec -> Sat 25 -> Sun 26 -> Mon 27 Dec 2027.
    Case(7, D, date(2027, 12, 17), date(2027, 12, 24), date(2027, 12, 27), "dec24-2027-chain"),
    # Sat 16 Dec 2028 + 7 d = Sat 23 Dec -> Sun 24 -> Mon 25 -> Tue 26 -> Wed 27 Dec 2028.
    Case(7, D, date(2028, 12, 16), date(2028, 12, 23), date(2028, 12, 27), "dec23-2028-chain"),
    # --- Saturdays -------------------------------------------------------------------------
    # Sat 14 Nov 2026 + 7 d = Sat 21 Nov -> Mon 23 Nov.
    Case(7, D, date(2026, 11, 14), date(2026, 11, 21), date(2026, 11, 23), "sat-to-mon"),
    # Wed 4 Mar 2026 + 3 d = Sat 7 Mar -> Mon 9 Mar.
    Case(3, D, date(2026, 3, 4), date(2026, 3, 7), date(2026, 3, 9), "short-sat-to-mon"),
    # Sat 1 Aug 2026 + 14 d = Sat 15 Aug (Assumption on a Saturday) -> Mon 17 Aug.
    Case(14, D, date(2026, 8, 1), date(2026, 8, 15), date(2026, 8, 17), "assumption-sat"),
    # Sat 24 Apr 2027 + 7 d = Sat 1 May (holiday) -> Sun 2 -> Mon 3 May (holiday) -> Tue 4 May.
    Case(7, D, date(2027, 4, 24), date(2027, 5, 1), date(2027, 5, 4), "may-2027-chain"),
    # Sat 4 Nov 2028 + 7 d = Sat 11 Nov (Independence Day) -> Sun 12 -> Mon 13 Nov.
    Case(7, D, date(2028, 11, 4), date(2028, 11, 11), date(2028, 11, 13), "nov11-2028-sat"),
    # Sat 23 Oct 2027 + 7 d = Sat 30 Oct -> Sun 31 -> Mon 1 Nov (All Saints) -> Tue 2 Nov.
    Case(7, D, date(2027, 10, 23), date(2027, 10, 30), date(2027, 11, 2), "all-saints-2027"),
    # --- Sundays ---------------------------------------------------------------------------
    # Sun 22 Nov 2026 + 7 d = Sun 29 Nov -> Mon 30 Nov.
    Case(7, D, date(2026, 11, 22), date(2026, 11, 29), date(2026, 11, 30), "sun-to-mon"),
    # Sat 14 Mar 2026 + 1 d = Sun 15 Mar -> Mon 16 Mar.
    Case(1, D, date(2026, 3, 14), date(2026, 3, 15), date(2026, 3, 16), "one-day-to-sunday"),
    # Sun 18 Oct 2026 + 14 d = Sun 1 Nov (All Saints) -> Mon 2 Nov (All Souls: a workday).
    Case(14, D, date(2026, 10, 18), date(2026, 11, 1), date(2026, 11, 2), "all-saints-sun-2026"),
    # Fri 24 Apr 2026 + 7 d = Fri 1 May (holiday) -> Sat 2 -> Sun 3 May (holiday) -> Mon 4 May.
    Case(7, D, date(2026, 4, 24), date(2026, 5, 1), date(2026, 5, 4), "may-2026-chain"),
    # --- Months of different lengths (art. 112 k.c.: no such number -> the month's last day) -
    # Sat 31 Jan 2026 + 1 month = Sat 28 Feb 2026 -> Sun 1 Mar -> Mon 2 Mar.
    Case(1, M, date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 2), "jan31-feb28-2026"),
    # Sun 31 Jan 2027 + 1 month = Sun 28 Feb 2027 -> Mon 1 Mar.
    Case(1, M, date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 1), "jan31-feb28-2027"),
    # Mon 31 Jan 2028 + 1 month = Tue 29 Feb 2028 (leap year): not moved.
    Case(1, M, date(2028, 1, 31), date(2028, 2, 29), date(2028, 2, 29), "jan31-feb29-2028"),
    # Tue 31 Mar 2026 + 1 month = Thu 30 Apr 2026: not moved.
    Case(1, M, date(2026, 3, 31), date(2026, 4, 30), date(2026, 4, 30), "mar31-apr30-2026"),
    # Wed 31 Mar 2027 + 1 month = Fri 30 Apr 2027: not moved.
    Case(1, M, date(2027, 3, 31), date(2027, 4, 30), date(2027, 4, 30), "mar31-apr30-2027"),
    # Sun 31 May 2026 + 1 month = Tue 30 Jun 2026: not moved.
    Case(1, M, date(2026, 5, 31), date(2026, 6, 30), date(2026, 6, 30), "may31-jun30-2026"),
    # Mon 31 Aug 2026 + 1 month = Wed 30 Sep 2026: not moved.
    Case(1, M, date(2026, 8, 31), date(2026, 9, 30), date(2026, 9, 30), "aug31-sep30-2026"),
    # Wed 31 Dec 2025 + 2 months = Sat 28 Feb 2026 -> Sun 1 Mar -> Mon 2 Mar.
    Case(2, M, date(2025, 12, 31), date(2026, 2, 28), date(2026, 3, 2), "dec31-two-months"),
    # Mon 30 Nov 2026 + 3 months = Sun 28 Feb 2027 -> Mon 1 Mar.
    Case(3, M, date(2026, 11, 30), date(2027, 2, 28), date(2027, 3, 1), "nov30-three-months"),
    # Tue 29 Feb 2028 + 1 month = Wed 29 Mar 2028 (the same number, not the month's end).
    Case(1, M, date(2028, 2, 29), date(2028, 3, 29), date(2028, 3, 29), "leap-day-plus-month"),
    # Tue 29 Feb 2028 + 12 months = Wed 28 Feb 2029 (no 29 Feb in 2029): not moved.
    Case(12, M, date(2028, 2, 29), date(2029, 2, 28), date(2029, 2, 28), "leap-day-plus-year"),
    # --- Weeks: the same weekday ------------------------------------------------------------
    # Wed 11 Mar 2026 + 2 weeks = Wed 25 Mar: not moved.
    Case(2, W, date(2026, 3, 11), date(2026, 3, 25), date(2026, 3, 25), "weeks-wed-wed"),
    # Fri 5 Jun 2026 + 1 week = Fri 12 Jun: not moved.
    Case(1, W, date(2026, 6, 5), date(2026, 6, 12), date(2026, 6, 12), "week-fri-fri"),
    # Thu 17 Dec 2026 + 2 weeks = Thu 31 Dec 2026: not moved.
    Case(2, W, date(2026, 12, 17), date(2026, 12, 31), date(2026, 12, 31), "weeks-to-dec31"),
    # Tue 1 Feb 2028 + 4 weeks = Tue 29 Feb 2028 (leap day): not moved.
    Case(4, W, date(2028, 2, 1), date(2028, 2, 29), date(2028, 2, 29), "weeks-to-leap-day"),
    # Sat 7 Nov 2026 + 1 week = Sat 14 Nov -> Mon 16 Nov.
    Case(1, W, date(2026, 11, 7), date(2026, 11, 14), date(2026, 11, 16), "week-sat-to-mon"),
    # --- Days counted from the day after the event -----------------------------------------
    # Tue 10 Mar 2026 + 1 d = Wed 11 Mar (the first day after the event is day 1).
    Case(1, D, date(2026, 3, 10), date(2026, 3, 11), date(2026, 3, 11), "one-day"),
    # Mon 2 Mar 2026 + 7 d = Mon 9 Mar (not Sun 8 Mar: the event day is not counted).
    Case(7, D, date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 9), "seven-days-mon-mon"),
    # Mon 16 Feb 2026 + 14 d = Mon 2 Mar (February 2026 has 28 days).
    Case(14, D, date(2026, 2, 16), date(2026, 3, 2), date(2026, 3, 2), "fourteen-days-feb"),
    # Sat 31 Jan 2026 + 30 d = Mon 2 Mar (28 Feb is day 28, 1 Mar day 29): not moved.
    Case(30, D, date(2026, 1, 31), date(2026, 3, 2), date(2026, 3, 2), "thirty-days"),
    # Tue 8 Feb 2028 + 21 d = Tue 29 Feb 2028 (the leap day counts): not moved.
    Case(21, D, date(2028, 2, 8), date(2028, 2, 29), date(2028, 2, 29), "days-to-leap-day"),
]


def _name(row: Case) -> str:
    return row.name


@pytest.mark.parametrize("procedure", MOVING)
@pytest.mark.parametrize("row", CASES, ids=_name)
def test_last_day_moves_past_saturdays_and_holidays(procedure: Procedure, row: Case) -> None:
    deadline = last_day(DeadlineRule(row.amount, row.unit, procedure), row.event)
    assert deadline.nominal_day == row.nominal
    assert deadline.last_day == row.expected
    assert deadline.moved == (row.expected != row.nominal)


@pytest.mark.parametrize("row", CASES, ids=_name)
def test_procedure_none_never_moves(row: Case) -> None:
    deadline = last_day(DeadlineRule(row.amount, row.unit, Procedure.NONE), row.event)
    assert deadline.nominal_day == row.nominal
    assert deadline.last_day == row.nominal and not deadline.moved


def test_the_table_is_big_enough_and_moves_in_both_directions() -> None:
    moved = [row for row in CASES if row.expected != row.nominal]
    assert len(CASES) >= 40 and len({row.name for row in CASES}) == len(CASES)
    assert moved and len(moved) < len(CASES)


# LEGAL.md, "Public holidays" (ustawa o dniach wolnych od pracy, art. 1), by date. Sundays
# other than the named ones are holidays too, but the act and the package do not list them.
LEGAL_HOLIDAYS = {
    2025: [
        date(2025, 1, 1),  # New Year (Wed)
        date(2025, 1, 6),  # Epiphany (Mon)
        date(2025, 4, 20),  # Easter Sunday
        date(2025, 4, 21),  # Easter Monday
        date(2025, 5, 1),  # (Thu)
        date(2025, 5, 3),  # (Sat)
        date(2025, 6, 8),  # Pentecost Sunday
        date(2025, 6, 19),  # Corpus Christi (Thu)
        date(2025, 8, 15),  # (Fri)
        date(2025, 11, 1),  # (Sat)
        date(2025, 11, 11),  # (Tue)
        date(2025, 12, 24),  # Christmas Eve, from 2025 (Wed)
        date(2025, 12, 25),
        date(2025, 12, 26),
    ],
    2026: [
        date(2026, 1, 1),
        date(2026, 1, 6),
        date(2026, 4, 5),  # Easter Sunday
        date(2026, 4, 6),  # Easter Monday
        date(2026, 5, 1),
        date(2026, 5, 3),  # (Sun)
        date(2026, 5, 24),  # Pentecost Sunday
        date(2026, 6, 4),  # Corpus Christi
        date(2026, 8, 15),  # (Sat)
        date(2026, 11, 1),  # (Sun)
        date(2026, 11, 11),
        date(2026, 12, 24),
        date(2026, 12, 25),
        date(2026, 12, 26),  # (Sat)
    ],
    2027: [
        date(2027, 1, 1),
        date(2027, 1, 6),
        date(2027, 3, 28),  # Easter Sunday
        date(2027, 3, 29),  # Easter Monday
        date(2027, 5, 1),  # (Sat)
        date(2027, 5, 3),  # (Mon)
        date(2027, 5, 16),  # Pentecost Sunday
        date(2027, 5, 27),  # Corpus Christi
        date(2027, 8, 15),  # (Sun)
        date(2027, 11, 1),  # (Mon)
        date(2027, 11, 11),
        date(2027, 12, 24),  # (Fri)
        date(2027, 12, 25),  # (Sat)
        date(2027, 12, 26),  # (Sun)
    ],
    2028: [
        date(2028, 1, 1),  # (Sat)
        date(2028, 1, 6),
        date(2028, 4, 16),  # Easter Sunday
        date(2028, 4, 17),  # Easter Monday
        date(2028, 5, 1),
        date(2028, 5, 3),
        date(2028, 6, 4),  # Pentecost Sunday
        date(2028, 6, 15),  # Corpus Christi
        date(2028, 8, 15),
        date(2028, 11, 1),
        date(2028, 11, 11),  # (Sat)
        date(2028, 12, 24),  # (Sun)
        date(2028, 12, 25),
        date(2028, 12, 26),
    ],
}


@pytest.mark.parametrize("year", sorted(LEGAL_HOLIDAYS))
def test_package_calendar_equals_legal_md(year: int) -> None:
    listed = LEGAL_HOLIDAYS[year]
    assert len(listed) == len(set(listed)) == 14
    assert set(holidays.Poland(years=year)) == set(listed)


@pytest.mark.parametrize("year", sorted(LEGAL_HOLIDAYS))
def test_the_hand_list_keeps_the_movable_feasts_in_step(year: int) -> None:
    # Guards the hand list itself: Easter Monday, Pentecost and Corpus Christi hang on Easter.
    easter = LEGAL_HOLIDAYS[year][2]
    assert easter.weekday() == 6
    assert LEGAL_HOLIDAYS[year][3] == easter + timedelta(days=1)
    assert LEGAL_HOLIDAYS[year][6] == easter + timedelta(days=49)
    assert LEGAL_HOLIDAYS[year][7] == easter + timedelta(days=60)


def test_christmas_eve_2024_is_not_in_the_package_calendar() -> None:
    # The act of 6.12.2024 applies from 2025; 2024 has the 13 older holidays only.
    assert date(2024, 12, 24) not in holidays.Poland(years=2024)
    assert len(holidays.Poland(years=2024)) == 13
    assert not is_day_off(date(2024, 12, 24))


@pytest.mark.parametrize(
    "day",
    [
        pytest.param(date(2026, 4, 3), id="good-friday-2026"),
        pytest.param(date(2026, 5, 25), id="pentecost-monday-2026"),
        pytest.param(date(2026, 6, 5), id="friday-after-corpus-2026"),
        pytest.param(date(2026, 11, 2), id="all-souls-2026"),
        pytest.param(date(2025, 12, 31), id="new-years-eve-2025"),
        pytest.param(date(2024, 12, 24), id="christmas-eve-2024"),
        pytest.param(date(2027, 5, 2), id="may-2-2027-sunday-only"),
    ],
)
def test_days_that_are_not_public_holidays(day: date) -> None:
    assert day not in holidays.Poland(years=day.year)
    assert is_day_off(day) == (day.weekday() >= 5)
