"""Moving a case to another device: a short-lived, single-use code that adds a browser as
an owner.

The code is 10 characters from an alphabet without look-alikes (0/O, 1/I/L), about 49 bits
from ``secrets``: with a 15-minute life and rate-limited attempts it cannot be guessed. Only
its SHA-256 is stored. Redeeming is one conditional update (unused and unexpired), so a code
works exactly once even when two devices race; the unique owner row decides a repeat.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Conversation, ConversationOwner, TransferCode
from app.models.base import utcnow

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
LIFETIME = timedelta(minutes=15)
TYPED = re.compile(r"[^A-Z0-9]")


class TransferError(Exception):
    """A code that cannot be used; ``code`` is transfer_invalid (wrong, used or expired)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Issued:
    """A code just made: shown once, never stored in the clear."""

    code: str
    expires_at: datetime

    @property
    def grouped(self) -> str:
        """The code as it is shown and read aloud: "ABCDE-FGHJK"."""
        return f"{self.code[:5]}-{self.code[5:]}"


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def normalise(typed: str | None) -> str:
    """The code as typed, in upper case without spaces or dashes ("" if it cannot be one)."""
    code = TYPED.sub("", (typed or "").upper())[: CODE_LENGTH + 1]
    return code if len(code) == CODE_LENGTH else ""


def issue(conversation: Conversation, now: datetime | None = None) -> Issued:
    """A new code for this case, valid for LIFETIME."""
    now = now or utcnow()
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    expires = now + LIFETIME
    db.session.add(
        TransferCode(
            conversation_id=conversation.id,
            code_hash=_hash(code),
            created_at=now,
            expires_at=expires,
        )
    )
    db.session.commit()
    return Issued(code, expires)


def redeem(typed: str | None, owner: str, now: datetime | None = None) -> Conversation:
    """Use a code once: the browser ``owner`` now owns its case. Raises TransferError."""
    now = now or utcnow()
    code = normalise(typed)
    if not code:
        raise TransferError("transfer_invalid")
    code_hash = _hash(code)
    used = db.session.execute(
        update(TransferCode)
        .where(
            TransferCode.code_hash == code_hash,
            TransferCode.used_at.is_(None),
            TransferCode.expires_at > now,
        )
        .values(used_at=now)
    )
    db.session.commit()
    if used.rowcount != 1:
        raise TransferError("transfer_invalid")
    found = db.session.scalar(db.select(TransferCode).where(TransferCode.code_hash == code_hash))
    conversation = db.session.get(Conversation, found.conversation_id)
    try:
        db.session.add(ConversationOwner(conversation_id=conversation.id, owner_hash=owner))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # this browser owned the case already
    return conversation
