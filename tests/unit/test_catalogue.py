"""The catalogue, the typed documents and their templates agree with each other and LEGAL.md."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from app.legal import Situation, Topic, all_topics, shown_situations
from app.legal.catalogue import TOPICS
from app.legal.documents import (
    DOCUMENT_TYPES,
    MOVING_BASIS,
    DocumentType,
    Note,
    Whose,
    document_type,
)
from app.legal.fields import Kind
from app.services import fields, letters, prompts
from app.services.deadlines import Procedure

ROOT = Path(__file__).resolve().parents[2]
LETTERS = ROOT / "templates" / "letters"
TODAY = date(2026, 11, 27)
KEYS = [document.key for document in DOCUMENT_TYPES]
# "art. 505³⁶", "art. 7a", "art. 205¹": the article numbers a text cites.
ARTICLE = re.compile(r"art\.\s*(\d+[a-z]?[¹²³⁴⁵⁶⁷⁸⁹⁰]*)")
# The act's own abbreviation, part of the citation and not a note.
ABBREVIATIONS = ("(DSA)",)


def _document(key: str) -> DocumentType:
    document = document_type(key)
    assert document is not None, key
    return document


def _bases(document: DocumentType) -> list[str]:
    """Every basis the letter may cite: the default and each variant."""
    return [document.basis, *(basis for _, _, basis in document.basis_variants)]


def _situation(key: str) -> Situation:
    return next(s for topic in TOPICS for s in topic.situations if s.key == key)


# --- catalogue and documents, one to one ---------------------------------------------------------


def test_every_verified_situation_has_its_document_and_back() -> None:
    situations = {s.key for topic in all_topics() for s in shown_situations(topic)}
    assert situations == set(KEYS)
    assert len(KEYS) == len(set(KEYS)) == 19


def test_unverified_situations_have_no_document() -> None:
    for topic in TOPICS:
        for situation in topic.situations:
            if not situation.verified:
                assert document_type(situation.key) is None


def test_document_type_looks_up_by_key_only() -> None:
    for document in DOCUMENT_TYPES:
        assert document_type(document.key) is document
    assert document_type(None) is None
    assert document_type("") is None
    assert document_type("inne") is None


# --- templates ---------------------------------------------------------------------------------


def _extends_chain(name: str) -> list[str]:
    chain = [name]
    while True:
        source = (LETTERS / chain[-1]).read_text(encoding="utf-8")
        found = re.search(r'{%-?\s*extends\s+"([^"]+)"', source)
        if not found:
            return chain
        assert found.group(1) not in chain, chain
        chain.append(found.group(1))


@pytest.mark.parametrize("key", KEYS)
def test_every_document_has_a_template_built_on_the_one_layout(key: str) -> None:
    document = _document(key)
    assert document.template == f"{key}.html"
    assert (LETTERS / document.template).is_file()
    assert _extends_chain(document.template)[-1] == "_layout.html"


def test_every_letter_template_belongs_to_a_document() -> None:
    names = {path.name for path in LETTERS.glob("*.html") if not path.name.startswith("_")}
    assert names == {document.template for document in DOCUMENT_TYPES}


def test_templates_never_switch_autoescaping_off() -> None:
    for path in LETTERS.glob("*.html"):
        source = path.read_text(encoding="utf-8")
        assert "|safe" not in source.replace(" ", ""), path.name
        assert "autoescape false" not in source, path.name
        assert "Markup(" not in source, path.name


# --- fields, addressee, deadlines ---------------------------------------------------------------


@pytest.mark.parametrize("key", KEYS)
def test_field_keys_are_unique_and_the_sender_is_always_asked(key: str) -> None:
    document = _document(key)
    keys = [field.key for field in document.fields]
    assert len(keys) == len(set(keys))
    assert "imie_nazwisko" in keys
    assert "miejscowosc" in keys


@pytest.mark.parametrize("key", KEYS)
def test_the_addressee_is_fixed_or_comes_from_a_field(key: str) -> None:
    document = _document(key)
    addressee = document.addressee
    assert bool(addressee.name) != bool(addressee.name_field), "exactly one way to name it"
    assert addressee.how_to_find
    if addressee.name_field:
        field = document.field(addressee.name_field)
        assert field is not None
        assert field.required
    if addressee.address_field:
        field = document.field(addressee.address_field)
        assert field is not None
        assert field.kind == Kind.ADDRESS


@pytest.mark.parametrize("key", KEYS)
def test_deadline_specs_point_at_real_fields(key: str) -> None:
    document = _document(key)
    for spec in document.deadlines:
        assert spec.event and spec.basis
        if spec.event_field is not None:
            field = document.field(spec.event_field)
            assert field is not None, spec.event_field
            assert field.kind == Kind.DATE
        else:
            assert spec.whose == Whose.THEIRS, "a deadline of yours needs a date to count from"
        if spec.rule is None:
            assert spec.length_field, "a deadline without a rule takes its length from a field"
            field = document.field(spec.length_field)
            assert field is not None, spec.length_field
            assert field.kind == Kind.DURATION
            assert field.required
            assert spec.procedure is not None
        else:
            assert spec.length_field is None


@pytest.mark.parametrize("key", KEYS)
def test_every_document_has_a_deadline_or_says_why_not(key: str) -> None:
    document = _document(key)
    assert document.deadlines or document.no_deadline.strip()


def test_every_procedure_with_a_moving_rule_has_its_basis() -> None:
    used = {
        spec.rule.procedure if spec.rule else spec.procedure
        for document in DOCUMENT_TYPES
        for spec in document.deadlines
    }
    for procedure in used - {Procedure.NONE}:
        assert procedure in MOVING_BASIS, procedure


@pytest.mark.parametrize("key", KEYS)
def test_basis_variants_depend_on_real_fields_and_cover_every_choice(key: str) -> None:
    document = _document(key)
    by_field: dict[str, set[str]] = {}
    for field_key, wanted, basis in document.basis_variants:
        field = document.field(field_key)
        assert field is not None, field_key
        assert basis != document.basis
        by_field.setdefault(field_key, set()).add(wanted)
        if field.kind == Kind.CHOICE:
            assert wanted in {value for value, _ in field.choices}, wanted
        else:
            assert wanted == "", "a free field's variant applies to any value"
    for field_key, wanted in by_field.items():
        field = document.field(field_key)
        if field is not None and field.kind == Kind.CHOICE:
            assert wanted == {value for value, _ in field.choices}


def test_a_choice_picks_its_own_basis() -> None:
    document = _document("prywatny-akt-oskarzenia")
    assert document.letter_basis({"czyn": "212"}) == "art. 212 § 2 k.k."
    assert document.letter_basis({"czyn": "216"}) == "art. 216 § 2 k.k."
    assert document.letter_basis({}) == document.basis


@pytest.mark.parametrize("key", KEYS)
def test_placeholders_are_found_by_blanks(key: str) -> None:
    document = _document(key)
    known = letters.placeholders(document)
    for field in document.fields:
        assert not set("[]<>\n") & set(field.label), field.label
        assert field.placeholder.startswith("[") and field.placeholder.endswith("]")
        assert letters.blanks(f"<p>x {field.placeholder} y</p>", known) == [field.placeholder]


@pytest.mark.parametrize("key", KEYS)
def test_examples_pass_their_own_check(key: str) -> None:
    document = _document(key)
    for field in document.fields:
        if field.example:
            checked = fields.check(document, {field.key: field.example}, TODAY, partial=True)
            assert checked.errors == {}, (field.key, checked.errors)


@pytest.mark.parametrize("key", KEYS)
def test_choices_have_unique_values_and_labels(key: str) -> None:
    for field in _document(key).fields:
        if field.kind == Kind.CHOICE:
            assert field.choices
            values = [value for value, _ in field.choices]
            assert len(values) == len(set(values))
        else:
            assert field.choices == ()


# --- the letter basis --------------------------------------------------------------------------


@pytest.mark.parametrize("key", KEYS)
def test_the_letter_basis_is_provisions_only(key: str) -> None:
    for basis in _bases(_document(key)):
        bare = basis
        for abbreviation in ABBREVIATIONS:
            bare = bare.replace(abbreviation, "")
        assert ";" not in bare, basis
        assert "(" not in bare and ")" not in bare, basis
        assert ":" not in bare, basis
        assert "to nie" not in bare.lower(), basis
        assert ARTICLE.search(basis), basis


@pytest.mark.parametrize("key", KEYS)
def test_the_letter_cites_only_articles_the_card_shows(key: str) -> None:
    document = _document(key)
    situation = _situation(key)
    on_card = set(ARTICLE.findall(situation.basis))
    for basis in _bases(document):
        assert set(ARTICLE.findall(basis)) <= on_card, (basis, situation.basis)


# --- the corrections of the revised LEGAL.md ---------------------------------------------------


def test_the_civil_moving_rule_is_art_115_kc() -> None:
    assert "art. 115 k.c." in MOVING_BASIS[Procedure.CIVIL].text
    assert "art. 165 § 1 k.p.c." in MOVING_BASIS[Procedure.CIVIL].text
    assert MOVING_BASIS[Procedure.CIVIL].verified


def test_the_reinstatement_cites_art_169() -> None:
    assert "art. 169" in _document("przywrocenie-terminu").basis


def test_the_e_court_refiling_rule_is_art_505_37_par_2() -> None:
    topic = next(topic for topic in TOPICS if topic.key == "nakaz-zaplaty")
    assert any("505³⁷ § 2" in fact.text and fact.verified for fact in topic.facts)
    # The discontinuance itself stays art. 505³⁶.
    assert any("505³⁶" in fact.text for fact in topic.facts)


def test_the_private_car_park_complaint_cites_art_7a_1_and_2() -> None:
    assert "art. 7a ust. 1 i 2" in _document("parking-prywatny").basis


def _source_files() -> list[Path]:
    app = ROOT / "app"
    return [*app.rglob("*.py"), *(ROOT / "templates").rglob("*.html")]


def test_the_wrong_art_115_kpc_appears_nowhere() -> None:
    wrong = re.compile(r"art\.\s*115\s*(?:§\s*\d+\s*)?k\.?\s*p\.?\s*c\.?", re.IGNORECASE)
    files = _source_files()
    assert len(files) > 20
    offenders = [
        str(path.relative_to(ROOT))
        for path in files
        if wrong.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


# --- the prompt carries only verified law ----------------------------------------------------


def _unverified_texts() -> list[str]:
    texts = [fact.text for topic in TOPICS for fact in topic.facts if not fact.verified]
    texts += [s.basis for topic in TOPICS for s in topic.situations if not s.verified]
    notes: list[Note] = [note for note in MOVING_BASIS.values() if not note.verified]
    for document in DOCUMENT_TYPES:
        notes += [
            n for n in (document.sending.copies, document.sending.fee) if n and not n.verified
        ]
    return texts + [note.text for note in notes]


def test_there_is_something_unverified_to_keep_out() -> None:
    assert _unverified_texts()


@pytest.mark.parametrize("topic", [None, *TOPICS], ids=lambda t: t.key if t else "all")
def test_the_system_prompt_carries_no_unverified_text(topic: Topic | None) -> None:
    prompt = prompts.system_prompt(topic)
    for text in _unverified_texts():
        assert text not in prompt, text
    assert "1182/71" not in prompt
