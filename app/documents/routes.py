"""Document routes: thin adapters over app.actions."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_limiter.errors import RateLimitExceeded
from werkzeug.wrappers import Response

from app import actions, limits, messages, wording
from app.access import owned_conversation
from app.conversations.page import case_context, render_page
from app.documents import bp
from app.extensions import limiter
from app.renders.routes import status_redirect


def _back(public_id: str) -> Response:
    return redirect(url_for("conversations.show", public_id=public_id, _anchor="pismo"))


@bp.post("/draft")
@limiter.shared_limit(limits.message_limit, scope=limits.MODEL_SCOPE)
def draft(public_id: str) -> Response:
    """Start drafting the letter from the conversation; the page follows the draft."""
    conversation = owned_conversation(public_id)
    try:
        turn = actions.draft(conversation)
    except actions.ActionError as exc:
        flash(wording.action_error(exc.code), "document:error")
        return _back(public_id)
    return redirect(url_for("conversations.show", public_id=public_id, _anchor=f"m{turn.id}"))


@bp.post("")
@limiter.limit(limits.save_limit)
def save(public_id: str) -> Response | tuple[str, int]:
    """Save the person's edit as a new version; on any problem keep their text on the page.

    The editor's second button ("Zapisz i utwórz PDF", then=pdf) goes on to the PDF of the
    saved version, so edits are never left out of a PDF made right after them.
    """
    conversation = owned_conversation(public_id)
    text = request.form.get("html", "")
    try:
        base = int(request.form.get("base_version", "0"))
    except ValueError:
        base = -1
    try:
        version = actions.save_letter(conversation, text, base)
    except actions.ActionError as exc:
        error = wording.action_error(exc.code)
        return render_page(conversation, status=422, document_text=text, document_error=error)
    if version is None:
        flash(messages.DOCUMENT_UNCHANGED, "document:info")
    else:
        flash(messages.DOCUMENT_SAVED.format(number=version.number), "document:info")
    if request.form.get("then") == "pdf":
        try:
            with limiter.shared_limit(limits.render_limit, scope=limits.RENDER_SCOPE):
                render = actions.render_current(conversation)
        except RateLimitExceeded:
            flash(messages.RATE_LIMITED, "document:error")
        else:
            return status_redirect(public_id, render)
    return _back(public_id)


@bp.post("/fields")
@limiter.limit(limits.save_limit)
def save_fields(public_id: str) -> Response | tuple[str, int]:
    """Save the letter's fields and paragraphs as a new version; errors keep what was typed."""
    conversation = owned_conversation(public_id)
    raw = request.form.to_dict()
    try:
        base = int(request.form.get("base_version", "0"))
    except ValueError:
        base = -1
    blanks_ok = request.form.get("blanks_ok") == "1"
    try:
        version = actions.save_fields(conversation, raw, base, blanks_ok=blanks_ok)
    except actions.FieldsRejected as exc:
        return render_page(conversation, status=422, typed_fields=raw, field_errors=exc.errors)
    except actions.OutOfScope as exc:
        error = messages.FIELDS_OUT_OF_SCOPE
        return render_page(
            conversation, status=422, typed_fields=raw, form_error=error, refused=exc.refusal
        )
    except actions.ActionError as exc:
        error = wording.action_error(exc.code)
        return render_page(conversation, status=422, typed_fields=raw, form_error=error)
    if version is None:
        flash(messages.FIELDS_UNCHANGED, "document:info")
    else:
        flash(messages.FIELDS_SAVED.format(number=version.number), "document:info")
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
        "documents/version.html",
        **case_context(conversation),
        conversation=conversation,
        document=document,
        version=found,
    )
