"""The API's request and response shapes (pydantic): they validate requests, check responses
and are the OpenAPI description's schemas, so the three cannot drift apart."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, model_validator

from app.legal.catalogue import TOPICS
from app.legal.documents import DOCUMENT_TYPES
from app.services.conversations import MAX_MESSAGE_CHARS
from app.services.revising import HOWS, MAX_FACT, WHOLE
from app.services.sanitize import MAX_INPUT_CHARS

MAX_FIELD_CHARS = 20_000
MAX_SESSION_ID = 128


class Strict(BaseModel):
    """A request body or query: unknown members are refused, not ignored. Numbers and
    booleans in bodies are strict (1.0 is no version number, 1 no "true"); queries arrive as
    text and are converted."""

    model_config = ConfigDict(extra="forbid")


# -- errors --------------------------------------------------------------------------------


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable code, e.g. INVALID_REQUEST, NOT_FOUND, RATE_LIMITED.")
    message: str = Field(description="What happened, in Polish, for the person reading it.")
    details: Any = Field(None, description="Machine-readable details (fields, reason).")


class ErrorBody(BaseModel):
    error: ErrorDetail


# -- requests ------------------------------------------------------------------------------


TopicKey = Literal[tuple(topic.key for topic in TOPICS)]  # type: ignore[valid-type]
DocumentKey = Literal[tuple(document.key for document in DOCUMENT_TYPES)]  # type: ignore[valid-type]


class DocumentInput(Strict):
    type: DocumentKey = Field(description="A document type's key from the catalogue.")
    fields: dict[str, str] = Field(
        default_factory=dict, description="Field values by key, as the catalogue describes them."
    )
    allow_blanks: StrictBool = Field(
        False, description="Accept missing required fields (left as [placeholders])."
    )


class NewConversation(Strict):
    topic: TopicKey | None = Field(None, description="What the case is about.")
    message: str | None = Field(
        None, max_length=MAX_MESSAGE_CHARS, description="A first message for the assistant."
    )
    document: DocumentInput | None = Field(
        None, description="Start from a document type and its fields (no model involved)."
    )

    @model_validator(mode="after")
    def _one_start(self) -> NewConversation:
        if self.message is not None and self.document is not None:
            raise ValueError("send either message or document, not both")
        return self


class NewMessage(Strict):
    message: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)


class NewVersion(Strict):
    """Either a document type with fields, or the whole letter as HTML."""

    type: DocumentKey | None = None
    fields: dict[str, str] | None = None
    allow_blanks: StrictBool = False
    html: str | None = Field(None, max_length=MAX_INPUT_CHARS)
    base_version: StrictInt | None = Field(
        None,
        ge=0,
        description="The version this edit was made on (0: none yet); required "
        "once the letter has a version, so nobody overwrites a newer one unseen.",
    )

    @model_validator(mode="after")
    def _one_source(self) -> NewVersion:
        if (self.html is None) == (self.fields is None):
            raise ValueError("send either html or fields")
        if self.html is not None and self.type is not None:
            raise ValueError("type goes with fields, not with html")
        return self


class Revision(Strict):
    target: str = Field(WHOLE, max_length=64, description='"all" or "<field>:<paragraph index>".')
    how: Literal[HOWS] = Field(description="formal, shorter or fact")  # type: ignore[valid-type]
    fact: str = Field("", max_length=MAX_FACT)


class Restore(Strict):
    base_version: StrictInt = Field(ge=1)


class NewRender(Strict):
    version: StrictInt | None = Field(None, ge=1, description="Default: the current version.")
    allow_blanks: StrictBool = Field(False, description="Render even with [placeholders] left.")


class Page(Strict):
    limit: int = Field(20, ge=1, le=100)
    cursor: str = Field(
        "", pattern=r"^([0-9]{1,18})?$", description="next_cursor of the previous page."
    )

    @property
    def position(self) -> int | None:
        """Where the page starts (the cursor is opaque to clients; here, a row's position)."""
        return int(self.cursor) if self.cursor else None


class RedlineQuery(Strict):
    from_version: int | None = Field(None, alias="from", ge=1)
    to_version: int | None = Field(None, alias="to", ge=1)


class DeadlineQuery(Strict):
    from_date: date = Field(alias="from", description="The event's date, YYYY-MM-DD.")
    length: str | None = Field(None, max_length=40, description='A court-set length: "14 dni".')
    event: str | None = Field(None, max_length=48, description="Which rule's date field.")


class LegacyChat(BaseModel):
    message: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)
    session_id: str = Field(min_length=1, max_length=MAX_SESSION_ID)


