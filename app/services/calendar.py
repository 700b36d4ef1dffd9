"""Calendar export: a deadline's last day as an .ics file (RFC 5545) with a reminder.

The event is an all-day one on the last day (DTSTART as a DATE, DTEND the next day, which
RFC 5545 makes exclusive). Its alarm goes off two days before, at the start of that day, so
there is still time to post a letter. Escaping of commas, semicolons and newlines, line
folding and UTF-8 are left to the ``icalendar`` library.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from icalendar import Alarm, Calendar, Event

PRODID = "-//mikroporada//PL"
REMINDER_BEFORE = timedelta(days=2)


def _reminder(description: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", description)
    # A negative duration is relative to DTSTART (RELATED=START is the default).
    alarm.add("trigger", -REMINDER_BEFORE)
    return alarm


def deadline_event(
    *, last_day: date, summary: str, description: str, uid: str, now: datetime
) -> bytes:
    """An .ics calendar with one all-day event on ``last_day`` and a reminder two days before."""
    if isinstance(last_day, datetime):
        # A datetime is a date too; it would turn the all-day event into a timed one.
        raise TypeError("last_day must be a date, not a datetime")
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware (DTSTAMP is written in UTC)")

    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", last_day)
    event.add("dtend", last_day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add_component(_reminder(summary))

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    return calendar.to_ical()
