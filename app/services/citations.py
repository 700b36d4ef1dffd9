"""Noticing provisions in a letter that the vetted catalogue does not give."""

from __future__ import annotations

import functools
import re

from app.legal import all_topics, shown_facts, shown_situations
from app.services.sanitize import text_of

# Signs that a text names a provision: "art. 12", "artykułu 5", "§ 2", "ust. 3", "pkt 1",
# "k.p.c.", "kpc", "Kodeks", "ustawa", "Dz. U.", "RODO", "DSA".
CITATION = re.compile(
    r"\bart(?:\.|ykuł\w*)?\s*\d+"
    r"|§"
    r"|\bust\.\s*\d+"
    r"|\bpkt\s*\d+"
    r"|\bk\.\s?(?:p\.\s?)?[a-z]\.(?!\w)"
    r"|\b(?:kp[acwk]|kk|kc|kw)\b"
    r"|\bkodeks\w*"
    r"|\bustaw(?:a|y|ie|ę|ą|o|om|ami|ach)\b"
    r"|\bDz\.\s?U\."
    r"|\b(?:RODO|DSA|DMCA)\b",
    re.IGNORECASE,
)


@functools.cache
def _catalogue_phrases() -> tuple[str, ...]:
    phrases = [situation.basis for topic in all_topics() for situation in shown_situations(topic)]
    phrases += [fact.text for topic in all_topics() for fact in shown_facts(topic)]
    # Longest first, so a basis is removed whole before any shorter phrase inside it.
    return tuple(sorted(phrases, key=len, reverse=True))


def cites_unlisted_law(html: str) -> bool:
    """True when the letter names provisions other than the catalogue's own wording.

    The catalogue's legal bases and facts are removed first, so the "Podstawa prawna" line
    that a drafted letter takes from the catalogue does not count.
    """
    text = text_of(html)
    for phrase in _catalogue_phrases():
        text = text.replace(phrase, " ")
    return bool(CITATION.search(text))
