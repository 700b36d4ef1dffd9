"""Noticing provisions in a letter that the vetted catalogue does not give."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

from app.legal import all_topics, shown_facts, shown_situations
from app.legal.documents import DOCUMENT_TYPES, MOVING_BASIS, DocumentType
from app.legal.fields import Kind
from app.models import DocumentVersion
from app.services import letters
from app.services.sanitize import text_of

# Field kinds whose values cannot carry a provision: blocks that differ only by them are
# still the template's own text. Anything typed freely (names, quotes, paragraphs) is checked.
FIXED_KINDS = {
    Kind.DATE, Kind.AMOUNT, Kind.CASE_NUMBER, Kind.MANDATE, Kind.DAYS, Kind.DURATION,
    Kind.CHOICE, Kind.URL, Kind.EMAIL,
}  # fmt: skip

BLOCK = re.compile(r"</?(?:p|h[1-4]|li|blockquote|td|th|caption)\b[^>]*>", re.IGNORECASE)

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
    phrases += [document.basis for document in DOCUMENT_TYPES]
    phrases += [basis for document in DOCUMENT_TYPES for _, _, basis in document.basis_variants]
    phrases += [note.text for note in MOVING_BASIS.values()]
    # Longest first, so a basis is removed whole before any shorter phrase inside it.
    return tuple(sorted(phrases, key=len, reverse=True))


def _cites(text: str) -> bool:
    for phrase in _catalogue_phrases():
        text = text.replace(phrase, " ")
    return bool(CITATION.search(text))


def _blocks(html: str) -> list[str]:
    return [text for part in BLOCK.split(html) if (text := text_of(part))]


def cites_unlisted_law(html: str, *, template_html: str = "") -> bool:
    """True when the letter names provisions other than the catalogue's own wording.

    The catalogue's legal bases and facts are removed first, so the "Podstawa prawna" line
    that a letter takes from the catalogue does not count. For a letter built from a
    template, pass the template's rendering without its free-text fields
    (``template_html``): blocks equal to it are the catalogue's text; the free text (what the
    model or the person wrote) and any block the person changed are checked.
    """
    known = set(_blocks(template_html)) if template_html else set()
    return any(_cites(block) for block in _blocks(html) if block not in known)


def letter_cites_unlisted_law(
    version: DocumentVersion, document: DocumentType | None, values: Mapping[str, str]
) -> bool:
    """True when a stored letter cites provisions its catalogue document does not give."""
    if document is None or version.doc_type != document.key:
        return cites_unlisted_law(version.html)
    fixed = {
        field.key: values[field.key]
        for field in document.fields
        if field.kind in FIXED_KINDS and values.get(field.key)
    }
    template = letters.render(document, fixed, version.created_at.date())
    return cites_unlisted_law(version.html, template_html=template)
