"""Word-level comparison of two letter versions: what was added, what was removed, escaped."""

from __future__ import annotations

from app.services.redline import Block, blocks_of, compare, to_html, tokens_of
from app.services.sanitize import sanitize_letter


def _html(old: str, new: str) -> str:
    return str(to_html(compare(old, new)))


def test_inserted_words_are_marked_and_counted() -> None:
    redline = compare("<p>Wnoszę o uchylenie.</p>", "<p>Wnoszę o uchylenie mandatu w całości.</p>")
    assert (redline.words_added, redline.words_removed) == (3, 0)
    assert str(to_html(redline)) == (
        '<p class="redline-p">Wnoszę o uchylenie <ins>mandatu w całości</ins>.</p>\n'
    )


def test_deleted_and_replaced_words() -> None:
    html = _html("<p>Zapłaciłam całą fakturę w marcu.</p>", "<p>Zapłaciłam fakturę w kwietniu.</p>")
    assert html == (
        '<p class="redline-p">Zapłaciłam <del>całą</del> fakturę w'
        " <del>marcu</del> <ins>kwietniu</ins>.</p>\n"
    )
    redline = compare("<p>Zapłaciłam całą fakturę w marcu.</p>", "<p>Zapłaciłam fakturę.</p>")
    assert (redline.words_added, redline.words_removed) == (0, 3)


def test_polish_diacritics_are_words_of_their_own() -> None:
    redline = compare("<p>Zażółć gęślą jaźń</p>", "<p>Zażółć gęśla jaźń, żółw</p>")
    html = str(to_html(redline))
    assert "<del>gęślą</del> <ins>gęśla</ins>" in html
    assert "jaźń<ins>,</ins> <ins>żółw</ins>" in html or "jaźń<ins>, żółw</ins>" in html
    assert (redline.words_added, redline.words_removed) == (2, 1)
    assert [t.text for t in tokens_of("„Łódź” (Śląsk).")] == ["„", "Łódź", "”", "(", "Śląsk", ")."]


def test_blocks_keep_the_structure() -> None:
    html = (
        '<p class="right">Kraków, 27 listopada 2026 r.</p><p>Anna Nowak<br>ul. Łąkowa 5</p>'
        '<h1 class="center">Sprzeciw</h1><ol><li>raz</li><li><strong>dwa</strong></li></ol>'
        "<table><tr><th>a</th><td>b</td></tr></table>"
    )
    assert blocks_of(html) == [
        Block("p", "Kraków, 27 listopada 2026 r."),
        Block("p", "Anna Nowak\nul. Łąkowa 5"),
        Block("h1", "Sprzeciw"),
        Block("li", "raz"),
        Block("li", "dwa"),
        Block("th", "a"),
        Block("td", "b"),
    ]
    # An added paragraph is added whole; the paragraphs around it are untouched.
    redline = compare(
        "<p>Pierwszy.</p><p>Trzeci.</p>", "<p>Pierwszy.</p><p>Drugi.</p><p>Trzeci.</p>"
    )
    assert str(to_html(redline)) == (
        '<p class="redline-p">Pierwszy.</p>\n'
        '<p class="redline-p"><ins>Drugi.</ins></p>\n'
        '<p class="redline-p">Trzeci.</p>\n'
    )
    # A line break inside a block stays a line break.
    assert "Anna Nowak<br>ul. <del>Łąkowa</del> <ins>Polna</ins> 5" in _html(
        "<p>Anna Nowak<br>ul. Łąkowa 5</p>", "<p>Anna Nowak<br>ul. Polna 5</p>"
    )


def test_an_edited_paragraph_is_found_next_to_an_added_one() -> None:
    old = "<p>Powód żąda zapłaty kwoty 1250 zł za fakturę z marca.</p>"
    new = (
        "<p>Nowy akapit na początku.</p><p>Powód żąda zapłaty kwoty 1300 zł za fakturę z marca.</p>"
    )
    html = _html(old, new)
    assert '<p class="redline-p"><ins>Nowy akapit na początku.</ins></p>' in html
    assert "kwoty <del>1250</del> <ins>1300</ins> zł" in html


def test_hostile_text_stays_escaped() -> None:
    old = sanitize_letter("<p>Treść</p>")
    new = sanitize_letter(
        "<p>Treść &lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;"
        ' &amp;lt;b&amp;gt; "cudzysłów"</p><p>x<script>alert(2)</script></p>'
    )
    html = _html(old, new)
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img" in html and "&amp;lt;b&amp;gt;" in html
    assert "alert(2)" not in html  # the sanitizer dropped it with its content
    # Markup in the versions never passes through, even unsanitized.
    raw = _html(
        "<p>a</p>", '<p onclick="x()">a <a href="javascript:x()">b</a><iframe></iframe></p>'
    )
    assert "onclick" not in raw and "href" not in raw and "iframe" not in raw
    assert raw == '<p class="redline-p">a <ins>b</ins></p>\n'


def test_empty_versions() -> None:
    assert compare("", "").blocks == () and not compare("", "").changed
    added = compare("", "<p>Nowe pismo</p>")
    assert (added.words_added, added.words_removed) == (2, 0)
    assert str(to_html(added)) == '<p class="redline-p"><ins>Nowe pismo</ins></p>\n'
    removed = compare("<p>Stare pismo</p><p> </p>", "<p></p>")
    assert (removed.words_added, removed.words_removed) == (0, 2)
    assert str(to_html(removed)) == '<p class="redline-p"><del>Stare pismo</del></p>\n'


def test_identical_versions_have_no_changes() -> None:
    html = "<h1>Sprzeciw</h1><p>Zażółć gęślą jaźń.</p><ul><li>raz</li></ul>"
    redline = compare(html, html)
    assert not redline.changed
    assert (redline.words_added, redline.words_removed) == (0, 0)
    assert "<ins>" not in str(to_html(redline)) and "<del>" not in str(to_html(redline))
    # Markup alone (bold, alignment) is not a change of the text.
    assert not compare("<p>a <strong>b</strong></p>", '<p class="right">a b</p>').changed


def test_punctuation_only_changes_count_no_words() -> None:
    redline = compare("<p>Tak, jest.</p>", "<p>Tak jest!</p>")
    assert redline.changed
    assert (redline.words_added, redline.words_removed) == (0, 0)


def test_repetitive_text_is_not_compared_word_by_word() -> None:
    """Hostile repetition would make the comparison quadratic: past the work bound the
    differing part is shown removed and added as a whole."""
    old = "<p>x " + "a " * 20_000 + "y</p>"
    new = "<p>y " + "a " * 20_000 + "x</p>"
    redline = compare(old, new)
    assert (redline.words_added, redline.words_removed) == (20_002, 20_002)
    [block] = redline.blocks
    assert [piece.kind for piece in block.pieces] == ["del", "ins"]
