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


def _base_version() -> int:
    """The version number the person's page showed (-1 for nonsense: then it is stale)."""
    try:
        return int(request.form.get("base_version", "0"))
    except ValueError:
        return -1


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
    base = _base_version()
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
    base = _base_version()
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


@bp.post("/revise")
@limiter.shared_limit(limits.message_limit, scope=limits.MODEL_SCOPE)
def revise(public_id: str) -> Response:
    """Ask the model to rewrite one paragraph of the free text (or all of it)."""
    conversation = owned_conversation(public_id)
    form = request.form
    try:
        turn = actions.revise(
            conversation, form.get("target", ""), form.get("how", ""), form.get("fact", "")
        )
    except actions.ActionError as exc:
        flash(wording.action_error(exc.code), "document:error")
        return _back(public_id)
    return redirect(url_for("conversations.show", public_id=public_id, _anchor=f"m{turn.id}"))


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


def _number(name: str) -> int | None:
    """A version number from the query string (None when not given); anything else is 404."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        abort(404)


@bp.post("/versions/<int:number>/restore")
@limiter.limit(limits.save_limit)
def restore(public_id: str, number: int) -> Response | tuple[str, int]:
    """Make an earlier version current again as a new version; a stale page is refused."""
    conversation = owned_conversation(public_id)
    base = _base_version()
    try:
        restored = actions.restore_version(conversation, number, base)
    except actions.ActionError as exc:
        if exc.code == "not_found":
            abort(404)
        document = conversation.document
        page = render_template(
            "documents/version.html",
            **case_context(conversation),
            conversation=conversation,
            document=document,
            version=next(v for v in document.versions if v.number == number),
            restore_error=wording.restore_error(exc.code),
        )
        return page, 422
    if restored is None:
        flash(messages.VERSION_RESTORE_UNCHANGED, "document:info")
    else:
        text = messages.VERSION_RESTORED.format(old=number, number=restored.number)
        flash(text, "document:info")
    return _back(public_id)


@bp.get("/compare")
def compare(public_id: str) -> str:
    """Two versions compared word by word (``a`` and ``b``; by default what the person
    changed in the model's latest draft, else the previous version against the current)."""
    conversation = owned_conversation(public_id)
    try:
        comparison = actions.compare_versions(conversation, _number("a"), _number("b"))
    except actions.ActionError:
        abort(404)
    return render_template(
        "documents/compare.html",
        **case_context(conversation),
        conversation=conversation,
        document=conversation.document,
        comparison=comparison,
    )
