"""How the client shows the API's answers to a person: plain Polish lines."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from app.client import messages


def as_json(payload: Any) -> str:
    """The server's answer as readable JSON (Polish letters kept)."""
    return json.dumps(payload, ensure_ascii=False, indent=2)


def weekday(day: str) -> str:
    """The Polish name of the weekday of a YYYY-MM-DD date."""
    return messages.WEEKDAYS[date.fromisoformat(day).weekday()]


def local_time(moment: str | None) -> str:
    """An ISO 8601 time from the API in the machine's zone, to the minute."""
    if not moment:
        return ""
    return datetime.fromisoformat(moment).astimezone().strftime("%Y-%m-%d %H:%M")


def conversation_line(item: dict[str, Any]) -> str:
    """One conversation in a list: id, last change, title (and whether a reply is on its way)."""
    line = f"{item['id']}  {local_time(item.get('updated_at'))}  {item.get('title') or ''}"
    return f"{line} {messages.BUSY}" if item.get("busy") else line


def blanks_line(blanks: list[str]) -> str:
    """The placeholders left in a letter, or that there are none."""
    if not blanks:
        return messages.NO_BLANKS
    return messages.BLANKS.format(blanks=", ".join(blanks))


def letter_lines(document: dict[str, Any] | None) -> list[str]:
    """The letter of a conversation: its title and version, and the blanks left in it."""
    if not document or not document.get("current"):
        return [messages.NO_LETTER]
    current = document["current"]
    return [
        messages.LETTER.format(title=document.get("title") or "", version=current["number"]),
        blanks_line(current.get("blanks") or []),
    ]


def deadline_line(detail: dict[str, Any]) -> str:
    """A conversation's own deadline: the last day and days left, or what it waits for."""
    deadline = detail.get("deadline")
    if not deadline:
        document = detail.get("document") or {}
        known = detail.get("situation") or document.get("type")
        return messages.NO_DEADLINE if known else messages.DEADLINE_UNKNOWN
    basis = deadline.get("basis") or ""
    day = deadline.get("last_day")
    if day is None:
        return messages.DEADLINE_WAITING.format(field=deadline.get("waiting_for"), basis=basis)
    left = deadline.get("days_left")
    rule = deadline.get("rule") or ""
    if left is not None and left < 0:
        return messages.DEADLINE_PASSED.format(
            day=day, weekday=weekday(day), rule=rule, basis=basis
        )
    return messages.DEADLINE.format(
        day=day, weekday=weekday(day), left=left, rule=rule, basis=basis
    )


def conversation_lines(detail: dict[str, Any]) -> list[str]:
    """A whole conversation: its heading, every message, the letter and the deadline."""
    lines = [messages.CONVERSATION.format(id=detail["id"])]
    lines.append(messages.TITLE.format(title=detail.get("title") or ""))
    if detail.get("topic"):
        lines.append(messages.TOPIC.format(topic=detail["topic"]))
    lines.append(messages.UPDATED.format(when=local_time(detail.get("updated_at"))))
    for message in detail.get("messages") or []:
        who = messages.YOU if message.get("role") == "user" else messages.ASSISTANT
        text = message.get("content") or ""
        if message.get("status") in ("pending", "streaming"):
            text = f"{text} {messages.BUSY}".strip()
        lines.extend(["", f"{who}: {text}"])
        problem = message.get("problem")
        if problem:
            lines.append(messages.REPLY_PROBLEM.format(message=problem.get("message") or ""))
    lines.append("")
    lines.extend(letter_lines(detail.get("document")))
    lines.append(deadline_line(detail))
    return lines


def deadline_answer_lines(answer: dict[str, Any]) -> list[str]:
    """The catalogue's deadline from a date: the last day, whether it moved, and the rule."""
    day = answer["last_day"]
    lines = [messages.LAST_DAY.format(day=day, weekday=weekday(day))]
    if answer.get("moved"):
        nominal = answer["nominal_day"]
        lines.append(messages.MOVED.format(day=nominal, weekday=weekday(nominal)))
    rule = answer.get("rule") or {}
    lines.append(messages.RULE.format(rule=rule.get("text") or "", basis=answer.get("basis") or ""))
    return lines


def error_lines(
    message: str, details: Any, retry_after: str | None, hints: list[str] | None = None
) -> list[str]:
    """A failure as the person reads it: the message, each field's problem, when to retry,
    and what to do about it."""
    lines = [message]
    fields = details.get("fields") if isinstance(details, dict) else None
    if isinstance(fields, dict):
        for name, problem in fields.items():
            text = problem.get("message") if isinstance(problem, dict) else problem
            lines.append(messages.FIELD_ERROR.format(name=name, message=text))
    if retry_after and retry_after.isdigit():
        lines.append(messages.RETRY_AFTER.format(seconds=retry_after))
    return [*lines, *(hints or [])]
