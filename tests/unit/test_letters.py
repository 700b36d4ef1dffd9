"""Every catalogue letter, rendered from its typed fields and sanitized, says what it must."""

from __future__ import annotations

from datetime import date
from html import unescape
from html.parser import HTMLParser

import pytest

from app.legal.documents import DOCUMENT_TYPES, DocumentType, document_type
from app.legal.fields import Field, Kind
from app.services import fields, letters
from app.services.dates import polish_date
from app.services.sanitize import ALIGN_CLASSES, ALLOWED_TAGS, sanitize_letter, text_of

TODAY = date(2026, 11, 27)

# A realistic sample for every field key of the catalogue, already in normalised form
# (so ``fields.check`` must give each back unchanged). Values differ from key to key, so
# finding one in a letter proves that this very field was rendered.
SAMPLES: dict[str, str] = {
    "imie_nazwisko": "Jan Kowalski",
    "adres": "ul. Lipowa 5/2\n00-001 Warszawa",
    "miejscowosc": "Kraków",
    "email": "jan.kowalski@example.pl",
    "sygnatura": "I C 123/26",
    "sad": "Sąd Rejonowy dla Krakowa-Śródmieścia w Krakowie, I Wydział Cywilny",
    "sad_adres": "ul. Przy Rondzie 7\n31-547 Kraków",
    "powod": "Windykacja Plus S.A.",
    "powod_adres": "ul. Prosta 20\n00-850 Warszawa",
    "kwota": "1250.00",
    "data_nakazu": "2026-11-02",
    "data_doreczenia": "2026-11-16",
    "uzasadnienie": "Nie zawierałem umowy z powodem.\n\nDług, jeżeli istniał,\njest przedawniony.",
    "dowody": "potwierdzenie przelewu z 3 marca 2026 r.\numowa z 1 lutego 2026 r.",
    "url": "https://www.facebook.com/profil.przykladowy/posts/1234567890",
    "platforma": "Facebook (Meta)",
    "seria_numer": "CW 1234567",
    "data_mandatu": "2026-11-10",
    "miejsce_zdarzenia": "Kraków, ul. Długa 12",
    "organ": "Straż Miejska Miasta Krakowa",
    "data_prawomocnosci": "2026-11-12",
    "data_wyroku": "2026-11-05",
    "zarzad": "Zarząd Dróg Miejskich w Warszawie",
    "zarzad_adres": "ul. Chmielna 120\n00-801 Warszawa",
    "numer_wezwania": "SPP/2026/123456",
    "data_zdarzenia": "2026-10-30",
    "rejestracja": "WA 12345",
    "operator": "ParkPol sp. z o.o.",
    "operator_adres": "ul. Parkingowa 1\n02-001 Warszawa",
    "cytat": "Jan Kowalski to oszust i złodziej.\n\nNie róbcie z nim interesów.",
    "data_publikacji": "2026-11-01",
    "adresat": "Piotr Nowak",
    "adresat_adres": "ul. Kwiatowa 3\n80-001 Gdańsk",
    "termin_dni": "7",
    "zadoscuczynienie": "5000.00",
    "oskarzony": "Piotr Nowak",
    "oskarzony_adres": "ul. Kwiatowa 3\n80-001 Gdańsk",
    "czyn": "212",
    "data_czynu": "2026-10-15",
    "data_wiedzy": "2026-10-20",
    "czynnosc": "wniesienia sprzeciwu od nakazu zapłaty",
    "data_ustania_przeszkody": "2026-11-24",
    "termin_sadu": "21 dni",
    "utwor": "zdjęcie zachodu słońca nad Wisłą",
    "dowod_praw": "oryginalny plik z danymi EXIF",
    "wynagrodzenie": "2400.00",
    "tresc": "film z 3 marca 2026 r. pt. „Spacer po Krakowie”",
    "data_decyzji": "2026-11-18",
    "administrator": "Sklep Internetowy XYZ sp. z o.o.",
    "administrator_adres": "ul. Handlowa 8\n60-001 Poznań",
    "identyfikacja": "numer klienta 123456",
    "zakres": "konto w sklepie i historia zamówień",
    "data_zadania": "2026-10-01",
    "zadanie": "usunięcia moich danych",
}
# Where a document needs its own value.
OVERRIDES: dict[str, dict[str, str]] = {
    "sprzeciw-epu": {"sygnatura": "VI Nc-e 1234567/26"},
    "sprzeciw-wyrok-nakazowy": {
        "sygnatura": "II W 45/26",
        "sad": "Sąd Rejonowy Gdańsk-Południe w Gdańsku, II Wydział Karny",
    },
    "uchylenie-mandatu": {
        "sad": "Sąd Rejonowy dla Krakowa-Śródmieścia w Krakowie, II Wydział Karny"
    },
    "prywatny-akt-oskarzenia": {"sad": "Sąd Rejonowy Gdańsk-Północ w Gdańsku, II Wydział Karny"},
    "wezwanie-zaniechanie": {"adresat": "Foto-Druk sp. z o.o."},
}
# For a field added later without a sample above: one per kind.
KIND_SAMPLES: dict[Kind, str] = {
    Kind.TEXT: "Przykładowa treść pola",
    Kind.NAME: "Anna Nowak-Wiśniewska",
    Kind.ADDRESS: "ul. Ogrodowa 9\n30-001 Kraków",
    Kind.DATE: "2026-11-19",
    Kind.CASE_NUMBER: "III C 77/26",
    Kind.MANDATE: "DD 7654321",
    Kind.AMOUNT: "310.50",
    Kind.URL: "https://example.pl/wpis/1",
    Kind.EMAIL: "anna.nowak@example.pl",
    Kind.DAYS: "14",
    Kind.DURATION: "2 tygodnie",
    Kind.PARAGRAPHS: "Akapit pierwszy.\n\nAkapit drugi.",
}
# Fields a letter deliberately does not print: they only feed the deadline.
NOT_IN_LETTER = {
    ("uchylenie-mandatu", "data_prawomocnosci"),
    ("odpowiedz-na-pozew", "termin_sadu"),
}
# How a choice shows in its letter (the template words it, the label is for the form).
CHOICE_SHOWN = {
    ("prywatny-akt-oskarzenia", "czyn"): {
        "212": "pomówienie mnie o postępowanie lub właściwości",
        "216": "znieważenie mnie",
    },
}
PARTY_ROLES = (
    "Powód:",
    "Pozwany:",
    "Oskarżyciel prywatny:",
    "Oskarżony:",
    "Obwiniony:",
    "Ukarany:",
    "Skarżący:",
    "Administrator danych:",
)
CIVIL_PARTIES = ("Powód:", "Pozwany:")
PARTIES: dict[str, tuple[str, ...]] = {
    "uchylenie-mandatu": ("Ukarany:",),
    "sprzeciw-wyrok-nakazowy": ("Obwiniony:",),
    "prywatny-akt-oskarzenia": ("Oskarżyciel prywatny:", "Oskarżony:"),
    "sprzeciw-nakaz": CIVIL_PARTIES,
    "zarzuty-nakaz": CIVIL_PARTIES,
    "sprzeciw-epu": CIVIL_PARTIES,
    "odpowiedz-na-pozew": CIVIL_PARTIES,
    "skarga-uodo": ("Skarżący:", "Administrator danych:"),
}
# The demand of every letter, word for word.
PETITUM: dict[str, tuple[str, ...]] = {
    "uchylenie-mandatu": (
        "Wnoszę o uchylenie prawomocnego mandatu karnego CW 1234567",
        "za czyn niebędący czynem zabronionym jako wykroczenie",
    ),
    "sprzeciw-wyrok-nakazowy": (
        "Wnoszę sprzeciw od wyroku nakazowego z dnia 5 listopada 2026 r., sygn. akt II W 45/26",
        "rozpoznanie sprawy na rozprawie",
    ),
    "oplata-spp": ("Wnoszę o anulowanie opłaty dodatkowej z zawiadomienia nr SPP/2026/123456",),
    "parking-prywatny": (
        "Składam reklamację wezwania do zapłaty nr SPP/2026/123456",
        "wnoszę o anulowanie tego wezwania",
        "reklamację uważa się za uwzględnioną",
    ),
    "zgloszenie-dsa": (
        "Zgłaszam jako nielegalną treść",
        "Wnoszę o usunięcie tej treści albo uniemożliwienie dostępu do niej",
        "Oświadczam, że w dobrej wierze uważam informacje i twierdzenia zawarte w tym"
        " zgłoszeniu za prawidłowe i kompletne",
    ),
    "wezwanie-usuniecie-wpisu": (
        "Wzywam do: usunięcia tego wpisu",
        "opublikowania przeprosin",
        "tytułem zadośćuczynienia",
        "w terminie 7 dni od otrzymania tego wezwania",
    ),
    "prywatny-akt-oskarzenia": (
        "Oskarżam: Piotr Nowak — o pomówienie mnie",
        "we wpisie opublikowanym w internecie w dniu 15 października 2026 r.",
        "to jest o czyn z art. 212 § 2 k.k.",
        "uznanie oskarżonego za winnego zarzucanego mu czynu",
    ),
    "sprzeciw-nakaz": (
        "Wnoszę sprzeciw od nakazu zapłaty wydanego w postępowaniu upominawczym",
        "zaskarżając go w całości",
        "oddalenie powództwa w całości",
        "zasądzenie od powoda na moją rzecz kosztów postępowania",
    ),
    "zarzuty-nakaz": (
        "Wnoszę zarzuty od nakazu zapłaty wydanego w postępowaniu nakazowym",
        "uchylenie nakazu zapłaty w całości i oddalenie powództwa",
        "zasądzenie od powoda na moją rzecz kosztów postępowania",
    ),
    "sprzeciw-epu": (
        "Wnoszę sprzeciw od nakazu zapłaty wydanego w elektronicznym postępowaniu upominawczym",
        "zaskarżając go w całości",
    ),
    "przywrocenie-terminu": (
        "Wnoszę o przywrócenie terminu do wniesienia sprzeciwu od nakazu zapłaty",
        "Jednocześnie dokonuję tej czynności",
        "bez mojej winy",
    ),
    "odpowiedz-na-pozew": (
        "W odpowiedzi na pozew doręczony mi w dniu 16 listopada 2026 r. wnoszę o",
        "oddalenie powództwa w całości",
    ),
    "zgloszenie-naruszenia": (
        "opublikowano bez mojej zgody mój utwór",
        "Wnoszę o usunięcie tej treści albo uniemożliwienie dostępu do niej",
        "Oświadczam, że w dobrej wierze",
    ),
    "wezwanie-zaniechanie": (
        "Wzywam do: zaniechania naruszania moich autorskich praw majątkowych",
        "usunięcia skutków naruszenia",
        "tytułem wynagrodzenia",
    ),
    "skarga-wewnetrzna": ("Składam skargę na decyzję serwisu Facebook (Meta)",),
    "dostep-do-danych": ("o dostęp do nich", "kopii moich danych osobowych"),
    "usuniecie-danych": ("Żądam niezwłocznego usunięcia moich danych osobowych",),
    "sprzeciw-marketing": (
        "Wnoszę sprzeciw wobec przetwarzania moich danych osobowych na potrzeby marketingu"
        " bezpośredniego",
    ),
    "skarga-uodo": (
        "Składam skargę na przetwarzanie moich danych osobowych",
        "Wnoszę o rozpatrzenie skargi",
    ),
}
# Court wording that belongs to exactly these letters and must not leak into others.
COURT_PHRASES: dict[str, set[str]] = {
    "Wnoszę sprzeciw od nakazu zapłaty": {"sprzeciw-nakaz", "sprzeciw-epu"},
    "oddalenie powództwa": {"sprzeciw-nakaz", "zarzuty-nakaz", "odpowiedz-na-pozew"},
    "Wnoszę zarzuty": {"zarzuty-nakaz"},
    "Wnoszę o przywrócenie terminu": {"przywrocenie-terminu"},
    "Oskarżam": {"prywatny-akt-oskarzenia"},
    "Wnoszę sprzeciw od wyroku nakazowego": {"sprzeciw-wyrok-nakazowy"},
}
HOSTILE = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }}",
    "{% if true %}JINJA{% endif %}",
    "javascript:alert(1)",
    '<a href="javascript:alert(1)">klik</a>',
    "</p><h1 onclick=alert(1)>nagłówek</h1><p>",
    "&lt;b&gt;gruby&lt;/b&gt;",
    "{# komentarz #}{{ doc.name }}{{ 1111*3 }}",
    "<style>p{}</style><iframe src=//x></iframe>",
)
# Kinds whose value a template prints as typed (dates and amounts are reformatted).
VERBATIM_KINDS = {
    Kind.TEXT,
    Kind.NAME,
    Kind.ADDRESS,
    Kind.CASE_NUMBER,
    Kind.MANDATE,
    Kind.URL,
    Kind.EMAIL,
    Kind.DAYS,
    Kind.DURATION,
    Kind.PARAGRAPHS,
}
KEYS = [document.key for document in DOCUMENT_TYPES]


