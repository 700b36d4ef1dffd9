"""What we tell the model: the rules, the vetted catalogue, and the letter schema."""

from __future__ import annotations

from typing import Any

from app.legal import OUT_OF_SCOPE, Topic, all_topics, shown_facts, shown_situations

OTHER_SITUATION = "inne"

RULES = """Jesteś asystentem serwisu mikroporada. Pomagasz osobom w Polsce w drobnych sprawach \
prawnych: mandaty, nakazy zapłaty, zniesławienie w internecie, prawa autorskie, RODO.
Zasady:
- Odpowiadaj po polsku, prosto i spokojnie, w drugiej osobie liczby pojedynczej, krótko.
- Podawaj przepisy, terminy i adresatów WYŁĄCZNIE z poniższego katalogu. Jeśli czegoś w nim \
nie ma, powiedz, że tego nie wiesz na pewno, i zaproponuj nieodpłatną pomoc prawną.
- Nie jesteś adwokatem. Przy sprawach spoza katalogu powiedz to wprost i nie dawaj strategii.
- Dopytaj o brakujące dane potrzebne do pisma (daty, numery, sygnaturę akt, adresata).
- Gdy wiesz dość, zaproponuj przygotowanie pisma przyciskiem „Przygotuj pismo”."""


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
    """The situation keys the model may pick for a letter, plus the catch-all."""
    topics = (topic,) if topic else all_topics()
    keys = [situation.key for item in topics for situation in shown_situations(item)]
    return [*keys, OTHER_SITUATION]


def draft_instruction(today: str) -> str:
    """The last user turn that asks the model for the letter as JSON."""
    return (
        "Przygotuj teraz pismo w tej sprawie jako JSON zgodny ze schematem. "
        f"Dzisiejsza data: {today}. Wybierz 'situation' z katalogu "
        f"('{OTHER_SITUATION}' tylko gdy żadna nie pasuje; wtedy podaj 'title'). "
        "Nie wpisuj podstawy prawnej ani nazwy pisma do akapitów — dodamy je z katalogu. "
        "Dane, których nie znasz, zostaw w nawiasach kwadratowych, np. [imię i nazwisko], "
        "[sygnatura akt]. Akapity pisz w pierwszej osobie, rzeczowo, bez wymyślania faktów."
    )


def letter_schema(topic: Topic | None) -> dict[str, Any]:
    """The JSON schema the model's letter must follow (Ollama structured output)."""
    text = {"type": "string"}
    return {
        "type": "object",
        "properties": {
            "situation": {"type": "string", "enum": situation_keys(topic)},
            "title": {**text, "maxLength": 150},
            "sender_name": {**text, "maxLength": 120},
            "sender_address": {**text, "maxLength": 300},
            "place": {**text, "maxLength": 80},
            "recipient": {**text, "maxLength": 300},
            "reference": {**text, "maxLength": 200},
            "paragraphs": {
                "type": "array",
                "items": {**text, "maxLength": 3000},
                "minItems": 1,
                "maxItems": 12,
            },
            "requests": {"type": "array", "items": {**text, "maxLength": 500}, "maxItems": 8},
            "attachments": {"type": "array", "items": {**text, "maxLength": 200}, "maxItems": 10},
        },
        "required": [
            "situation",
            "sender_name",
            "sender_address",
            "place",
            "recipient",
            "reference",
            "paragraphs",
            "requests",
            "attachments",
        ],
    }
