"""The one sanitizer every saved letter goes through (allow-list, size and shape limits)."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

import nh3

from app.services.text import clean_text

MAX_INPUT_CHARS = 100_000
MAX_DEPTH = 16
MAX_ELEMENTS = 5_000
MAX_TABLE_ROWS = 300
MAX_ROW_CELLS = 20
MAX_SPAN = 10

INLINE_TAGS = {"br", "strong", "em", "b", "i", "u", "s", "sub", "sup"}
BLOCK_TAGS = {
    "p", "h1", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "hr",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
}  # fmt: skip
ALLOWED_TAGS = INLINE_TAGS | BLOCK_TAGS
ALIGN_CLASSES = {"right", "center", "justify"}
ALLOWED_CLASSES = {tag: ALIGN_CLASSES for tag in ("p", "h1", "h2", "h3", "h4", "td", "th", "li")}
ALLOWED_ATTRIBUTES = {"td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
# Dropped together with everything inside them, not just unwrapped.
DROPPED_WITH_CONTENT = {
    "script", "style", "template", "iframe", "object", "embed", "noscript", "svg", "math",
    "title", "textarea", "select", "frameset", "noembed", "noframes",
}  # fmt: skip
VOID_TAGS = {"br", "hr"}
START_TAG = re.compile(r"<[A-Za-z]")


class SanitizeError(ValueError):
    """The HTML cannot be accepted; ``code`` says why (document_too_large,
    document_too_complex, document_too_deep, document_empty)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _clamp_span(tag: str, attribute: str, value: str) -> str | None:
    """Keep colspan/rowspan as an integer between 1 and MAX_SPAN; drop anything else."""
    if attribute not in ("colspan", "rowspan"):
        return value
    try:
        number = int(value.strip())
    except ValueError:
        return None
    return str(min(max(number, 1), MAX_SPAN))


class _ShapeCounter(HTMLParser):
    """Measures nesting depth, element count and table size of well-formed HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.max_depth = 0
        self.elements = 0
        self.rows = 0
        self.max_cells = 0
        self._cells: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements += 1
        if tag == "tr":
            self.rows += 1
            self._cells.append(0)
        elif tag in ("td", "th") and self._cells:
            self._cells[-1] += 1
            self.max_cells = max(self.max_cells, self._cells[-1])
        if tag not in VOID_TAGS:
            self.depth += 1
            self.max_depth = max(self.max_depth, self.depth)

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr" and self._cells:
            self._cells.pop()
        if tag not in VOID_TAGS:
            self.depth = max(self.depth - 1, 0)


def sanitize_letter(html: str) -> str:
    """Return the letter HTML reduced to the allow-list, or raise SanitizeError."""
    if len(html) > MAX_INPUT_CHARS:
        raise SanitizeError("document_too_large")
    # Controls and bidi overrides never belong in markup; dropping them before parsing
    # also keeps them out of attribute values.
    html = clean_text(html)
    # Counted before parsing: deeply nested lists cost the HTML parser quadratic time.
    if len(START_TAG.findall(html)) > MAX_ELEMENTS:
        raise SanitizeError("document_too_complex")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_clamp_span,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=set(),
        link_rel=None,
        strip_comments=True,
    )
    # nh3 decodes character references (&#x202E;, &#8238;, &rlm;) into the characters
    # themselves and only writes &amp; &lt; &gt; &quot; &nbsp; back, so cleaning its
    # output removes whatever the references smuggled in.
    cleaned = clean_text(cleaned).strip()
    shape = _ShapeCounter()
    shape.feed(cleaned)
    shape.close()
    if shape.max_depth > MAX_DEPTH:
        raise SanitizeError("document_too_deep")
    too_many = shape.elements > MAX_ELEMENTS or shape.rows > MAX_TABLE_ROWS
    if too_many or shape.max_cells > MAX_ROW_CELLS:
        raise SanitizeError("document_too_complex")
    if not _has_text(cleaned):
        raise SanitizeError("document_empty")
    return cleaned


def text_of(html: str) -> str:
    """The visible text of an HTML fragment, with white space folded."""
    return " ".join(unescape(nh3.clean(html, tags=set())).split())


def _has_text(html: str) -> bool:
    """True when the HTML contains at least one visible non-space character."""
    return bool(text_of(html))
