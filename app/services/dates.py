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


WEEKDAYS_GENITIVE = (
    "poniedziałku", "wtorku", "środy", "czwartku", "piątku", "soboty", "niedzieli",
)  # fmt: skip


def until_phrase(day: date) -> str:
    """'czwartku, 3 grudnia' (after "do"), with the year only when it is not this year's."""
    year = "" if day.year == today_in_poland().year else f" {day.year} r."
    return f"{WEEKDAYS_GENITIVE[day.weekday()]}, {day.day} {MONTHS_GENITIVE[day.month - 1]}{year}"


def left_phrase(days: int) -> str:
    """'został 1 dzień', 'zostały 3 dni', 'zostało 5 dni', with Polish agreement."""
    if days == 1:
        return "został 1 dzień"
    if days % 10 in (2, 3, 4) and days % 100 not in (12, 13, 14):
        return f"zostały {days} dni"
    return f"zostało {days} dni"
