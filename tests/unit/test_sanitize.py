"""The letter sanitizer: allow-list, limits, and Polish text that must survive."""

import pytest

from app.services.sanitize import MAX_INPUT_CHARS, MAX_SPAN, SanitizeError, sanitize_letter


def test_keeps_letter_markup_and_polish_text() -> None:
    html = (
        '<h1 class="center">Wniosek</h1><p class="right">Zażółć gęślą jaźń</p>'
        "<ul><li><strong>raz</strong></li><li><em>dwa</em></li></ul>"
        "<table><tr><th>a</th><td>b</td></tr></table>"
    )
    clean = sanitize_letter(html)
    assert '<h1 class="center">Wniosek</h1>' in clean
    assert '<p class="right">Zażółć gęślą jaźń</p>' in clean
    assert "<strong>raz</strong>" in clean and "<em>dwa</em>" in clean
    assert "<th>a</th><td>b</td>" in clean


@pytest.mark.parametrize(
    ("hostile", "forbidden"),
    [
        ("<p>x</p><script>alert(1)</script>", "alert"),
        ("<p style='background:url(http://evil/)'>x</p>", "style"),
        ("<style>@import url(http://evil/a.css);</style><p>x</p>", "import"),
        ("<p>x<img src='http://evil/a.png' onerror='alert(1)'></p>", "img"),
        ("<p><a href='file:///etc/passwd'>x</a></p>", "href"),
        ("<base href='http://evil/'><p>x</p>", "base"),
        ("<link rel='attachment' href='file:///etc/passwd'><p>x</p>", "link"),
        ("<p>x</p><iframe src='http://evil/'></iframe>", "iframe"),
        ("<p>x</p><svg><image href='http://evil/x'/></svg>", "svg"),
        ("<p onclick='alert(1)'>x</p>", "onclick"),
        ("<p class='evil right'>x</p>", "evil"),
        ("<p>x</p><object data='file:///etc/passwd'></object>", "object"),
        ("<p>x<!-- comment --></p>", "comment"),
    ],
)
def test_strips_everything_that_could_fetch_or_run(hostile: str, forbidden: str) -> None:
    clean = sanitize_letter(hostile)
    assert forbidden not in clean
    assert "x" in clean


def test_clamps_table_spans() -> None:
    clean = sanitize_letter('<table><tr><td colspan="65534" rowspan="-3">a</td></tr></table>')
    assert f'colspan="{MAX_SPAN}"' in clean
    assert 'rowspan="1"' in clean
    assert "colspan" not in sanitize_letter('<table><tr><td colspan="x">a</td></tr></table>')


def test_rejects_deep_nesting() -> None:
    with pytest.raises(SanitizeError, match="document_too_deep"):
        sanitize_letter("<blockquote>" * 40 + "x" + "</blockquote>" * 40)


def test_unwrapped_tags_do_not_count_as_nesting() -> None:
    assert sanitize_letter("<div>" * 300 + "x" + "</div>" * 300) == "x"


def test_rejects_oversized_input() -> None:
    with pytest.raises(SanitizeError, match="document_too_large"):
        sanitize_letter("<p>" + "a" * MAX_INPUT_CHARS + "</p>")


def test_rejects_huge_tables() -> None:
    rows = "<tr><td>x</td></tr>" * 400
    with pytest.raises(SanitizeError, match="document_too_complex"):
        sanitize_letter(f"<table>{rows}</table>")
    cells = "<td>x</td>" * 50
    with pytest.raises(SanitizeError, match="document_too_complex"):
        sanitize_letter(f"<table><tr>{cells}</tr></table>")


@pytest.mark.parametrize("empty", ["", "   ", "<p> </p>", "<script>x</script>", "<img src=x>"])
def test_rejects_empty_letters(empty: str) -> None:
    with pytest.raises(SanitizeError, match="document_empty"):
        sanitize_letter(empty)


def test_is_idempotent() -> None:
    once = sanitize_letter("<p>a <b>b</b></p><table><tr><td colspan=3>c</td></tr></table>")
    assert sanitize_letter(once) == once


def test_too_many_tags_are_refused_before_parsing() -> None:
    with pytest.raises(SanitizeError, match="document_too_complex"):
        sanitize_letter("<ul><li>" * 10_000)


def test_plain_text_becomes_paragraphs() -> None:
    from app.services.documents import paragraphs_from_text

    html = paragraphs_from_text('Jan "Kowalski"\r\nul. Polna 1\r\n\r\nWnoszę o <coś> & więcej.')
    assert html == '<p>Jan "Kowalski"<br>ul. Polna 1</p>\n<p>Wnoszę o &lt;coś&gt; &amp; więcej.</p>'
    assert paragraphs_from_text("<p>już HTML</p>\n<p>dwa</p>") == "<p>już HTML</p>\n<p>dwa</p>"


def test_typed_paragraphs_mix_with_a_drafted_letter() -> None:
    from app.services.documents import paragraphs_from_text

    text = "<h1>Wniosek</h1>\n<p>Akapit z asystenta.</p>\n\nMój akapit,\n<strong>ważny</strong>."
    assert paragraphs_from_text(text) == (
        "<h1>Wniosek</h1>\n<p>Akapit z asystenta.</p>\n"
        "<p>Mój akapit,<br><strong>ważny</strong>.</p>"
    )


HIDDEN = ("\u202e", "\u202d", "\u2066", "\u2069", "\u200e", "\u200f", "\u061c", "\x01", "\x7f")


def _has_hidden(text: str) -> bool:
    return any(char in text for char in HIDDEN)


def test_drops_raw_bidi_overrides_and_controls() -> None:
    clean = sanitize_letter("<h1>Faktura\u202efdp.exe</h1><p>a\u2066b\u2069c\x01d\x7fe</p>")
    assert clean == "<h1>Fakturafdp.exe</h1><p>abcde</p>"


@pytest.mark.parametrize(
    "reference",
    ["&#x202E;", "&#X202e;", "&#8238;", "&#x2066;", "&#x200F;", "&rlm;", "&lrm;", "&#1;", "&#127;"],
)
def test_character_references_cannot_smuggle_hidden_characters(reference: str) -> None:
    from html import unescape

    clean = sanitize_letter(f"<h1>Faktura{reference}fdp.exe</h1><p>x{reference}y</p>")
    assert not _has_hidden(clean)
    assert not _has_hidden(unescape(clean))
    assert clean == "<h1>Fakturafdp.exe</h1><p>xy</p>"


def test_an_escaped_reference_stays_visible_text() -> None:
    clean = sanitize_letter("<p>a&amp;#x202E;b</p>")
    assert clean == "<p>a&amp;#x202E;b</p>"


def test_keeps_soft_hyphens_and_emoji_joiners() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert sanitize_letter(f"<p>roz&shy;patrzenie {family}</p>") == (
        f"<p>roz\u00adpatrzenie {family}</p>"
    )


def test_a_letter_of_only_overrides_is_empty() -> None:
    with pytest.raises(SanitizeError, match="document_empty"):
        sanitize_letter("<p>\u202e&#x202E;&#8238;\u2066</p>")


def test_cleaning_keeps_sanitizing_idempotent() -> None:
    once = sanitize_letter("<p>a\u202eb&#x202E;c\r\nd&nbsp;e</p>")
    assert sanitize_letter(once) == once
