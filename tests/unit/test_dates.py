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