def _document(key: str) -> DocumentType:
    document = document_type(key)
    assert document is not None, key
    return document


def _sample(document: DocumentType, field: Field) -> str:
    if field.key in OVERRIDES.get(document.key, {}):
        return OVERRIDES[document.key][field.key]
    if field.key in SAMPLES:
        return SAMPLES[field.key]
    if field.kind == Kind.CHOICE:
        return field.choices[0][0]
    return KIND_SAMPLES[field.kind]


def _values(document: DocumentType) -> dict[str, str]:
    return {field.key: _sample(document, field) for field in document.fields}


def _letter(document: DocumentType, values: dict[str, str]) -> str:
    return sanitize_letter(letters.render(document, values, TODAY))


def _blanks(document: DocumentType, html: str) -> list[str]:
    return letters.blanks(html, letters.placeholders(document))


def _shown(document: DocumentType, field: Field, value: str) -> list[str]:
    """How a value appears in the letter's visible text (white space folded)."""
    match field.kind:
        case Kind.DATE:
            return [polish_date(date.fromisoformat(value))]
        case Kind.AMOUNT:
            return [" ".join(letters._money(value).split())]
        case Kind.CHOICE:
            shown = CHOICE_SHOWN.get((document.key, field.key))
            return [shown[value] if shown else dict(field.choices)[value]]
        case Kind.ADDRESS | Kind.PARAGRAPHS:
            lines = (" ".join(line.strip(" -•\t").split()) for line in value.splitlines())
            return [line for line in lines if line]
    return [" ".join(value.split())]


