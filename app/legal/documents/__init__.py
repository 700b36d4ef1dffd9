"""The typed catalogue: for every situation of LEGAL.md, the document that answers it.

The documents are kept per topic (fines, online, court, rodo); ``model`` says what a
document is and ``common`` holds what several share.
"""

from __future__ import annotations

from app.legal.documents.common import KEEP_PROOF, MOVING_BASIS
from app.legal.documents.court import COURT
from app.legal.documents.fines import FINES
from app.legal.documents.model import (
    Addressee,
    DeadlineSpec,
    DocumentType,
    Note,
    Sending,
    Whose,
)
from app.legal.documents.online import ONLINE
from app.legal.documents.rodo import RODO

__all__ = [
    "DOCUMENT_TYPES",
    "KEEP_PROOF",
    "MOVING_BASIS",
    "Addressee",
    "DeadlineSpec",
    "DocumentType",
    "Note",
    "Sending",
    "Whose",
    "document_type",
]

DOCUMENT_TYPES: tuple[DocumentType, ...] = (*FINES, *ONLINE[:3], *COURT, *ONLINE[3:], *RODO)
_BY_KEY = {document.key: document for document in DOCUMENT_TYPES}


def document_type(key: str | None) -> DocumentType | None:
    """The document type with this key, or None."""
    return _BY_KEY.get(key or "")
