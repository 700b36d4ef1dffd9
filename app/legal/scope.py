"""What the product does not draft (LEGAL.md, "Out of scope"), and the rules that decide it.

The decision is the catalogue's, never the model's: a situation chosen on the guided path or
recognised in the chat, the person's own words, and the fields of a document are checked
against these rules, and a match gets an explanation and where to find help, not a letter.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# A product limit, not a legal one: a dispute over more than this is worth a lawyer even where
# a sąd rejonowy would hear it. Written down in README ("Out of scope").
HIGH_STAKES_PLN = Decimal(20_000)

FREE_LEGAL_AID = (
    "Nieodpłatna pomoc prawna: punkty działają w każdym powiecie; adres punktu i numer do"
    " zapisów poda starostwo powiatowe albo urząd miasta."
)


@dataclass(frozen=True)
class Refusal:
    """A kind of case the product does not draft a letter for."""

    key: str
    label: str  # as the person would say it, for the situation chooser
    title: str
    explanation: str
    help: tuple[str, ...]
    topics: tuple[str, ...] = ()  # the topics whose chooser offers it
    summary: str = ""  # the line in the landing page's and the prompt's list of limits


REFUSALS: tuple[Refusal, ...] = (
    Refusal(
        key="przestepstwo",
        label="To sprawa karna, np. jazda po alkoholu",
        title="Sprawa karna: tu potrzebny jest obrońca",
        explanation="Przestępstwa poważniejsze niż wykroczenia, na przykład jazda po"
        " alkoholu (art. 178a k.k.), grożą karami, przy których pismo z gotowego wzoru może"
        " zaszkodzić. Nie przygotujemy go i nie podpowiemy strategii.",
        help=("Adwokat lub radca prawny (obrońca w sprawie karnej).", FREE_LEGAL_AID),
        topics=("mandat",),
        summary="Poważniejsze przestępstwa niż wykroczenia (np. jazda po alkoholu, art. 178a k.k.)",
    ),
    Refusal(
        key="za-granica",
        label="Mandat, opłata albo spór z innego kraju",
        title="Sprawa za granicą",
        explanation="Nasze pisma opierają się na polskim prawie. Do mandatu, opłaty czy"
        " sporu w innym kraju stosuje się tamtejsze przepisy i terminy.",
        help=(
            "W sprawach konsumenckich z firmą z innego kraju UE: Europejskie Centrum"
            " Konsumenckie (ECK Polska), bezpłatnie.",
            "W pozostałych: prawnik znający prawo tego kraju.",
        ),
        topics=("mandat", "nakaz-zaplaty"),
        summary="Sprawy za granicą (w sprawach konsumenckich w UE pomoże ECK Polska)",
    ),
    Refusal(
        key="sad-okregowy",
        label="Pozew w sądzie okręgowym albo o dużą kwotę",
        title="Duża sprawa: warto mieć prawnika",
        explanation="Sprawy przed sądem okręgowym i spory o duże kwoty (u nas: ponad"
        " 20 000 zł) mają więcej wymagań formalnych, a błąd kosztuje dużo. Nie przygotujemy"
        " pisma w takiej sprawie.",
        help=("Adwokat lub radca prawny.", FREE_LEGAL_AID),
        topics=("nakaz-zaplaty", "znieslawienie"),
        summary="Duże sprawy przed sądem okręgowym",
    ),
    Refusal(
        key="termin-nieznany",
        label="Sąd wyznaczył termin, ale nie wiem jaki",
        title="Najpierw ustal termin",
        explanation="Nie policzymy terminu, którego nie znasz, a zgadywanie go może"
        " kosztować przegraną. Termin jest w zarządzeniu dołączonym do pisma z sądu; możesz"
        " też zapytać w biurze obsługi interesantów sądu, podając sygnaturę akt.",
        help=(FREE_LEGAL_AID,),
        topics=("nakaz-zaplaty",),
        summary="Sprawy z terminem wyznaczonym przez sąd, którego nie znasz",
    ),
    Refusal(
        key="inne",
        label="Żadne z powyższych",
        title="Tej sprawy nie obsługujemy",
        explanation="Pomagamy w mandatach, nakazach zapłaty i pozwach w sądzie rejonowym,"
        " zniesławieniu w internecie, prawach autorskich i RODO. Do innych spraw nie mamy"
        " sprawdzonych wzorów.",
        help=(FREE_LEGAL_AID,),
    ),
)

_BY_KEY = {refusal.key: refusal for refusal in REFUSALS}

# The person's own words that put a case beyond the product, whatever the model thinks. The
# text is matched without diacritics and in lower case, since people type "sadu okregowego".
# Alcohol alone is no crime (drinking in public is a petty offence with a mandat); alcohol at
# the wheel is (art. 178a k.k.), and so are drugs.
ALCOHOL = re.compile(
    r"\b(?:promil\w*|alkohol\w*|alkomat\w*|pijan\w*|po\s+pijaku|nietrzezw\w*|"
    r"piw(?:o|a|ie|ach|em|ami)?\b|wodk\w*|wodce|wypil\w*|po\s+winie|"
    r"(?:kieliszk|lampk|butelk)\w*\s+win\w*)"
)
DRIVING = re.compile(
    r"\b(?:jazd\w*|jechal\w*|kierowal\w*|kierowc\w*|prowadzil\w*|samochod\w*|"
    r"auto\b|auta\b|autem\b|promil\w*|alkomat\w*|prawo\s+jazdy|prawa\s+jazdy)"
)
CRIME = re.compile(r"\b(?:narkotyk\w*|178a)")
ABROAD = re.compile(
    r"\b(?:za\s+granic\w*|zagraniczn\w*|niemiec\b|niemczech|niemcy\b|niemieck\w*|czech\b|"
    r"czechach|czesk\w*|austri\w*|slowacj\w*|litw\w*|holandi\w*|belgi\w*|francj\w*|wloch\w*|"
    r"wloszech|hiszpani\w*|chorwacj\w*|wielk\w*\s+brytani\w*|angli\w*|norwegi\w*|szwecj\w*|"
    r"ukrain\w*)"
)
# Being abroad is often why a deadline was missed; only a fine, a charge or a dispute from
# abroad is out of scope.
ABROAD_SUBJECT = re.compile(
    r"\b(?:mandat\w*|grzywn\w*|fotoradar\w*|kar[aey]\b|oplat\w*|parking\w*|sad\w*|pozew\w*|"
    r"pozwal\w*|firm\w*|sklep\w*|zamowien\w*|policj\w*|wezwani\w*)"
)
# A fine or a charge named in the same sentence as another country is foreign whatever else
# the sentence says ("mandat w Niemczech, kiedy byłem tam w pracy").
FINE = re.compile(r"\b(?:mandat\w*|grzywn\w*|fotoradar\w*|kar[aey]\b|oplat\w*|parking\w*)")
STAYED = re.compile(r"\b(?:bylem|bylam|przebywal\w*|wyjech\w*|wyjazd\w*|pracowal\w*|w\s+pracy)\b")
REGIONAL_COURT = re.compile(r"\bsad\w*\s+okregow\w*|\bokregow\w*\s+sad\w*")
# Words said about the person by someone else (a defamation case quoting the post), and
# places named after alcohol, do not describe what the person did.
REPORTED = re.compile(
    r"\b(?:napisal\w*|pisze|pisza|twierdzi\w*|zarzuca\w*|sugeruj\w*|oczernia\w*|"
    r"nazwal\w*|klamstw\w*|plotk\w*|wpis\w*|post\w*|komentarz\w*)"
)
ALCOHOL_PLACE = re.compile(r"\b(?:sklep\w*|stois\w*|punkt\w*)\s+z\s+alkohol\w*|\bmonopolow\w*")
# A payment order or lawsuit from a Polish court is a Polish case even with a foreign seller.
POLISH_COURT = re.compile(r"\b(?:nakaz\w*|pozew\w*|pozwal\w*|sygnatur\w*|e-?sad\w*|rejonow\w*)")


def plain(text: str) -> str:
    """Lower case without Polish diacritics, for matching what people type."""
    folded = unicodedata.normalize("NFKD", text.lower().replace("ł", "l"))
    return "".join(char for char in folded if not unicodedata.combining(char))


def _sentences(text: str) -> list[str]:
    return [item for item in re.split(r"[.!?\n]+", text) if item.strip()]


def _drunk_driving(text: str) -> bool:
    """Alcohol and driving in one sentence that is not about what someone else wrote."""
    for sentence in _sentences(ALCOHOL_PLACE.sub(" ", text)):
        if ALCOHOL.search(sentence) and DRIVING.search(sentence) and not REPORTED.search(sentence):
            return True
    return False


def _abroad(text: str) -> bool:
    """A foreign country named (not as where the person stayed) in a case about a fine, a
    charge or a dispute; with a Polish court's letter only a foreign fine counts."""
    if not ABROAD_SUBJECT.search(text):
        return False
    polish_court = bool(POLISH_COURT.search(text))
    for sentence in _sentences(text):
        if not ABROAD.search(sentence):
            continue
        if FINE.search(sentence) or not (polish_court or STAYED.search(sentence)):
            return True
    return False


