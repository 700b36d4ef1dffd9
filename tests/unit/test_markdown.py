"""Model replies become safe HTML: markdown yes, raw HTML, links and images no."""

from app.services.markdown import render_markdown


def test_renders_basic_markdown() -> None:
    html = render_markdown("**Masz 7 dni** na sprzeciw.\n\n- jeden\n- dwa")
    assert "<strong>Masz 7 dni</strong>" in html
    assert "<li>jeden</li>" in html


def test_escapes_raw_html() -> None:
    html = render_markdown("<script>alert(1)</script><b onclick=x>hej</b>")
    assert "<script" not in html and "<b" not in html
    assert "&lt;script&gt;" in html


def test_links_and_images_keep_only_text() -> None:
    html = render_markdown("[kliknij](http://evil/phish) ![obraz](http://evil/x.png) <http://e/>")
    assert "href" not in html and "<a" not in html
    assert "<img" not in html and "evil" not in html
    assert "kliknij" in html


def test_headings_are_demoted_below_the_page_headings() -> None:
    html = render_markdown("# Duży\n\n## Średni\n\n### Mały")
    assert "<h3>Duży</h3>" in html and "<h4>Średni</h4>" in html and "<h5>Mały</h5>" in html
    assert "<h1>" not in html and "<h2>" not in html


def test_keeps_polish_text() -> None:
    assert "Zażółć gęślą jaźń" in render_markdown("Zażółć gęślą jaźń")
