"""WeasyPrint rendering: real PDFs, Polish text, metadata, and nothing fetched."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader

from app.services import pdf
from app.services.sanitize import sanitize_letter
from tests.canary import Canary, hostile_html

POLISH = "Zażółć gęślą jaźń — ĄĆĘŁŃÓŚŹŻ ąćęłńóśźż"


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_renders_polish_text_and_metadata() -> None:
    result = pdf.render_letter(f"<h1>Wniosek</h1><p>{POLISH}</p>", title="Wniosek", author="Jan")
    assert result.data.startswith(b"%PDF-")
    assert result.pages == 1
    assert POLISH in _text(result.data)
    reader = PdfReader(io.BytesIO(result.data))
    assert reader.metadata is not None
    assert reader.metadata.title == "Wniosek"
    assert reader.metadata.author == "Jan"
    assert reader.trailer["/Root"].get("/Lang") == "pl"


def test_page_count_grows_with_content() -> None:
    long_letter = "".join(f"<p>{POLISH} {n}</p>" for n in range(150))
    assert pdf.render_letter(long_letter, title="t", author="a").pages >= 3


def _secret(tmp_path: Path) -> Path:
    secret = tmp_path / "secret.txt"
    secret.write_text("TAJNE-HASLO-12345")
    return secret


def test_raw_hostile_html_fetches_nothing(tmp_path: Path) -> None:
    """Even unsanitized HTML cannot reach the network or the disk through the renderer."""
    secret = _secret(tmp_path)
    with Canary() as canary:
        fetcher = pdf.RefusingFetcher()
        result = pdf.render_letter(
            hostile_html(canary.url, str(secret)), title="t", author="a", fetcher=fetcher
        )
        assert canary.hits == []
    assert fetcher.refused, "the hostile document should have tried to fetch something"
    assert any(url.startswith("file:") for url in fetcher.refused)
    reader = PdfReader(io.BytesIO(result.data))
    assert reader.attachments == {}
    text = _text(result.data)
    assert "Zażółć gęślą jaźń" in text and "TAJNE-HASLO" not in text


def test_sanitized_hostile_html_has_nothing_left_to_fetch(tmp_path: Path) -> None:
    secret = _secret(tmp_path)
    with Canary() as canary:
        fetcher = pdf.RefusingFetcher()
        clean = sanitize_letter(hostile_html(canary.url, str(secret)))
        result = pdf.render_letter(clean, title="t", author="a", fetcher=fetcher)
        assert canary.hits == []
    assert fetcher.refused == []
    assert PdfReader(io.BytesIO(result.data)).attachments == {}
    assert "komórka" in _text(result.data)


def test_canary_would_notice_a_fetch() -> None:
    """The canary itself works: a permissive fetch does reach it."""
    import urllib.request

    with Canary() as canary:
        urllib.request.urlopen(f"{canary.url}/probe", timeout=5).read()
        assert canary.hits == ["/probe"]


def test_the_hostile_document_is_hostile_with_a_permissive_fetcher(tmp_path: Path) -> None:
    """Control: with WeasyPrint's ordinary fetcher the same HTML does fetch and embed."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    secret = _secret(tmp_path)
    with Canary() as canary:
        data = HTML(
            string=hostile_html(canary.url, str(secret)), url_fetcher=URLFetcher(timeout=5)
        ).write_pdf()
        assert canary.hits
    attachments = PdfReader(io.BytesIO(data)).attachments
    assert any(b"TAJNE-HASLO" in content for files in attachments.values() for content in files)


def test_pdf_title_follows_the_letters_heading() -> None:
    assert pdf.heading_of('<p>x</p><h1 class="center">Sprzeciw &amp; <em>wniosek</em></h1>') == (
        "Sprzeciw & wniosek"
    )
    assert pdf.heading_of("<p>bez nagłówka</p>") is None


def test_heading_drops_bidi_overrides_raw_and_referenced() -> None:
    assert pdf.heading_of("<h1>Faktura\u202e&#x202E;&#8238;fdp.exe\x01</h1>") == "Fakturafdp.exe"
    assert pdf.heading_of("<h1>\u202e&#x2066;</h1>") is None


def test_pdf_metadata_and_text_carry_no_bidi_override() -> None:
    """The path a render takes: sanitized body, title from its heading, signatory as author."""
    raw = "<h1>Faktura\u202e&#x202E;fdp.exe</h1><p>Treść\u202e pisma&#8238;.</p>"
    title = pdf.heading_of(raw)
    assert title == "Fakturafdp.exe"
    result = pdf.render_letter(sanitize_letter(raw), title=title, author="Jan\u202e Kowalski")
    reader = PdfReader(io.BytesIO(result.data))
    assert reader.metadata is not None
    assert reader.metadata.title == "Fakturafdp.exe"
    assert reader.metadata.author == "Jan Kowalski"
    text = _text(result.data)
    assert "Fakturafdp.exe" in text and "Treść pisma." in text
    assert "\u202e" not in text


def test_pdf_metadata_is_cleaned_even_when_passed_in_directly() -> None:
    result = pdf.render_letter(
        "<p>x</p>", title="Wniosek\u202e\u2066 o\nzwrot\x00", author="\u200fJan\tKowalski"
    )
    reader = PdfReader(io.BytesIO(result.data))
    assert reader.metadata is not None
    assert reader.metadata["/Title"] == "Wniosek o zwrot"
    assert reader.metadata["/Author"] == "Jan Kowalski"
