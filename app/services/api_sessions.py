"""The legacy API's client-chosen ``session_id``: an opaque string naming one conversation of
one owner, created on first use. Only its hash is stored (without a key it is the secret)."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import ApiSession, Conversation, ConversationOwner
from app.services import conversations


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def find(owner: str, session_id: str) -> Conversation | None:
    """The owner's conversation named by this session id, or None."""
    return db.session.scalar(
        select(Conversation)
        .join(ApiSession, ApiSession.conversation_id == Conversation.id)
        .join(ConversationOwner, ConversationOwner.conversation_id == Conversation.id)
        .where(
            ApiSession.owner_hash == owner,
            ApiSession.session_hash == _hash(session_id),
            ConversationOwner.owner_hash == owner,
        )
    )


def conversation_for(owner: str, session_id: str) -> Conversation:
    """The conversation this session id names, made on its first use.

    The conversation and its name are stored in one transaction; when two first uses race,
    the unique constraint keeps one and the other finds it.
    """
    found = find(owner, session_id)
    if found is not None:
        return found
    conversation = conversations.start(owner, commit=False)
    conversation.api_sessions.append(ApiSession(owner_hash=owner, session_hash=_hash(session_id)))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        found = find(owner, session_id)
        if found is None:
            raise
        return found
    return conversation
