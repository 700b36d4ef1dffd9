"""What we tell the model: the rules, the vetted catalogue, and the letter schema."""

from __future__ import annotations

from typing import Any

from app.legal import OUT_OF_SCOPE, Topic, all_topics, shown_facts, shown_situations
from app.legal.documents import DocumentType
from app.legal.fields import Field, Kind
from app.legal.scope import REFUSALS

OTHER_SITUATION = "inne"

RULES = """Jesteś asystentem serwisu mikroporada. Pomagasz osobom w Polsce w drobnych sprawach \
prawnych: mandaty, nakazy zapłaty, zniesławienie w internecie, prawa autorskie, RODO.
Zasady:
- Odpowiadaj po polsku, prosto i spokojnie, w drugiej osobie liczby pojedynczej, krótko.
- Podawaj przepisy, terminy i adresatów WYŁĄCZNIE z poniższego katalogu. Jeśli czegoś w nim \
nie ma, powiedz, że tego nie wiesz na pewno, i zaproponuj nieodpłatną pomoc prawną.
- Nie jesteś adwokatem. Przy sprawach spoza katalogu powiedz to wprost i nie dawaj strategii.
- Dopytaj o brakujące dane potrzebne do pisma (daty, numery, sygnaturę akt, adresata).
- Gdy wiesz dość, zaproponuj przygotowanie pisma przyciskiem „Przygotuj pismo”. Przepisy, \
adresata i żądanie pisma weźmiemy z katalogu; Ty ustalasz tylko fakty."""


def _situation_lines(topic: Topic) -> list[str]:
    lines = []
    for situation in shown_situations(topic):
        line = f"- [{situation.key}] {situation.label}: {situation.document}"
        line += f"; podstawa: {situation.basis}"
        if situation.deadline:
            line += f"; termin: {situation.deadline}"
        if situation.addressee:
            line += f"; adresat: {situation.addressee}"
        lines.append(line)
    return lines


def catalogue_text(topic: Topic | None) -> str:
    """The verified catalogue entries for a topic (or for every topic) as prompt text."""
    topics = (topic,) if topic else all_topics()
    parts: list[str] = []
    for item in topics:
        parts.append(f"## {item.title}")
        parts.extend(_situation_lines(item))
        parts.extend(f"- Fakt: {fact.text}" for fact in shown_facts(item))
        parts.extend(f"- Częsty błąd: {mistake}" for mistake in item.mistakes)
    parts.append("## Poza zakresem (odeślij do prawnika lub nieodpłatnej pomocy prawnej)")
    parts.extend(f"- {line}" for line in OUT_OF_SCOPE)
    return "\n".join(parts)


def system_prompt(topic: Topic | None) -> str:
    """The system message for chatting about a case."""
    return f"{RULES}\n\nKatalog:\n{catalogue_text(topic)}"


def situation_keys(topic: Topic | None) -> list[str]:
    """The keys the model may recognise: the topic's documents, the out-of-scope kinds, "inne"."""
    topics = (topic,) if topic else all_topics()
    keys = [situation.key for item in topics for situation in shown_situations(item)]
    return [*keys, *(item.key for item in REFUSALS if item.key != OTHER_SITUATION), OTHER_SITUATION]


def classification_request(topic: Topic | None) -> tuple[str, dict[str, Any]]:
    """The last user turn and the JSON schema that ask which situation the case is."""
    keys = situation_keys(topic)
    labels = {
        situation.key: situation.label for item in all_topics() for situation in item.situations
    }
    labels.update({item.key: item.title for item in REFUSALS})
    options = "\n".join(f"- {key}: {labels.get(key, '')}" for key in keys)
    instruction = (
        "Na podstawie rozmowy wybierz jedną sytuację z listy, która opisuje sprawę tej osoby."
        " Sprawy karne poważniejsze niż wykroczenia, sprawy z innego kraju i duże sprawy"
        " przed sądem okręgowym mają własne klucze. Gdy nic nie pasuje, wybierz"
        f" '{OTHER_SITUATION}'. Odpowiedz wyłącznie JSON-em.\n{options}"
    )
    schema = {
        "type": "object",
        "properties": {"situation": {"type": "string", "enum": keys}},
        "required": ["situation"],
    }
    return instruction, schema


def _field_schema(field: Field) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "string",
        "maxLength": field.max_length,
        "description": f"{field.label}. {field.hint}".strip(),
    }
    if field.kind == Kind.CHOICE:
        schema["enum"] = [value for value, _ in field.choices] + [""]
    elif field.kind == Kind.DATE:
        schema["description"] += " Format RRRR-MM-DD."
    elif field.kind == Kind.AMOUNT:
        schema["description"] += " Sama liczba, np. 1250.00."
    return schema


def extraction_request(document: DocumentType, today: str) -> tuple[str, dict[str, Any]]:
    """The last user turn and the document's JSON schema that ask for its fields."""
    instruction = (
        f"Wypełnij dane do pisma „{document.name}” na podstawie tego, co osoba napisała"
        f" w rozmowie. Dzisiejsza data: {today}. Wpisuj tylko to, co wynika z rozmowy;"
        " czego nie wiesz, zostaw jako pusty tekst — niczego nie zgaduj. W polu"
        " 'uzasadnienie' (jeśli jest) opisz rzeczowo, w pierwszej osobie, fakty z rozmowy,"
        " akapity oddzielaj pustym wierszem; nie cytuj przepisów. Odpowiedz wyłącznie JSON-em."
    )
    schema = {
        "type": "object",
        "properties": {field.key: _field_schema(field) for field in document.fields},
        "required": [field.key for field in document.fields],
    }
    return instruction, schema
