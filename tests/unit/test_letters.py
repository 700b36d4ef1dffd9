"""From the model's structured letter to document HTML."""

import json

import pytest

from app.legal import get_situation
from app.services.letters import LetterFormatError, letter_html, letter_title, parse_letter

KEYS = ["uchylenie-mandatu", "inne"]


def _letter(**overrides: object) -> str:
    data = {
        "situation": "uchylenie-mandatu",
        "title": "",
        "sender_name": "Jan Kowalski",
        "sender_address": "ul. Polna 1\n00-001 Warszawa",
        "place": "Warszawa",
        "recipient": "Sąd Rejonowy",
        "reference": "AB 1234567",
        "paragraphs": ["Nie popełniłem wykroczenia."],
        "requests": ["uchylenie mandatu"],
        "attachments": ["zdjęcia"],
    }
    data.update(overrides)
    return json.dumps(data, ensure_ascii=False)


def test_title_and_basis_come_from_the_catalogue() -> None:
    letter = parse_letter(_letter(), KEYS)
    situation = get_situation("uchylenie-mandatu")
    assert situation is not None
    html = letter_html(letter, "27 listopada 2026 r.")
    assert letter_title(letter) == "Wniosek o uchylenie prawomocnego mandatu karnego"
    assert situation.basis in html
    assert "Warszawa, 27 listopada 2026 r." in html
    assert "ul. Polna 1<br>00-001 Warszawa" in html


def test_unknown_situation_falls_back_to_the_models_title() -> None:
    letter = parse_letter(_letter(situation="wymyslona", title="Pismo w sprawie"), KEYS)
    assert letter.situation is None
    assert letter_title(letter) == "Pismo w sprawie"
    assert "Podstawa prawna" not in letter_html(letter, "dziś")


def test_a_situation_outside_the_allowed_list_is_ignored() -> None:
    letter = parse_letter(_letter(situation="sprzeciw-nakaz"), KEYS)
    assert letter.situation is None


def test_model_text_is_escaped() -> None:
    letter = parse_letter(_letter(sender_name="<script>alert(1)</script>"), KEYS)
    html = letter_html(letter, "dziś")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_missing_fields_get_placeholders() -> None:
    raw = json.dumps({"situation": "inne", "paragraphs": ["Treść."]})
    html = letter_html(parse_letter(raw, KEYS), "dziś")
    assert "[imię i nazwisko]" in html and "[adresat]" in html


@pytest.mark.parametrize(
    "raw",
    [
        "nie json",
        "[]",
        json.dumps({"situation": "inne", "paragraphs": []}),
        json.dumps({"situation": "inne", "paragraphs": "tekst"}),
        json.dumps({"situation": "inne", "paragraphs": ["a"], "sender_name": 5}),
    ],
)
def test_rejects_unusable_output(raw: str) -> None:
    with pytest.raises(LetterFormatError):
        parse_letter(raw, KEYS)
