"""Download names: ASCII slugs from the letter's title and date, safe in any header."""

from __future__ import annotations

import re
from datetime import date

import pytest

from app.services.filenames import FALLBACK, MAX_SLUG, pdf_filename, slug

DAY = date(2026, 11, 28)
SAFE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*-\d{4}-\d{2}-\d{2}\.pdf")


def test_the_example_from_the_catalogue() -> None:
    assert pdf_filename("Sprzeciw od nakazu zapłaty", DAY) == (
        "sprzeciw-od-nakazu-zaplaty-2026-11-28.pdf"
    )


def test_every_polish_letter_is_transliterated() -> None:
    assert slug("ąćęłńóśźż ĄĆĘŁŃÓŚŹŻ") == "acelnoszz-acelnoszz"
    assert slug("Zażółć gęślą jaźń") == "zazolc-gesla-jazn"
    assert slug("Wniosek o uchylenie mandatu — Łódź") == "wniosek-o-uchylenie-mandatu-lodz"


def test_other_latin_letters_lose_their_marks() -> None:
    assert slug("Café Müller Straße Ørsted") == "cafe-muller-strasse-orsted"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Pismo \"ważne\" 'bardzo' „cudzysłów”", "pismo-wazne-bardzo-cudzyslow"),
        ("Wiersz\r\nContent-Disposition: inline\r\n\r\n", "wiersz-content-disposition-inline"),
        ("../../etc/passwd", "etc-passwd"),
        ("a\\b/c:d*e?f<g>h|i", "a-b-c-d-e-f-g-h-i"),
        ("Pismo 🙂🔥 do sądu 👩‍⚖️", "pismo-do-sadu"),
        ("filename*=UTF-8''x%0d%0a; a=b", "filename-utf-8-x-0d-0a-a-b"),
        ("\u202eFDP.exe", "fdp-exe"),
        ("  --Pismo--  ", "pismo"),
    ],
)
def test_quotes_line_breaks_slashes_and_emoji_never_reach_the_name(
    title: str, expected: str
) -> None:
    assert slug(title) == expected
    assert SAFE.fullmatch(pdf_filename(title, DAY))


@pytest.mark.parametrize("title", ["", "   ", "🙂🙂🙂", "„”/\\\r\n", "日本語の手紙"])
def test_a_title_with_nothing_usable_falls_back(title: str) -> None:
    assert pdf_filename(title, DAY) == f"{FALLBACK}-2026-11-28.pdf"


def test_a_very_long_title_is_cut_at_a_word() -> None:
    title = "Wniosek o przywrócenie terminu do wniesienia sprzeciwu od nakazu zapłaty " * 10
    name = pdf_filename(title, DAY)
    stem = name.removesuffix("-2026-11-28.pdf")
    assert len(stem) <= MAX_SLUG
    assert stem.startswith("wniosek-o-przywrocenie-terminu-do-wniesienia-sprzeciwu")
    assert not stem.endswith("-") and SAFE.fullmatch(name)
    # Each word is whole: the cut fell on a hyphen.
    assert all(word in slug(title, 10_000).split("-") for word in stem.split("-"))


def test_one_endless_word_is_cut_hard() -> None:
    assert slug("x" * 500) == "x" * MAX_SLUG
    assert len(pdf_filename("ż" * 500, DAY)) == MAX_SLUG + len("-2026-11-28.pdf")


def test_the_name_is_plain_ascii() -> None:
    name = pdf_filename("Zażalenie na postanowienie „w przedmiocie” kosztów", DAY)
    assert name.isascii() and name == name.lower()
    assert name == "zazalenie-na-postanowienie-w-przedmiocie-kosztow-2026-11-28.pdf"
