"""The typed catalogue: for every situation of LEGAL.md, the document that answers it.

Each document says what it is filled from (typed fields), whom it goes to, the provisions it
cites (provisions only: notes for the person live on the card), the deadline as a rule the
deadline engine can count, what to attach, the fee and how to send it. Its wording (the demand,
the parties block) lives in its Jinja template under ``templates/letters/``.

Items that still wait for a second source carry ``verified=False`` and are shown as
"do sprawdzenia", never as settled fact.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from app.legal.fields import (
    Field,
)
from app.services.deadlines import DeadlineRule, Procedure


class Whose(enum.StrEnum):
    """Who must act by the deadline."""

    YOURS = "yours"  # the person must send the letter by then
    THEIRS = "theirs"  # the other side must answer by then
    WINDOW = "window"  # the other side must accept the letter at least until then


@dataclass(frozen=True)
class Note:
    """A sentence shown to the person; ``verified=False`` shows it as "do sprawdzenia"."""

    text: str
    verified: bool = True


@dataclass(frozen=True)
class DeadlineSpec:
    """A deadline as a rule: how long, from which event (a date field), under which procedure.

    ``rule`` is None when the length comes from a field (a court-set deadline).
    """

    rule: DeadlineRule | None
    event: str  # what it runs from, in Polish: "od doręczenia nakazu"
    event_field: str | None
    basis: str
    whose: Whose = Whose.YOURS
    length_field: str | None = None
    procedure: Procedure | None = None  # for a length taken from a field
    moving_verified: bool = True  # False: the Saturday/holiday rule is still "do sprawdzenia"


@dataclass(frozen=True)
class Addressee:
    """Whom the letter goes to: fixed by law, or taken from a field the person fills."""

    how_to_find: str
    name: str = ""
    name_field: str = ""
    address_field: str = ""


@dataclass(frozen=True)
class Sending:
    """How to send the finished letter: the way, copies, attachments, fee."""

    how: str
    copies: Note | None = None
    attachments: tuple[str, ...] = ()
    fee: Note | None = None
    to_court: bool = False  # a filing with a court: fees may apply
    post_rule: Note | None = None  # when posting counts as filing


@dataclass(frozen=True)
class DocumentType:
    """One document the product prepares; ``key`` is its situation's key."""

    key: str
    name: str  # the document's Polish name, as the letter's heading
    basis: str  # as it belongs in the letter: provisions only
    fields: tuple[Field, ...]
    addressee: Addressee
    sending: Sending
    deadlines: tuple[DeadlineSpec, ...] = ()
    no_deadline: str = ""  # said instead, where the law sets none
    # Where the provisions depend on the fields: (field key, value or "" for any, basis);
    # the first that matches replaces ``basis``.
    basis_variants: tuple[tuple[str, str, str], ...] = ()

    @property
    def template(self) -> str:
        """The Jinja template of the letter (under templates/letters/)."""
        return f"{self.key}.html"

    def letter_basis(self, values: dict[str, str]) -> str:
        """The provisions the letter cites, for the person's choices."""
        for key, wanted, basis in self.basis_variants:
            value = values.get(key, "")
            if value and (value == wanted or not wanted):
                return basis
        return self.basis

    def field(self, key: str) -> Field | None:
        """The field with this key, or None."""
        return next((field for field in self.fields if field.key == key), None)


# Why a last day on a Saturday or a holiday moves (LEGAL.md, "General deadline rules").
