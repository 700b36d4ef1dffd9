"""The letter of a conversation and its versions: thin adapters over app.actions."""

from __future__ import annotations

from flask import Response, request
from spectree import Response as Documented

from app import actions
from app.api import bp, present, spec
from app.api.conversations import model_limited, owned, reply_answer
from app.api.errors import ApiError
from app.api.replies import json_response, json_with_etag, page_answer
from app.api.schemas import (
    DocumentOut,
    MessageOut,
    NewVersion,
    Page,
    RedlineOut,
    RedlineQuery,
    Restore,
    Revision,
    VersionOut,
    VersionPage,
    answers,
)
from app.extensions import db, limiter
from app.limits import save_limit
from app.models import Conversation, DocumentVersion
from app.principal import limit_key
from app.services import documents

TAGS = ["documents"]
saves_limited = limiter.limit(save_limit, key_func=limit_key, override_defaults=False)


def _version_answer(conversation: Conversation, saved: DocumentVersion | None) -> Response:
    """201 with the new version, or 200 with the current one when nothing changed."""
    db.session.commit()
    current = saved or conversation.document.current  # type: ignore[union-attr]
    body = present.version(conversation, current)
    return json_response(body, 201 if saved else 200, body["url"] if saved else None)


@bp.get("/conversations/<cid>/document")
@spec.validate(resp=Documented(**answers({200: DocumentOut})), tags=TAGS)
def get_document(cid: str) -> Response:
    """The letter: title, type, number of versions and the current version in full."""
    conversation = owned(cid)
    found = present.document(conversation)
    if found is None:
        raise ApiError(404)
    return json_with_etag(found)


@bp.get("/conversations/<cid>/document/versions")
@spec.validate(query=Page, resp=Documented(**answers({200: VersionPage})), tags=TAGS)
def list_versions(cid: str) -> Response:
    """The letter's versions, oldest first, without their text."""
    conversation = owned(cid)
    query: Page = request.context.query  # type: ignore[attr-defined]
    after = query.position or 0
    versions = conversation.document.versions if conversation.document else []
    found = [version for version in versions if version.number > after][: query.limit + 1]
    return page_answer(
        found,
        query.limit,
        lambda item: present.version_summary(conversation, item),
        lambda item: item.number,
    )


@bp.post("/conversations/<cid>/document/versions")
@saves_limited
@spec.validate(
    json=NewVersion,
    resp=Documented(**answers({200: VersionOut, 201: VersionOut}, 409, 413, 415, 422)),
    tags=TAGS,
)
def create_version(cid: str) -> Response:
    """A new version: from a document type and its fields (the letter is made from the
    catalogue's template), or the whole letter as HTML (sanitized). ``base_version`` is the
    version the change was made on; a newer one makes it 409 STALE_VERSION. 200 with the
    current version when the change changes nothing."""
    conversation = owned(cid)
    body: NewVersion = request.context.json  # type: ignore[attr-defined]
    base = body.base_version or 0
    if body.html is not None:
        saved = actions.save_letter(conversation, body.html, base)
    else:
        saved = actions.save_fields(
            conversation,
            body.fields or {},
            base,
            blanks_ok=body.allow_blanks,
            key=body.type,
            strict=True,
        )
    return _version_answer(conversation, saved)


@bp.get("/conversations/<cid>/document/versions/<int:number>")
@spec.validate(resp=Documented(**answers({200: VersionOut})), tags=TAGS)
def get_version(cid: str, number: int) -> Response:
    """One version with its letter (sanitized HTML), its fields and the blanks left."""
    conversation = owned(cid)
    found = documents.find_version(conversation, number)
    if found is None:
        raise ApiError(404)
    return json_with_etag(present.version(conversation, found))


@bp.post("/conversations/<cid>/document/versions/<int:number>/restore")
@saves_limited
@spec.validate(
    json=Restore,
    resp=Documented(**answers({200: VersionOut, 201: VersionOut}, 409, 413, 415, 422)),
    tags=TAGS,
)
def restore_version(cid: str, number: int) -> Response:
    """Make an earlier version the current one again, as a new version (nothing is lost)."""
    conversation = owned(cid)
    body: Restore = request.context.json  # type: ignore[attr-defined]
    return _version_answer(
        conversation, actions.restore_version(conversation, number, body.base_version)
    )


@bp.get("/conversations/<cid>/document/redline")
@spec.validate(query=RedlineQuery, resp=Documented(**answers({200: RedlineOut})), tags=TAGS)
def redline(cid: str) -> Response:
    """Two versions compared word by word (``from`` and ``to``; without them, the model's
    draft against the person's edit, else the previous version against the current)."""
    conversation = owned(cid)
    query: RedlineQuery = request.context.query  # type: ignore[attr-defined]
    compared = actions.compare_versions(conversation, query.from_version, query.to_version)
    if compared is None:
        raise ApiError(404)
    return json_with_etag(present.comparison(compared))


@bp.post("/conversations/<cid>/document/revise")
@model_limited
@spec.validate(
    json=Revision,
    resp=Documented(**answers({202: MessageOut}, 409, 413, 415, 422, 503)),
    tags=TAGS,
)
def revise(cid: str) -> Response:
    """Let the model rewrite one paragraph of the letter's free text (``target``
    "field:index") or all of it: more formal, shorter, or with a fact added. A turn like a
    reply; when it is done the letter has a new version."""
    conversation = owned(cid)
    body: Revision = request.context.json  # type: ignore[attr-defined]
    return reply_answer(
        conversation, actions.revise(conversation, body.target, body.how, body.fact)
    )
