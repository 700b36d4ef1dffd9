"""Turning the model's structured letter (JSON) into document HTML."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from html import escape as html_escape

from app.legal import Situation, get_situation

MAX_FIELD = 3000
# Element text needs no quote escaping; &quot; would only inflate the letter.
escape = partial(html_escape, quote=False)


class LetterFormatError(ValueError):
    """The model's JSON does not describe a usable letter."""


@dataclass(frozen=True)
class Letter:
    """The parts of a letter that the model fills in."""

    situation: Situation | None
    title: str
    sender_name: str
    sender_address: str
    place: str
    recipient: str
    reference: str
    paragraphs: tuple[str, ...]
    requests: tuple[str, ...]
    attachments: tuple[str, ...]


def _text(data: dict, key: str, limit: int = MAX_FIELD) -> str:
    value = data.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise LetterFormatError(f"{key} is not a string")
    return value.strip()[:limit]


def _texts(data: dict, key: str, limit: int) -> tuple[str, ...]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise LetterFormatError(f"{key} is not a list of strings")
    return tuple(item.strip()[:MAX_FIELD] for item in value[:limit] if item.strip())


def parse_letter(raw: str, allowed_situations: list[str]) -> Letter:
    """Validate the model's JSON text and return a Letter, or raise LetterFormatError."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise LetterFormatError("not JSON") from exc
    if not isinstance(data, dict):
        raise LetterFormatError("not an object")
    key = _text(data, "situation", 64)
    situation = get_situation(key) if key in allowed_situations else None
    paragraphs = _texts(data, "paragraphs", 12)
    if not paragraphs:
        raise LetterFormatError("no paragraphs")
    return Letter(
        situation=situation,
        title=_text(data, "title", 150),
        sender_name=_text(data, "sender_name", 120),
        sender_address=_text(data, "sender_address", 300),
        place=_text(data, "place", 80),
        recipient=_text(data, "recipient", 300),
        reference=_text(data, "reference", 200),
        paragraphs=paragraphs,
        requests=_texts(data, "requests", 8),
        attachments=_texts(data, "attachments", 10),
    )


def _lines(text: str) -> str:
    """Escape text and keep its line breaks."""
    return "<br>".join(escape(line.strip()) for line in text.splitlines() if line.strip())


def letter_title(letter: Letter) -> str:
    """The heading: the catalogue's document name, or the model's title for other cases."""
    if letter.situation:
        name = letter.situation.document
        return name[:1].upper() + name[1:]
    return letter.title or "Pismo"


def letter_html(letter: Letter, today: str) -> str:
    """Lay the letter out as document HTML; legal names and bases come from the catalogue."""
    place = escape(letter.place or "[miejscowość]")
    parts = [
        f'<p class="right">{place}, {escape(today)}</p>',
        f"<p>{_lines(letter.sender_name or '[imię i nazwisko]')}<br>"
        f"{_lines(letter.sender_address or '[adres]')}</p>",
        f'<p class="right">{_lines(letter.recipient or "[adresat]")}</p>',
    ]
    if letter.reference:
        parts.append(f"<p>Sygnatura / numer sprawy: {escape(letter.reference)}</p>")
    parts.append(f'<h1 class="center">{escape(letter_title(letter))}</h1>')
    if letter.situation:
        parts.append(f"<p>Podstawa prawna: {escape(letter.situation.basis)}.</p>")
    parts.extend(f"<p>{_lines(paragraph)}</p>" for paragraph in letter.paragraphs)
    if letter.requests:
        items = "".join(f"<li>{escape(item)}</li>" for item in letter.requests)
        parts.append(f"<p>W związku z powyższym wnoszę o:</p><ol>{items}</ol>")
    parts.append(
        f'<p class="right">{_lines(letter.sender_name or "[imię i nazwisko]")}<br>(podpis)</p>'
    )
    if letter.attachments:
        items = "".join(f"<li>{escape(item)}</li>" for item in letter.attachments)
        parts.append(f"<p>Załączniki:</p><ol>{items}</ol>")
    return "\n".join(parts)
