"""Out of scope: the person's words and the document's fields decide, never the model."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.legal.documents import DOCUMENT_TYPES
from app.legal.scope import (
    AMOUNT_DOCUMENTS,
    HIGH_STAKES_PLN,
    REFUSALS,
    refusal,
    refusal_for_fields,
    refusal_for_text,
    topic_refusals,
)


def _key(texts: list[str]) -> str | None:
    found = refusal_for_text(texts)
    return found.key if found else None


@pytest.mark.parametrize(
    "text",
    [
        "Zatrzymała mnie policja, miałem 0,6 promila alkoholu we krwi.",
        "Jechałem po alkoholu, co teraz?",
        "Prowadziłem samochód w stanie nietrzeźwości",
        "Kolega był pijany za kierownicą, a auto jest moje",
        "Zarzut z art. 178a k.k.",
        "Znaleźli przy mnie narkotyki podczas kontroli",
        "ZATRZYMANO MI PRAWO JAZDY PO ALKOHOLU",
        "jechalem samochodem po alkoholu, bez polskich liter",
    ],
)
def test_drunk_driving_and_other_crimes_are_refused(text: str) -> None:
    assert _key([text]) == "przestepstwo"


@pytest.mark.parametrize(
    "text",
    [
        "Jechałem samochodem po dwóch piwach",
        "Jechałem samochodem po wódce",
        "Prowadziłem auto po piwie",
        "Jechałem autem po kieliszku wina",
    ],
)
def test_drunk_driving_in_inflected_words_is_refused(text: str) -> None:
    assert _key([text]) == "przestepstwo"


@pytest.mark.parametrize(
    "text",
    [
        "Dostałem mandat w Niemczech",
        "Fotoradar w Czechach zrobił mi zdjęcie",
        "Mandat za parkowanie w Austrii",
        "Mandat na Słowacji, przyszedł list po polsku",
        "Kupiłem buty w zagranicznym sklepie internetowym",
        "Opłata za autostradę we Francji",
        "Spór z firmą z Hiszpanii",
        "Wezwanie z Wielkiej Brytanii",
        "Mandat za granicą, na Litwie",
        "Mandat od niemieckiej policji",
    ],
)
def test_foreign_cases_are_refused(text: str) -> None:
    assert _key([text]) == "za-granica"


def test_a_fine_in_italy_is_refused() -> None:
    assert _key(["Dostałem mandat we Włoszech"]) == "za-granica"


@pytest.mark.parametrize(
    "text",
    [
        "Pozew trafił do Sądu Okręgowego w Warszawie",
        "sprawa w sądzie okręgowym",
        "SĄD OKRĘGOWY W KRAKOWIE, I WYDZIAŁ CYWILNY",
        "pozew z sadu okregowego, pisze bez polskich znakow",
    ],
)
def test_a_regional_court_case_is_refused(text: str) -> None:
    assert _key([text]) == "sad-okregowy"


@pytest.mark.parametrize(
    "text",
    [
        "Dostałem mandat za przekroczenie prędkości o 30 km/h w Krakowie",
        "Straż miejska dała mi mandat za parkowanie na chodniku",
        "Przyszedł nakaz zapłaty z sądu rejonowego, sygnatura I Nc 123/26",
        "Nakaz zapłaty z e-sądu, Sąd Rejonowy Lublin-Zachód w Lublinie",
        "Parking prywatny pod galerią żąda 150 zł",
        "Ktoś mnie obraża na Facebooku",
        "Sklep nie chce usunąć moich danych",
        "",
    ],
)
def test_ordinary_fines_and_payment_orders_are_not_refused(text: str) -> None:
    assert refusal_for_text([text]) is None


@pytest.mark.parametrize(
    "text",
    [
        "Mandat za parkowanie na ul. Niemcewicza w Warszawie",
        "Fotoradar w Czechowicach-Dziedzicach",
        "Straż miejska dała mi mandat za picie alkoholu w parku",
        "Mandat za picie piwa na bulwarach",
        "Byłem w Niemczech, gdy przyszedł nakaz zapłaty",
        "Przebywałem za granicą i nie odebrałem awizo z sądu",
    ],
)
def test_polish_places_public_drinking_and_a_stay_abroad_are_not_refused(text: str) -> None:
    assert refusal_for_text([text]) is None


def test_a_post_calling_me_an_alcoholic_is_defamation_not_drunk_driving() -> None:
    assert refusal_for_text(["Autor wpisu na Facebooku pisze, że jestem alkoholikiem"]) is None


def test_a_shop_manager_is_not_a_driver() -> None:
    text = "Kierownik sklepu wezwał straż miejską, bo piłem piwo na ławce; dostałem mandat"
    assert refusal_for_text([text]) is None


def test_okregowy_without_a_court_is_not_a_regional_court() -> None:
    text = "Mandat za brak badania technicznego, okręgowa stacja kontroli pojazdów była zamknięta"
    assert refusal_for_text([text]) is None


def test_a_fine_from_abroad_while_working_there_is_refused() -> None:
    assert _key(["Dostałem mandat w Niemczech, kiedy byłem tam w pracy."]) == "za-granica"


def test_any_of_the_persons_messages_can_trigger_a_refusal() -> None:
    texts = ["Dostałem mandat", "Zapomniałem dodać: to było w Niemczech"]
    assert _key(texts) == "za-granica"
    assert refusal_for_text([]) is None


def test_a_crime_outranks_a_foreign_country() -> None:
    assert _key(["Jechałem po alkoholu w Niemczech"]) == "przestepstwo"


# --- fields -----------------------------------------------------------------------------------


def _amount(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


@pytest.mark.parametrize("key", AMOUNT_DOCUMENTS)
def test_a_court_amount_above_the_limit_is_refused(key: str) -> None:
    above = _amount(HIGH_STAKES_PLN + Decimal("0.01"))
    found = refusal_for_fields(key, {"kwota": above})
    assert found is not None
    assert found.key == "sad-okregowy"
    assert refusal_for_fields(key, {"kwota": "1000000.00"}) is not None


@pytest.mark.parametrize("key", AMOUNT_DOCUMENTS)
@pytest.mark.parametrize("value", [HIGH_STAKES_PLN, HIGH_STAKES_PLN - Decimal("0.01")])
def test_a_court_amount_at_or_below_the_limit_is_not_refused(key: str, value: Decimal) -> None:
    assert refusal_for_fields(key, {"kwota": _amount(value)}) is None
    assert refusal_for_fields(key, {"kwota": "1250.00"}) is None


def test_the_amount_limit_is_the_documented_20000_zl() -> None:
    assert Decimal(20_000) == HIGH_STAKES_PLN
    explanation = refusal("sad-okregowy").explanation  # type: ignore[union-attr]
    assert "20 000 zł" in explanation


def test_the_amount_documents_are_the_civil_court_documents_with_a_claim() -> None:
    keys = {document.key for document in DOCUMENT_TYPES}
    assert set(AMOUNT_DOCUMENTS) <= keys
    assert set(AMOUNT_DOCUMENTS) == {
        "sprzeciw-nakaz",
        "zarzuty-nakaz",
        "sprzeciw-epu",
        "odpowiedz-na-pozew",
    }


@pytest.mark.parametrize(
    ("key", "field"),
    [
        ("parking-prywatny", "kwota"),
        ("wezwanie-usuniecie-wpisu", "zadoscuczynienie"),
        ("wezwanie-zaniechanie", "wynagrodzenie"),
    ],
)
def test_amounts_outside_court_documents_do_not_refuse(key: str, field: str) -> None:
    assert refusal_for_fields(key, {field: "50000.00"}) is None


@pytest.mark.parametrize("value", ["", "abc"])
def test_a_missing_or_unreadable_amount_does_not_refuse(value: str) -> None:
    assert refusal_for_fields("sprzeciw-nakaz", {"kwota": value}) is None
    assert refusal_for_fields("sprzeciw-nakaz", {}) is None


@pytest.mark.parametrize(
    "court",
    [
        "Sąd Okręgowy w Warszawie, I Wydział Cywilny",
        "sąd okręgowy w krakowie",
        "SĄD OKRĘGOWY W GDAŃSKU",
        "Sądu Okręgowego w Poznaniu",
    ],
)
@pytest.mark.parametrize("key", ["sprzeciw-nakaz", "odpowiedz-na-pozew", "prywatny-akt-oskarzenia"])
def test_a_regional_court_named_in_the_fields_is_refused(key: str, court: str) -> None:
    found = refusal_for_fields(key, {"sad": court, "kwota": "100.00"})
    assert found is not None
    assert found.key == "sad-okregowy"


@pytest.mark.parametrize(
    "court",
    [
        "Sąd Rejonowy dla Krakowa-Śródmieścia w Krakowie, I Wydział Cywilny",
        "Sąd Rejonowy Lublin-Zachód w Lublinie, VI Wydział Cywilny",
    ],
)
def test_a_district_court_is_not_refused(court: str) -> None:
    assert refusal_for_fields("sprzeciw-nakaz", {"sad": court, "kwota": "1250.00"}) is None


# --- the refusals themselves -------------------------------------------------------------------


def test_every_refusal_points_to_help_and_has_a_unique_key() -> None:
    keys = [item.key for item in REFUSALS]
    assert len(keys) == len(set(keys))
    document_keys = {document.key for document in DOCUMENT_TYPES}
    for item in REFUSALS:
        assert item.help, item.key
        assert item.title and item.explanation and item.label
        assert item.key not in document_keys
        assert refusal(item.key) is item
    assert refusal(None) is None
    assert refusal("nie-ma") is None


def test_topic_choosers_offer_their_refusals() -> None:
    assert {item.key for item in topic_refusals("mandat")} == {"przestepstwo", "za-granica"}
    assert "sad-okregowy" in {item.key for item in topic_refusals("nakaz-zaplaty")}
    assert topic_refusals("rodo") == ()
