"""Dates written the Polish way."""

from __future__ import annotations

from datetime import date

MONTHS_GENITIVE = (
    "stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca",
    "lipca", "sierpnia", "września", "października", "listopada", "grudnia",
)  # fmt: skip


def polish_date(day: date) -> str:
    """Format a date as in a Polish letter: '27 listopada 2026 r.'."""
    return f"{day.day} {MONTHS_GENITIVE[day.month - 1]} {day.year} r."
