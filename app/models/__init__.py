"""Database models; everything is re-exported here so Alembic sees the whole schema."""

from app.models.conversation import Conversation, Message, MessageStatus, Role
from app.models.document import Document, DocumentVersion, VersionAuthor
from app.models.render import Render, RenderStatus

__all__ = [
    "Conversation",
    "Document",
    "DocumentVersion",
    "Message",
    "MessageStatus",
    "Render",
    "RenderStatus",
    "Role",
    "VersionAuthor",
]
