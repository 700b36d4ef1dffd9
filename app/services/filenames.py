"""File names offered for download: plain ASCII slugs that every browser and OS accepts."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

# Letters NFKD does not take apart (ł is a letter of its own, not l with a mark).
TRANSLITERATION = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
    }
)
NOT_SLUG = re.compile(r"[^a-z0-9]+")
# Long enough for any catalogue document's name, short enough for a phone's file list.
MAX_SLUG = 60
FALLBACK = "pismo"


def slug(text: str, max_length: int = MAX_SLUG) -> str:
    """``text`` as lower-case ASCII words joined by hyphens ('Zażółć gęślą' -> 'zazolc-gesla').

    Polish (and other Latin) letters lose their marks; anything else (quotes, slashes, line
    breaks, emoji) separates words. Cut at a word boundary when possible; may be empty.
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(TRANSLITERATION))
    ascii_only = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    words = NOT_SLUG.sub("-", ascii_only).strip("-")
    if len(words) <= max_length:
        return words
    cut = words[: max_length + 1]
    boundary = cut.rfind("-")
    # Keep whole words unless that would leave too little of the title.
    cut = cut[:boundary] if boundary >= max_length // 2 else cut[:max_length]
    return cut.strip("-")


def pdf_filename(title: str, day: date) -> str:
    """The download name of a letter's PDF: 'sprzeciw-od-nakazu-zaplaty-2026-11-28.pdf'."""
    return f"{slug(title) or FALLBACK}-{day.isoformat()}.pdf"