class LegacyPdf(BaseModel):
    html_content: str = Field(min_length=1, max_length=MAX_INPUT_CHARS)
    session_id: str = Field(min_length=1, max_length=MAX_SESSION_ID)


# -- responses -----------------------------------------------------------------------------


class Problem(BaseModel):
    code: str
    message: str


class MessageOut(BaseModel):
    id: int
    role: Literal["user", "assistant"]
    kind: Literal["chat", "draft", "revise"]
    status: Literal["pending", "streaming", "complete", "partial", "interrupted", "error"]
    content: str
    problem: Problem | None = Field(None, description="Why a reply ended early or failed.")
    note: str | None = Field(None, description="What a finished draft or revision did.")
    created_at: datetime
    finished_at: datetime | None
    url: str


class VersionSummary(BaseModel):
    number: int
    author: Literal["person", "model", "template"]
    type: str | None
    created_at: datetime
    url: str


class VersionOut(VersionSummary):
    html: str
    fields: dict[str, str]
    blanks: list[str] = Field(description="Placeholders still left in the letter.")


class DocumentOut(BaseModel):
    id: str
    title: str
    type: str | None
    versions: int
    current: VersionOut | None


class DeadlineOut(BaseModel):
    last_day: date | None
    days_left: int | None
    rule: str | None
    basis: str
    whose: str
    waiting_for: str | None = Field(None, description="The date field it still depends on.")


class ConversationOut(BaseModel):
    id: str
    title: str
    topic: str | None
    situation: str | None
    busy: bool
    created_at: datetime
    updated_at: datetime
    url: str


class ConversationDetail(ConversationOut):
    messages: list[MessageOut]
    document: DocumentOut | None
    deadline: DeadlineOut | None


class ConversationPage(BaseModel):
    items: list[ConversationOut]
    next_cursor: str | None


class MessagePage(BaseModel):
    items: list[MessageOut]
    next_cursor: str | None


class VersionPage(BaseModel):
    items: list[VersionSummary]
    next_cursor: str | None


class Change(BaseModel):
    kind: Literal["same", "ins", "del"]
    text: str


class RedlineOut(BaseModel):
    from_version: int
    to_version: int
    changed: bool
    words_added: int
    words_removed: int
    blocks: list[list[Change]]
    html: str


class RenderOut(BaseModel):
    id: str
    version: int
    status: Literal["queued", "running", "done", "failed"]
    problem: Problem | None
    pages: int | None
    size_bytes: int | None
    sha256: str | None
    queued_at: datetime
    finished_at: datetime | None
    url: str
    pdf_url: str | None


class Stopped(BaseModel):
    stopped: MessageOut


class DocumentTypeOut(BaseModel):
    key: str
    name: str
    basis: str
    fields: dict[str, Any] = Field(description="The fields as JSON Schema.")
    deadline: list[dict[str, Any]] | None
    no_deadline: str | None


class CatalogueOut(BaseModel):
    items: list[DocumentTypeOut]


class DeadlineAnswer(BaseModel):
    last_day: date
    nominal_day: date
    moved: bool
    rule: dict[str, Any]
    basis: str


class LegacyChatOut(BaseModel):
    response: str
    session_id: str


class LegacyPdfOut(BaseModel):
    pdf_path: str


class HealthOut(BaseModel):
    status: Literal["healthy", "degraded"]
    ollama_version: str | None


def answers(success: dict[int, Any], *errors: int) -> dict[str, Any]:
    """spectree's response map: the success codes with their models and the error codes
    every API request may meet (400, 401, 404, 429) plus ``errors``, all in ErrorBody."""
    found: dict[str, Any] = {f"HTTP_{code}": model for code, model in success.items()}
    for code in (400, 401, 404, 429, *errors):
        found[f"HTTP_{code}"] = ErrorBody
    return found
