"""Database models; everything is re-exported here so Alembic sees the whole schema."""

from app.models.access import ConversationOwner, TransferCode
from app.models.api import ApiKey, ApiSession
from app.models.conversation import (
    FINISHED,
    IN_FLIGHT,
    Conversation,
    Message,
    MessageKind,
    MessageStatus,
    Role,
)
from app.models.document import Document, DocumentVersion, VersionAuthor
from app.models.render import Render, RenderStatus

__all__ = [
    "ApiKey",
    "ApiSession",
    "FINISHED",
    "IN_FLIGHT",
    "Conversation",
    "ConversationOwner",
    "Document",
    "DocumentVersion",
    "Message",
    "MessageKind",
    "MessageStatus",
    "Render",
    "RenderStatus",
    "Role",
    "TransferCode",
    "VersionAuthor",
]
