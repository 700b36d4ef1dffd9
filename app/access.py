"""Loading what a browser session owns; anything else is a 404, never a 403."""

from __future__ import annotations

from flask import abort

from app.models import Conversation
from app.security import current_owner
from app.services import conversations


def owned_conversation(public_id: str) -> Conversation:
    """The conversation of this browser session with this public id, or abort with 404."""
    conversation = conversations.get_owned(public_id, current_owner())
    if conversation is None:
        abort(404)
    return conversation
