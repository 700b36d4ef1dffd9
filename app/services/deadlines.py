"""The last day of a deadline under Polish law, from the vetted rules (LEGAL.md, "General
deadline rules").

- A deadline in days starts on the day after the event: its last day is the event plus the days.
- One in weeks or months ends on the day of the same weekday or number (art. 111–112 k.c.;
  art. 123 §§ 1–2 k.p.k.); a month without that number ends on its last day (art. 112 k.c.).
- If the last day is a Saturday or a public holiday (every Sunday is one), it moves to the next
  day that is neither: civil cases (art. 115 k.c. via art. 165 § 1 k.p.c.), criminal
  (art. 123 § 3 k.p.k.), petty offences (art. 38 § 1 k.p.w.), administrative (art. 57 § 4
  k.p.a.). For a RODO month, Regulation 1182/71 art. 3(4) moves an end on a Saturday, Sunday or
  holiday to the next working day, which comes to the same.

Public holidays come from the ``holidays`` package (its Poland calendar follows the act on
days off work, including 24 December from 2025), not from a list kept here.
"""

from __future__ import annotations

import enum
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays


class Unit(enum.StrEnum):
    """How a deadline is counted."""

    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"


class Procedure(enum.StrEnum):
    """Whose rule moves a last day that falls on a Saturday or a holiday."""

    CIVIL = "civil"  # art. 115 k.c. via art. 165 § 1 k.p.c.
    CRIMINAL = "criminal"  # art. 123 § 3 k.p.k.
    PETTY = "petty"  # art. 38 § 1 k.p.w. -> art. 123 § 3 k.p.k.
    ADMINISTRATIVE = "administrative"  # art. 57 § 4 k.p.a.
    RODO = "rodo"  # Regulation 1182/71 art. 3(4)
    # No moving rule in the catalogue (limitation periods, DSA): the counted day stands,
    # which is never later than the true one.
    NONE = "none"


@dataclass(frozen=True)
class DeadlineRule:
    """A deadline: how long, counted how, and under which procedure's moving rule."""

    amount: int
    unit: Unit
    procedure: Procedure

    def __post_init__(self) -> None:
        if self.amount < 1:
            raise ValueError("a deadline lasts at least one unit")


@dataclass(frozen=True)
class Deadline:
    """The computed last day, and the day it would have been without the moving rule."""

    last_day: date
    nominal_day: date

    @property
    def moved(self) -> bool:
        """True when a Saturday or a holiday moved the last day."""
        return self.last_day != self.nominal_day


@lru_cache(maxsize=64)
def _polish_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.Poland(years=year))


def is_day_off(day: date) -> bool:
    """Saturdays, Sundays and Polish public holidays: a deadline never ends on one."""
    return day.weekday() >= 5 or day in _polish_holidays(day.year)


def _add_months(start: date, months: int) -> date:
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, monthrange(year, month)[1]))


def nominal_last_day(rule: DeadlineRule, event: date) -> date:
    """The last day by counting alone (before Saturdays and holidays are considered)."""
    if rule.unit == Unit.DAYS:
        return event + timedelta(days=rule.amount)
    if rule.unit == Unit.WEEKS:
        return event + timedelta(weeks=rule.amount)
    return _add_months(event, rule.amount)


def last_day(rule: DeadlineRule, event: date) -> Deadline:
    """The last day to act after ``event`` (delivery, signing...), moved past days off."""
    nominal = nominal_last_day(rule, event)
    day = nominal
    # Every procedure with a moving rule moves past Saturdays and holidays alike; Sundays
    # are holidays. The loop ends within days (the longest run of days off is a few days).
    while rule.procedure != Procedure.NONE and is_day_off(day):
        day += timedelta(days=1)
    return Deadline(last_day=day, nominal_day=nominal)
