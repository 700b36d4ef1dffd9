"""Polish dates."""

from datetime import date

from app.services.dates import polish_date
from app.views import pages_label


def test_polish_date() -> None:
    assert polish_date(date(2026, 11, 27)) == "27 listopada 2026 r."
    assert polish_date(date(2027, 1, 1)) == "1 stycznia 2027 r."


def test_pages_label() -> None:
    assert [pages_label(n) for n in (1, 2, 5, 12, 22, 25)] == [
        "1 strona",
        "2 strony",
        "5 stron",
        "12 stron",
        "22 strony",
        "25 stron",
    ]


def test_short_title_cuts_at_a_word() -> None:
    from app.services.conversations import short_title

    assert short_title("Krótko") == "Krótko"
    text = "Dostałem mandat w strefie płatnego parkowania, czy muszę go zapłacić?"
    title = short_title(text)
    assert title.endswith("…") and len(title) <= 60
    kept = title[:-1]
    assert text.startswith(kept) and text[len(kept)] == " "
    assert short_title("a" * 100) == "a" * 59 + "…"
