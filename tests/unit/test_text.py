"""Text hygiene: controls and bidi overrides go, Polish text, emoji and line breaks stay."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from app.services.conversations import InputError, clean_message, short_title
from app.services.text import clean_line, clean_text

# The Unicode Bidi_Control property, spelled out independently of the module under test.
BIDI_CONTROLS = [
    "\u061c", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
    "\u2066", "\u2067", "\u2068", "\u2069",
]  # fmt: skip
POLISH = "Zażółć gęślą jaźń — ĄĆĘŁŃÓŚŹŻ"
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # man ZWJ woman ZWJ girl
SCOTLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"


@pytest.mark.parametrize("control", BIDI_CONTROLS)
def test_drops_every_bidi_control(control: str) -> None:
    assert clean_text(f"faktura{control}fdp.exe") == "fakturafdp.exe"


@pytest.mark.parametrize("control", ["\x00", "\x01", "\x07", "\x0b", "\x0c", "\x1b", "\x7f"])
def test_drops_c0_controls_and_delete(control: str) -> None:
    assert clean_text(f"a{control}b") == "ab"


@pytest.mark.parametrize("control", ["\x80", "\x85", "\x9b", "\x9f"])
def test_drops_c1_controls(control: str) -> None:
    assert clean_text(f"a{control}b") == "ab"


def test_drops_lone_surrogates_but_keeps_astral_characters() -> None:
    assert clean_text("a\ud800b\udfffc") == "abc"
    assert clean_text("wniosek \U0001f4c4") == "wniosek \U0001f4c4"


def test_keeps_tabs_line_breaks_and_polish_text() -> None:
    text = f"{POLISH}\n\tdruga linia\n\ntrzecia"
    assert clean_text(text) == text


def test_carriage_returns_become_line_feeds() -> None:
    assert clean_text("a\r\nb\rc\n\rd") == "a\nb\nc\n\nd"


@pytest.mark.parametrize(
    "kept",
    [
        "roz\u00adpatrzenie",  # soft hyphen: a hyphenation hint
        FAMILY,  # zero-width joiners inside an emoji sequence
        SCOTLAND,  # tag characters of a subdivision flag
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0645",  # zero-width non-joiner in Persian
        "\u05e9\u05dc\u05d5\u05dd",  # right-to-left letters are fine, only controls go
    ],
)
def test_keeps_format_characters_that_cannot_reorder_text(kept: str) -> None:
    assert clean_text(kept) == kept
    assert clean_line(kept) == kept


def test_drops_exactly_the_controls_bidi_controls_and_surrogates() -> None:
    """Compared with unicodedata over every code point (CR is converted, not dropped)."""
    every = "".join(chr(cp) for cp in range(sys.maxunicode + 1) if cp != 0x0D)

    def kept(char: str) -> bool:
        if char in "\n\t":
            return True
        if char in BIDI_CONTROLS:
            return False
        return unicodedata.category(char) not in ("Cc", "Cs")

    assert clean_text(every) == "".join(char for char in every if kept(char))


def test_clean_line_folds_white_space_and_strips() -> None:
    assert clean_text("1\u00a0000\u00a0zł") == "1\u00a0000\u00a0zł"
    assert clean_line("1\u00a0000\u00a0zł") == "1 000 zł"  # str.split folds no-break spaces
    assert clean_line("  Sprzeciw\n\tod\r\nnakazu  ") == "Sprzeciw od nakazu"
    assert clean_line("a \u202e b\u2066\u2069 c") == "a b c"
    assert clean_line("\u202e\x00 \n") == ""


def test_cleaning_is_idempotent() -> None:
    text = f" a\u202eb\r\n\x00{FAMILY}\t{POLISH} "
    assert clean_text(clean_text(text)) == clean_text(text)
    assert clean_line(clean_line(text)) == clean_line(text)


def test_chat_message_keeps_line_breaks_and_drops_controls() -> None:
    assert clean_message("  Dzień dobry,\r\nmam\u202e pytanie\x00.  ") == (
        "Dzień dobry,\nmam pytanie."
    )


def test_chat_message_of_only_controls_is_empty() -> None:
    with pytest.raises(InputError, match="message_empty"):
        clean_message("\u202e\u2066 \x00\r\n")


def test_conversation_title_has_no_override() -> None:
    assert short_title("Zwrot\u202e towaru\nw sklepie\x07") == "Zwrot towaru w sklepie"
    long_title = short_title("\u202e" + "słowo " * 30)
    assert "\u202e" not in long_title and long_title.endswith("…")
