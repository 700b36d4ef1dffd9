"""Dates written the Polish way."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

POLAND = ZoneInfo("Europe/Warsaw")

MONTHS_GENITIVE = (
    "stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca",
    "lipca", "sierpnia", "września", "października", "listopada", "grudnia",
)  # fmt: skip


def polish_date(day: date) -> str:
    """Format a date as in a Polish letter: '27 listopada 2026 r.'."""
    return f"{day.day} {MONTHS_GENITIVE[day.month - 1]} {day.year} r."


def today_in_poland() -> date:
    """Today's date in Poland (a letter dated near midnight must not get the UTC date)."""
    return datetime.now(POLAND).date()


def in_poland(moment: datetime) -> datetime:
    """A naive UTC timestamp from the database, as Polish local time."""
    return moment.replace(tzinfo=UTC).astimezone(POLAND)
