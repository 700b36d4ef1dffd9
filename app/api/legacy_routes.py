"""The service's earlier public endpoints, kept for existing curl scripts and clients:
``POST /api/chat``, ``POST /api/generate-pdf`` and ``GET /api/health`` (documented as legacy;
new clients use /api/v1/).

The earlier clients chose their own ``session_id`` and sent no key. Here a key is required by
default and the session id names one of its conversations, made on first use; an operator may
open them with LEGACY_API_AUTH=none, when the session id is its conversation's only secret.
"""

from __future__ import annotations

from flask import Response, current_app, request, url_for
from spectree import Response as Documented
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app import actions, clients, limits, messages, principal, wording
from app.api import legacy, spec
from app.api.errors import ApiError
from app.api.guard import public
from app.api.renders import pdf_file
from app.api.replies import json_response
from app.api.schemas import (
    ErrorBody,
    HealthOut,
    LegacyChat,
    LegacyChatOut,
    LegacyPdf,
    LegacyPdfOut,
    answers,
)
from app.api.streaming import long_request, wait_reply
from app.extensions import db, limiter
from app.models import MessageStatus, RenderStatus
from app.services import llm, renders
from app.tasks import render_deadline

TAGS = ["legacy"]


@legacy.post("/chat")
@limiter.shared_limit(
    limits.message_limit,
    scope=limits.MODEL_SCOPE,
    key_func=principal.limit_key,
    override_defaults=False,
)
@spec.validate(
    json=LegacyChat,
    resp=Documented(**answers({200: LegacyChatOut}, 409, 413, 415, 422, 502, 503)),
    tags=TAGS,
    deprecated=True,
)
def chat() -> Response:
    """Send a message and wait for the whole reply (legacy: blocks up to the generation
    deadline). ``session_id`` is any string of yours naming the conversation."""
    body: LegacyChat = request.context.json  # type: ignore[attr-defined]
    owner = principal.current().owner or ""
    with long_request():
        reply = actions.chat_in_session(owner, body.session_id, body.message)
        db.session.commit()
        reply = wait_reply(reply.conversation, reply)
    if reply.status == MessageStatus.COMPLETE and reply.content.strip():
        return json_response({"response": reply.content, "session_id": body.session_id})
    # Cut short, stopped or failed: never passed off as a whole answer; what was written
    # comes along in the details.
    raise ApiError(
        502,
        "GENERATION_ERROR",
        wording.reply_note(reply) or messages.LLM_FAILED,
        {
            "reason": reply.error_code or reply.status.value,
            "partial_response": reply.content or None,
        },
    )


@legacy.post("/generate-pdf")
@limiter.shared_limit(
    limits.render_limit,
    scope=limits.RENDER_SCOPE,
    key_func=principal.limit_key,
    override_defaults=False,
)
@spec.validate(
    json=LegacyPdf,
    resp=Documented(**answers({200: LegacyPdfOut}, 409, 413, 415, 422, 502, 503)),
    tags=TAGS,
    deprecated=True,
)
def generate_pdf() -> Response:
    """Turn HTML into a PDF and wait for it (legacy). The HTML is sanitized like any letter
    and kept as a new version of the session's conversation; ``pdf_path`` is where the same
    caller downloads the PDF."""
    body: LegacyPdf = request.context.json  # type: ignore[attr-defined]
    owner = principal.current().owner or ""
    with long_request():
        render = actions.render_in_session(owner, body.session_id, body.html_content)
        deadline = render_deadline(current_app)
        renders.wait_finished(render, deadline, deadline)
    if render.status == RenderStatus.DONE:
        return json_response(
            {"pdf_path": url_for("legacy.pdf", rid=render.public_id, _external=True)}
        )
    if render.status == RenderStatus.FAILED:
        raise ApiError(
            502, "RENDER_FAILED", renders.user_error(render), {"reason": renders.error_code(render)}
        )
    raise ApiError(503, message=messages.API_LEGACY_PDF_TIMEOUT)


@legacy.get("/pdf/<rid>")
@spec.validate(resp=Documented(**answers({200: None}, 409)), tags=TAGS, deprecated=True)
def pdf(rid: str) -> Response:
    """The PDF that ``/api/generate-pdf`` made, for the same caller."""
    render = renders.get_for_owner(principal.current().owner, rid)
    if render is None:
        raise ApiError(404)
    return pdf_file(render)


@legacy.get("/health")
@public
@spec.validate(resp=Documented(HTTP_200=HealthOut, HTTP_429=ErrorBody), tags=TAGS, security={})
def health() -> Response:
    """Whether the service answers and reaches its database and the model server (public,
    no secrets): ``healthy``, or ``degraded`` with what still works."""
    version = llm.server_version(clients.ollama_http())
    try:
        db.session.execute(text("SELECT 1"))
        db.session.commit()
        database = True
    except SQLAlchemyError:
        db.session.rollback()
        database = False
    status = "healthy" if database and version else "degraded"
    return json_response({"status": status, "ollama_version": version})
