"""The case's own deadline: the document's rule applied to the date the person gave.

Where a document has several rules (a private indictment: a year from learning who did it,
but at most three years from the act), the earliest computed day counts. Where the date is
unknown, the result says what the deadline depends on instead of guessing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from app.legal.documents import DeadlineSpec, DocumentType, Whose
from app.services.deadlines import Deadline, DeadlineRule, Unit, last_day
from app.services.fields import FieldError, parse_duration


@dataclass(frozen=True)
class CaseDeadline:
    """One rule of the case's document, computed when its date is known."""

    spec: DeadlineSpec
    rule: DeadlineRule | None
    event_day: date | None
    deadline: Deadline | None
    today: date

    @property
    def days_left(self) -> int | None:
        """Days from today to the last day (0 on the day, negative once past)."""
        return (self.deadline.last_day - self.today).days if self.deadline else None

    @property
    def theirs(self) -> bool:
        """True when the day binds the other side (an answer due, a window to keep open)."""
        return self.spec.whose != Whose.YOURS


def _rule(spec: DeadlineSpec, values: Mapping[str, str]) -> DeadlineRule | None:
    if spec.rule is not None:
        return spec.rule
    if spec.length_field and spec.procedure and values.get(spec.length_field):
        try:
            amount, unit = parse_duration(values[spec.length_field])
        except FieldError:
            return None
        return DeadlineRule(amount, unit, spec.procedure)
    return None


def _one(spec: DeadlineSpec, values: Mapping[str, str], today: date) -> CaseDeadline:
    rule = _rule(spec, values)
    raw = values.get(spec.event_field or "", "")
    try:
        event = date.fromisoformat(raw) if raw else None
    except ValueError:
        event = None
    computed = last_day(rule, event) if rule and event else None
    return CaseDeadline(spec, rule, event, computed, today)


def for_case(
    document: DocumentType | None, values: Mapping[str, str], today: date
) -> CaseDeadline | None:
    """The deadline to show for the case: the earliest computed one, else the first rule."""
    if document is None or not document.deadlines:
        return None
    items = [_one(spec, values, today) for spec in document.deadlines]
    # A rule still waiting for its date may be the one that ends first: ask for it rather
    # than show a later day as the deadline.
    waiting = [item for item in items if item.deadline is None and item.spec.event_field]
    if waiting:
        return waiting[0]
    computed = [item for item in items if item.deadline is not None]
    if computed:
        return min(computed, key=lambda item: item.deadline.last_day)  # type: ignore[union-attr]
    return items[0]


def rule_text(rule: DeadlineRule) -> str:
    """'7 dni', '2 tygodnie', '1 miesiąc', '12 miesięcy' (Polish plurals)."""
    amount = rule.amount
    few = amount % 10 in (2, 3, 4) and amount % 100 not in (12, 13, 14)
    if rule.unit == Unit.DAYS:
        return "1 dzień" if amount == 1 else f"{amount} dni"
    if rule.unit == Unit.WEEKS:
        word = "tydzień" if amount == 1 else "tygodnie" if few else "tygodni"
    else:
        word = "miesiąc" if amount == 1 else "miesiące" if few else "miesięcy"
    return f"{amount} {word}"