COURT_FIELDS = ("sad",)
AMOUNT_FIELDS = ("kwota",)
# Documents for court cases where the amount in dispute decides whether it is still "small".
AMOUNT_DOCUMENTS = ("sprzeciw-nakaz", "zarzuty-nakaz", "sprzeciw-epu", "odpowiedz-na-pozew")


# What the landing page and the model's prompt list as beyond the product.
OUT_OF_SCOPE = tuple(item.summary for item in REFUSALS if item.summary)


def refusal(key: str | None) -> Refusal | None:
    """The refusal with this key, or None."""
    return _BY_KEY.get(key or "")


def topic_refusals(topic_key: str) -> tuple[Refusal, ...]:
    """The refusals the situation chooser of a topic offers (besides "Żadne z powyższych")."""
    return tuple(item for item in REFUSALS if topic_key in item.topics)


def refusal_for_text(texts: list[str]) -> Refusal | None:
    """The refusal the person's own words call for, or None."""
    folded = [plain(text) for text in texts]
    everything = "\n".join(folded)
    if _drunk_driving(everything) or CRIME.search(everything):
        return _BY_KEY["przestepstwo"]
    if _abroad(everything):
        return _BY_KEY["za-granica"]
    if REGIONAL_COURT.search(everything):
        return _BY_KEY["sad-okregowy"]
    return None


def _amount(value: str) -> Decimal | None:
    try:
        return Decimal(value)
    except (InvalidOperation, ValueError):
        return None


def refusal_for_fields(document_key: str, values: dict[str, str]) -> Refusal | None:
    """The refusal a document's fields call for (a sąd okręgowy, a high amount), or None."""
    for key in COURT_FIELDS:
        if REGIONAL_COURT.search(plain(values.get(key, ""))):
            return _BY_KEY["sad-okregowy"]
    if document_key in AMOUNT_DOCUMENTS:
        for key in AMOUNT_FIELDS:
            amount = _amount(values.get(key, ""))
            if amount is not None and amount > HIGH_STAKES_PLN:
                return _BY_KEY["sad-okregowy"]
    return None
