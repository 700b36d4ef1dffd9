"""Rendering letter HTML to PDF with WeasyPrint, with no access to the network or the disk."""

from __future__ import annotations

import functools
import re
import threading
import time
from dataclasses import dataclass
from html import escape
from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from app.services.sanitize import text_of
from app.services.text import clean_line

STATIC_CSS = Path(__file__).resolve().parents[2] / "static" / "css"
FIRST_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.DOTALL)
_lock = threading.Lock()


class RefusingFetcher(URLFetcher):
    """A URL fetcher that refuses every URL: rendering never reads files or the network."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=set())
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict | None = None):  # type: ignore[override]
        """Refuse the URL; WeasyPrint skips the resource and logs a warning."""
        self.refused.append(url[:200])
        raise ValueError(f"external resources are disabled: {url[:80]}")


@dataclass(frozen=True)
class PdfResult:
    """A rendered PDF and what we measured of it."""

    data: bytes
    pages: int
    render_ms: int


@functools.cache
def _font_config() -> FontConfiguration:
    # One FontConfiguration reused across renders is much faster than one per render.
    return FontConfiguration()


@functools.cache
def _stylesheet() -> CSS:
    text = (STATIC_CSS / "letter.css").read_text() + (STATIC_CSS / "print.css").read_text()
    return CSS(string=text, url_fetcher=RefusingFetcher(), font_config=_font_config())


def heading_of(body_html: str) -> str | None:
    """The text of the letter's first <h1>, used as the PDF title; None if there is none."""
    found = FIRST_H1.search(body_html)
    if not found:
        return None
    # text_of decodes character references, so clean after it, not before.
    return clean_line(text_of(found.group(1)))[:200] or None


def letter_shell(body_html: str, *, title: str, author: str) -> str:
    """Wrap sanitized letter HTML in a full document that carries the PDF metadata."""
    # Title and author become PDF metadata that viewers show as plain text.
    title, author = clean_line(title), clean_line(author)
    return (
        '<!doctype html><html lang="pl"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title>"
        f'<meta name="author" content="{escape(author)}">'
        '<meta name="generator" content="mikroporada">'
        f'</head><body><article class="letter">{body_html}</article></body></html>'
    )


def render_letter(
    body_html: str, *, title: str, author: str, fetcher: URLFetcher | None = None
) -> PdfResult:
    """Render sanitized letter HTML to PDF bytes with the app's print stylesheet."""
    started = time.perf_counter()
    source = HTML(
        string=letter_shell(body_html, title=title, author=author),
        base_url=None,
        url_fetcher=fetcher or RefusingFetcher(),
    )
    # FontConfiguration is not safe to share between threads rendering at the same time.
    with _lock:
        document = source.render(stylesheets=[_stylesheet()], font_config=_font_config())
        data = document.write_pdf()
    return PdfResult(
        data=data,
        pages=len(document.pages),
        render_ms=int((time.perf_counter() - started) * 1000),
    )


def warm_up() -> None:
    """Load fonts and the stylesheet once, so the first real render is not the slow one."""
    render_letter("<p>Zażółć gęślą jaźń</p>", title="warm-up", author="mikroporada")
