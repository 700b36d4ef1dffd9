"""The .ics export of a deadline: parsed back with icalendar, field by field."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from icalendar import Calendar, Event

from app.services.calendar import deadline_event

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
UID = "deadline-42@mikroporada"


def _export(
    *,
    last_day: date = date(2026, 12, 28),
    summary: str = "Termin na sprzeciw od nakazu zapłaty",
    description: str = "Złóż sprzeciw w sądzie, który wydał nakaz.",
    now: datetime = NOW,
) -> bytes:
    return deadline_event(
        last_day=last_day, summary=summary, description=description, uid=UID, now=now
    )


def _event(ics: bytes) -> Event:
    calendar = Calendar.from_ical(ics)
    [event] = calendar.walk("VEVENT")
    return event


def test_the_calendar_header() -> None:
    calendar = Calendar.from_ical(_export())
    assert str(calendar["PRODID"]) == "-//mikroporada//PL"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert len(calendar.walk("VEVENT")) == 1


def test_an_all_day_event_on_the_last_day() -> None:
    ics = _export(last_day=date(2026, 12, 28))
    event = _event(ics)
    start, end = event["DTSTART"].dt, event["DTEND"].dt
    # Dates, not datetimes: an all-day event, with the exclusive end on the next day.
    assert type(start) is date and start == date(2026, 12, 28)
    assert type(end) is date and end == date(2026, 12, 29)
    assert b"DTSTART;VALUE=DATE:20261228\r\n" in ics
    assert b"DTEND;VALUE=DATE:20261229\r\n" in ics


def test_the_end_crosses_a_month_and_a_year() -> None:
    event = _event(_export(last_day=date(2026, 12, 31)))
    assert event["DTEND"].dt == date(2027, 1, 1)


def test_uid_and_dtstamp() -> None:
    event = _event(_export(now=datetime(2026, 12, 1, 10, 30, tzinfo=timezone(timedelta(hours=1)))))
    assert str(event["UID"]) == UID
    # The stamp is written in UTC whatever the zone it came in.
    assert event["DTSTAMP"].dt == datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def test_the_alarm_goes_off_two_days_before_the_start() -> None:
    event = _event(_export())
    [alarm] = event.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert str(alarm["DESCRIPTION"]) == "Termin na sprzeciw od nakazu zapłaty"
    trigger = alarm["TRIGGER"]
    assert trigger.dt == timedelta(days=-2)
    assert trigger.params.get("RELATED", "START") == "START"


def test_polish_diacritics_survive() -> None:
    summary = "Zażółć gęślą jaźń – ŻÓŁĆ GĘŚLĄ JAŹŃ"
    description = "Pismo do sądu rejonowego; odwołanie należy złożyć w ciągu 7 dni."
    ics = _export(summary=summary, description=description)
    assert summary.encode() in ics  # written as UTF-8, not as escapes
    event = _event(ics)
    assert str(event["SUMMARY"]) == summary
    assert str(event["DESCRIPTION"]) == description


@pytest.mark.parametrize(
    ("summary", "escaped"),
    [
        pytest.param("Sprzeciw\nod nakazu", b"Sprzeciw\\nod nakazu", id="newline"),
        pytest.param("Sygn. akt I C 1/26; sąd", b"Sygn. akt I C 1/26\\; s", id="semicolon"),
        pytest.param("Wyrok, sprzeciw", b"Wyrok\\, sprzeciw", id="comma"),
        pytest.param("a\\b", b"a\\\\b", id="backslash"),
    ],
)
def test_special_characters_in_the_summary_are_escaped(summary: str, escaped: bytes) -> None:
    ics = _export(summary=summary, description=summary)
    assert escaped in ics
    event = _event(ics)
    assert str(event["SUMMARY"]) == summary
    assert str(event["DESCRIPTION"]) == summary
    # A raw newline would have started a new content line (a forged property).
    assert all(line.startswith((b" ", b"\t")) or b":" in line for line in ics.split(b"\r\n")[:-1])


def test_a_long_summary_is_folded_and_unfolded_back() -> None:
    summary = "Termin na wniesienie apelacji od wyroku sądu okręgowego – " * 4
    ics = _export(summary=summary)
    assert all(len(line) <= 75 for line in ics.split(b"\r\n"))
    assert str(_event(ics)["SUMMARY"]) == summary


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError):
        _export(now=datetime(2026, 12, 1, 9, 30))


def test_a_datetime_last_day_is_refused() -> None:
    with pytest.raises(TypeError):
        _export(last_day=datetime(2026, 12, 28, 12, 0, tzinfo=UTC))