class _Markup(HTMLParser):
    """Collects every tag and attribute of sanitized HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend((tag, name, value) for name, value in attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def _markup(html: str) -> _Markup:
    parser = _Markup()
    parser.feed(html)
    parser.close()
    return parser


# --- money and the samples themselves ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("1250.00", "1\u00a0250,00\u00a0zł"),
        ("1250.5", "1\u00a0250,50\u00a0zł"),
        ("0.99", "0,99\u00a0zł"),
        ("999.00", "999,00\u00a0zł"),
        ("1000.00", "1\u00a0000,00\u00a0zł"),
        ("1234567.89", "1\u00a0234\u00a0567,89\u00a0zł"),
    ],
)
def test_money_is_written_the_polish_way_with_non_breaking_spaces(value: str, shown: str) -> None:
    assert letters._money(value) == shown


@pytest.mark.parametrize("key", KEYS)
def test_the_samples_pass_the_field_check_unchanged(key: str) -> None:
    document = _document(key)
    values = _values(document)
    checked = fields.check(document, values, TODAY)
    assert checked.errors == {}
    assert checked.values == values


# --- a filled letter ------------------------------------------------------------------------


@pytest.mark.parametrize("key", KEYS)
def test_a_filled_letter_names_the_document_addressee_and_sender(key: str) -> None:
    document = _document(key)
    values = _values(document)
    text = text_of(_letter(document, values))
    assert document.name in text
    addressee = document.addressee
    if addressee.name:
        for line in addressee.name.splitlines():
            assert line in text
    else:
        assert values[addressee.name_field] in text
    if addressee.address_field:
        for line in values[addressee.address_field].splitlines():
            assert line in text
    assert values["imie_nazwisko"] in text
    assert f"{values['miejscowosc']}, {polish_date(TODAY)}" in text


@pytest.mark.parametrize("key", KEYS)
def test_a_filled_letter_cites_its_letter_basis(key: str) -> None:
    document = _document(key)
    values = _values(document)
    assert document.letter_basis(values) in text_of(_letter(document, values))


@pytest.mark.parametrize("key", KEYS)
def test_a_filled_letter_shows_every_value_and_no_placeholder(key: str) -> None:
    document = _document(key)
    values = _values(document)
    html = _letter(document, values)
    text = text_of(html)
    for field in document.fields:
        if (key, field.key) in NOT_IN_LETTER:
            continue
        for shown in _shown(document, field, values[field.key]):
            assert shown in text, (field.key, shown)
        assert field.placeholder not in text
    assert _blanks(document, html) == []


@pytest.mark.parametrize("key", [key for key in KEYS if _document(key).field("kwota")])
def test_amounts_keep_non_breaking_spaces_in_the_stored_html(key: str) -> None:
    document = _document(key)
    html = _letter(document, _values(document))
    assert "1\u00a0250,00\u00a0zł" in unescape(html)


@pytest.mark.parametrize("key", KEYS)
def test_the_demand_is_worded_as_the_catalogue_requires(key: str) -> None:
    document = _document(key)
    text = text_of(_letter(document, _values(document)))
    for phrase in PETITUM[key]:
        assert phrase in text, phrase
    for phrase, owners in COURT_PHRASES.items():
        assert (phrase in text) == (key in owners), phrase


def test_every_document_has_its_demand_in_the_table() -> None:
    assert set(PETITUM) == set(KEYS)


@pytest.mark.parametrize("key", KEYS)
def test_the_parties_block_names_exactly_the_parties_of_the_procedure(key: str) -> None:
    document = _document(key)
    values = _values(document)
    text = text_of(_letter(document, values))
    expected = PARTIES.get(key, ())
    assert [role for role in PARTY_ROLES if role in text] == [
        role for role in PARTY_ROLES if role in expected
    ]
    # The roles come before the heading, in the order the procedure names them.
    heading = text.index(document.name)
    positions = [text.index(role) for role in expected]
    assert positions == sorted(positions)
    assert all(position < heading for position in positions)


@pytest.mark.parametrize("key", [key for key, roles in PARTIES.items() if "Powód:" in roles])
def test_in_a_civil_case_the_plaintiff_sues_and_the_sender_is_the_defendant(key: str) -> None:
    document = _document(key)
    values = _values(document)
    text = text_of(_letter(document, values))
    assert f"Powód: {values['powod']}" in text
    assert f"Pozwany: {values['imie_nazwisko']}" in text


def test_the_private_indictment_names_accuser_and_accused() -> None:
    document = _document("prywatny-akt-oskarzenia")
    values = _values(document)
    text = text_of(_letter(document, values))
    assert f"Oskarżyciel prywatny: {values['imie_nazwisko']}" in text
    assert f"Oskarżony: {values['oskarzony']}" in text


@pytest.mark.parametrize(
    ("choice", "cited", "not_cited", "wording"),
    [
        ("212", "art. 212 § 2 k.k.", "art. 216", "pomówienie mnie"),
        ("216", "art. 216 § 2 k.k.", "art. 212", "znieważenie mnie"),
    ],
)
def test_the_private_indictment_cites_the_chosen_offence_only(
    choice: str, cited: str, not_cited: str, wording: str
) -> None:
    document = _document("prywatny-akt-oskarzenia")
    values = {**_values(document), "czyn": choice}
    assert document.letter_basis(values) == cited
    text = text_of(_letter(document, values))
    assert f"to jest o czyn z {cited}" in text
    assert wording in text
    assert not_cited not in text


def test_the_defamation_demand_cites_art_448_only_with_a_payment_demand() -> None:
    document = _document("wezwanie-usuniecie-wpisu")
    values = _values(document)
    with_payment = text_of(_letter(document, values))
    assert "art. 448" in with_payment
    assert "5 000,00 zł tytułem zadośćuczynienia" in with_payment
    without = text_of(_letter(document, {**values, "zadoscuczynienie": ""}))
    assert "art. 448" not in without
    assert "zadośćuczynienia" not in without
    assert "Podstawa prawna: art. 23 i art. 24 § 1 k.c." in without


def test_the_e_court_objection_goes_to_lublin_and_keeps_the_nc_e_number() -> None:
    document = _document("sprzeciw-epu")
    text = text_of(_letter(document, _values(document)))
    assert "Sąd Rejonowy Lublin-Zachód w Lublinie" in text
    assert "VI Wydział Cywilny" in text
    assert "Sygn. akt: VI Nc-e 1234567/26" in text


def test_an_answer_to_a_lawsuit_states_the_value_in_dispute_not_of_an_appeal() -> None:
    document = _document("odpowiedz-na-pozew")
    text = text_of(_letter(document, _values(document)))
    assert "Wartość przedmiotu sporu: 1 250,00 zł" in text
    assert "przedmiotu zaskarżenia" not in text


@pytest.mark.parametrize("key", ["sprzeciw-nakaz", "zarzuty-nakaz", "sprzeciw-epu"])
def test_an_objection_states_the_value_of_what_it_challenges(key: str) -> None:
    document = _document(key)
    text = text_of(_letter(document, _values(document)))
    assert "Wartość przedmiotu zaskarżenia: 1 250,00 zł" in text


# --- an empty letter ------------------------------------------------------------------------


def _placeholders_shown(document: DocumentType) -> list[str]:
    return [
        field.placeholder
        for field in document.fields
        if field.required and (document.key, field.key) not in NOT_IN_LETTER
    ]


@pytest.mark.parametrize("key", KEYS)
def test_an_empty_letter_shows_the_placeholder_of_every_required_field(key: str) -> None:
    document = _document(key)
    html = _letter(document, {})
    text = text_of(html)
    expected = _placeholders_shown(document)
    for placeholder in expected:
        assert placeholder in text
    found = _blanks(document, html)
    assert set(found) == set(expected)
    # Each placeholder is listed once, in the order the letter shows them.
    assert len(found) == len(set(found))
    assert found == sorted(found, key=text.index)


@pytest.mark.parametrize("key", KEYS)
def test_optional_empty_fields_leave_no_placeholder(key: str) -> None:
    document = _document(key)
    values = {field.key: _sample(document, field) for field in document.fields if field.required}
    html = _letter(document, values)
    text = text_of(html)
    for field in document.fields:
        assert field.placeholder not in text, field.key
    assert _blanks(document, html) == []


@pytest.mark.parametrize("key", KEYS)
def test_an_empty_letter_still_names_the_document_and_its_basis(key: str) -> None:
    document = _document(key)
    text = text_of(_letter(document, {}))
    assert document.name in text
    assert document.basis in text
    if document.addressee.name:
        assert document.addressee.name.splitlines()[0] in text


# --- hostile values ---------------------------------------------------------------------------


def _hostile_values(document: DocumentType) -> dict[str, str]:
    """Every verbatim field gets markup or template syntax; dates, amounts, choices stay valid.

    The values do not go through ``fields.check``: the templates must hold on their own.
    """
    values = _values(document)
    for index, field in enumerate(document.fields):
        if field.kind in (Kind.ADDRESS, Kind.PARAGRAPHS):
            values[field.key] = "\n\n".join(HOSTILE)
        elif field.kind in VERBATIM_KINDS:
            values[field.key] = HOSTILE[index % len(HOSTILE)]
    return values


@pytest.mark.parametrize("key", KEYS)
def test_hostile_values_never_become_tags_or_attributes(key: str) -> None:
    document = _document(key)
    values = _hostile_values(document)
    # The template escapes on its own, before the sanitizer has a say.
    rendered = _markup(letters.render(document, values, TODAY))
    assert set(rendered.tags) <= ALLOWED_TAGS
    assert all(name == "class" for _, name, _ in rendered.attributes)
    html = _letter(document, values)
    found = _markup(html)
    assert set(found.tags) <= ALLOWED_TAGS
    for tag, name, value in found.attributes:
        assert name == "class", (tag, name, value)
        assert set((value or "").split()) <= ALIGN_CLASSES
    for needle in ("<script", "<img", "<a ", "<iframe", "<style", "<h1 onclick"):
        assert needle not in html


@pytest.mark.parametrize("key", KEYS)
def test_hostile_values_are_shown_as_plain_text_and_never_evaluated(key: str) -> None:
    document = _document(key)
    values = _hostile_values(document)
    text = text_of(_letter(document, values))
    for field in document.fields:
        if field.kind not in VERBATIM_KINDS or (key, field.key) in NOT_IN_LETTER:
            continue
        for shown in _shown(document, field, values[field.key]):
            assert shown in text, (field.key, shown)
    # "{{ 7*7 }}" was found above as typed; nothing was evaluated anywhere.
    assert "{{ 7*7 }}" in text
    assert "3333" not in text
    assert "JINJA" not in text.replace("{% if true %}JINJA{% endif %}", "")
    assert "&lt;b&gt;gruby&lt;/b&gt;" in text or not any(
        field.kind in (Kind.ADDRESS, Kind.PARAGRAPHS) for field in document.fields
    )


def test_a_url_with_a_javascript_scheme_stays_text() -> None:
    document = _document("zgloszenie-dsa")
    values = {**_values(document), "url": "javascript:alert(1)"}
    assert fields.check(document, values, TODAY).errors == {"url": "bad_url"}
    html = _letter(document, values)
    assert "javascript:alert(1)" in text_of(html)
    assert all(name == "class" for _, name, _ in _markup(html).attributes)


def test_bidi_overrides_in_a_value_do_not_reach_the_letter() -> None:
    document = _document("wezwanie-zaniechanie")
    values = {**_values(document), "utwor": "zdjęcie\u202eFDP.exe"}
    html = _letter(document, values)
    assert "\u202e" not in html
    assert "zdjęcieFDP.exe" in text_of(html)


# --- placeholders in the preview -------------------------------------------------------------


@pytest.mark.parametrize("key", KEYS)
def test_mark_blanks_wraps_every_placeholder_and_changes_nothing_else(key: str) -> None:
    document = _document(key)
    known = letters.placeholders(document)
    html = _letter(document, {})
    marked = str(letters.mark_blanks(html, known))
    assert marked.replace('<mark class="blank">', "").replace("</mark>", "") == html
    found = _blanks(document, html)
    assert found
    for blank in found:
        assert marked.count(f'<mark class="blank">{blank}</mark>') == html.count(blank)


def test_mark_blanks_leaves_tags_and_attributes_alone() -> None:
    html = '<p title="[w atrybucie]" class="right">[imię i nazwisko] i <br>[sąd]</p>'
    marked = str(letters.mark_blanks(html, ("[imię i nazwisko]", "[sąd]")))
    assert marked == (
        '<p title="[w atrybucie]" class="right"><mark class="blank">[imię i nazwisko]</mark> i'
        ' <br><mark class="blank">[sąd]</mark></p>'
    )
    assert letters.blanks(html, ("[sąd]",)) == ["[sąd]"]
    # Without a document, anything placeholder-like in the text (never in a tag) counts.
    assert letters.blanks(html) == ["[imię i nazwisko]"]


def test_a_short_placeholder_counts_only_when_the_document_knows_it() -> None:
    html = "<p>[sąd] [powód]</p>"
    assert letters.blanks(html) == ["[powód]"]
    # A letter built from a template has exactly its document's placeholders.
    assert letters.blanks(html, ("[sąd]",)) == ["[sąd]"]


def test_mark_blanks_of_a_filled_letter_is_the_letter_itself() -> None:
    document = _document("sprzeciw-nakaz")
    html = _letter(document, _values(document))
    assert str(letters.mark_blanks(html, letters.placeholders(document))) == html


def test_blanks_are_listed_once_in_order_of_appearance() -> None:
    html = "<p>[sygnatura akt] [powód]</p><p>[sygnatura akt]</p>"
    assert letters.blanks(html) == ["[sygnatura akt]", "[powód]"]


@pytest.mark.parametrize("typed", ["[1]", "[sic]", "[…]", "[2026]"])
def test_a_short_bracket_the_person_typed_is_not_a_blank(typed: str) -> None:
    document = _document("sprzeciw-nakaz")
    values = {**_values(document), "uzasadnienie": f"Powód przyznał to sam {typed}."}
    assert _blanks(document, _letter(document, values)) == []


def test_a_long_bracket_the_person_typed_is_not_a_blank() -> None:
    document = _document("sprzeciw-nakaz")
    values = {**_values(document), "uzasadnienie": "Powód przyznał to sam [zob. pismo z 3 marca]."}
    assert _blanks(document, _letter(document, values)) == []
