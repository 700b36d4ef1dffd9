"""Letters from their fields: each catalogue document is a Jinja template over its fields.

The templates (``templates/letters/``) share one layout and are rendered with autoescaping;
the HTML they produce still goes through the one sanitizer before it is stored. An empty
field shows as its placeholder ("[imię i nazwisko]"), which the page highlights and the PDF
button asks about.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from app.legal.documents import DocumentType
from app.services.dates import polish_date

LETTERS = Path(__file__).resolve().parents[2] / "templates" / "letters"
# A placeholder left in a letter: "[imię i nazwisko]", "[sygnatura akt]". Short brackets
# the person may type on purpose ("[1]", "[sic]") are not blanks; a document's own shorter
# placeholders ("[sąd]") are passed in as ``known``.
BLANK = r"\[(?=[^\]]*[^\W\d_]{2})[^\[\]<>\n]{4,80}\]"
TAG_OR_TEXT = re.compile(r"(<[^>]*>)")


@functools.cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(LETTERS),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _money(value: str) -> str:
    whole, _, cents = f"{Decimal(value):.2f}".partition(".")
    groups = f"{int(whole):,}".replace(",", "\u00a0")
    return f"{groups},{cents}\u00a0zł"


class LetterFields:
    """The fields as a letter template reads them: values, or placeholders when empty."""

    def __init__(self, document: DocumentType, values: Mapping[str, str]) -> None:
        self._document = document
        self._values = values

    def has(self, key: str) -> bool:
        """True when the field has a value."""
        return bool(self._values.get(key))

    def raw(self, key: str) -> str:
        """The value as stored, or "" when empty."""
        return self._values.get(key, "")

    def placeholder(self, key: str) -> str:
        """The field's placeholder text."""
        field = self._document.field(key)
        return field.placeholder if field else f"[{key}]"

    def __call__(self, key: str) -> str:
        """The value, or the placeholder when empty (templates: ``{{ f("powod") }}``)."""
        return self._values.get(key) or self.placeholder(key)

    def lines(self, key: str) -> Markup:
        """A multi-line value with its line breaks kept."""
        text = self(key)
        return Markup("<br>").join(escape(line) for line in text.splitlines() if line.strip())

    def paragraphs(self, key: str) -> list[str]:
        """A free-text value split into paragraphs at blank lines."""
        text = self._values.get(key, "")
        blocks = [" ".join(block.split()) for block in re.split(r"\n\s*\n", text)]
        found = [block for block in blocks if block]
        field = self._document.field(key)
        return found or ([self.placeholder(key)] if field and field.required else [])

    def items(self, key: str) -> list[str]:
        """A free-text value as a list, one item per line."""
        return [line.strip(" -•\t") for line in self.raw(key).splitlines() if line.strip(" -•\t")]

    def day(self, key: str) -> str:
        """A date field written the Polish way."""
        value = self._values.get(key)
        return polish_date(date.fromisoformat(value)) if value else self.placeholder(key)

    def money(self, key: str) -> str:
        """An amount field written the Polish way: "1 250,00 zł"."""
        value = self._values.get(key)
        return _money(value) if value else self.placeholder(key)

    def choice(self, key: str) -> str:
        """The label of a choice field's value."""
        field = self._document.field(key)
        value = self._values.get(key, "")
        return dict(field.choices).get(value, self.placeholder(key)) if field else ""


def title_of(document: DocumentType) -> str:
    """The letter's heading, which also names the document and its PDF."""
    return document.name


def render(document: DocumentType, values: Mapping[str, str], today: date) -> str:
    """The letter's HTML (not yet sanitized) from the document's template and its fields."""
    fields = LetterFields(document, values)
    addressee = document.addressee
    template = _environment().get_template(document.template)
    return template.render(
        doc=document,
        f=fields,
        basis=document.letter_basis(dict(values)),
        today=polish_date(today),
        addressee_lines=(
            addressee.name.splitlines() if addressee.name else [fields(addressee.name_field)]
        ),
        addressee_address=(
            fields.lines(addressee.address_field) if fields.has(addressee.address_field) else ""
        ),
        attachments=[*document.sending.attachments],
    ).strip()


def placeholders(document: DocumentType | None) -> tuple[str, ...]:
    """The placeholders a document's empty fields leave, as they appear in its HTML."""
    return tuple(str(escape(field.placeholder)) for field in document.fields) if document else ()


@functools.lru_cache(maxsize=64)
def _blank_pattern(known: tuple[str, ...]) -> re.Pattern[str]:
    # A letter built from a template has exactly its fields' placeholders; any other bracket
    # is the person's own text. A free letter is checked for anything placeholder-like.
    return re.compile("|".join(re.escape(item) for item in known) if known else BLANK)


def blanks(html: str, known: tuple[str, ...] = ()) -> list[str]:
    """The placeholders left in a letter's text, each once, in order."""
    pattern = _blank_pattern(known)
    found: list[str] = []
    for part in TAG_OR_TEXT.split(html):
        if part.startswith("<"):
            continue
        found.extend(item for item in pattern.findall(part) if item not in found)
    return found


def mark_blanks(html: str, known: tuple[str, ...] = ()) -> Markup:
    """The letter with its placeholders wrapped in <mark> for the preview (never stored)."""
    pattern = _blank_pattern(known)
    parts = TAG_OR_TEXT.split(html)
    marked = [
        part if part.startswith("<") else pattern.sub(r'<mark class="blank">\g<0></mark>', part)
        for part in parts
    ]
    # The letter is sanitized HTML already; only <mark> around its text is added.
    return Markup("".join(marked))  # nosec B704
