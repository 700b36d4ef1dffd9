"""Document routes: thin adapters over app.services.documents."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app import messages
from app.access import owned_conversation
from app.conversations.page import render_page
from app.documents import bp
from app.extensions import limiter
from app.services import documents, llm
from app.services.sanitize import SanitizeError


def _message_limit() -> str:
    return current_app.config["RATELIMIT_MESSAGES"]


def _back(public_id: str) -> Response:
    return redirect(url_for("conversations.show", public_id=public_id, _anchor="pismo"))


@bp.post("/draft")
@limiter.limit(_message_limit)
def draft(public_id: str) -> Response:
    """Ask the model to draft the letter from the conversation."""
    conversation = owned_conversation(public_id)
    settings = llm.LLMSettings.from_config(current_app.config)
    try:
        version = documents.draft(conversation, settings, date.today())
    except llm.LLMError as exc:
        flash(documents.draft_error_text(exc), "document:error")
    else:
        flash(messages.DOCUMENT_SAVED.format(number=version.number), "document:info")
    return _back(public_id)


@bp.post("")
def save(public_id: str) -> Response | tuple[str, int]:
    """Save the person's edit as a new version; on any problem keep their text on the page."""
    conversation = owned_conversation(public_id)
    text = request.form.get("html", "")
    try:
        base = int(request.form.get("base_version", "0"))
    except ValueError:
        base = -1
    try:
        version = documents.save_edit(conversation, text, base)
    except (SanitizeError, documents.StaleVersionError) as exc:
        return render_page(conversation, status=422, document_text=text, document_error=str(exc))
    if version is None:
        flash(messages.DOCUMENT_UNCHANGED, "document:info")
    else:
        flash(messages.DOCUMENT_SAVED.format(number=version.number), "document:info")
    return _back(public_id)


@bp.get("/versions/<int:number>")
def version(public_id: str, number: int) -> str:
    """One earlier version of the letter, read-only."""
    conversation = owned_conversation(public_id)
    document = conversation.document
    found = next((v for v in document.versions if v.number == number), None) if document else None
    if found is None:
        abort(404)
    return render_template(
        "documents/version.html", conversation=conversation, document=document, version=found
    )
