"""Render routes: thin adapters over app.services.renders and app.tasks."""

from __future__ import annotations

import io
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from werkzeug.wrappers import Response

from app import actions, limits, wording
from app.access import owned_conversation
from app.conversations.page import case_context
from app.extensions import limiter
from app.models import Render, RenderStatus
from app.renders import bp
from app.services import renders, storage
from app.tasks import render_deadline


def _owned_render(public_id: str, render_id: str) -> Render:
    render = renders.get_owned(owned_conversation(public_id), render_id)
    if render is None:
        abort(404)
    return render


def status_redirect(public_id: str, render: Render) -> Response:
    """Go to a render's status page."""
    return redirect(url_for("renders.show", public_id=public_id, render_id=render.public_id))


@bp.post("")
@limiter.shared_limit(limits.render_limit, scope=limits.RENDER_SCOPE)
def create(public_id: str) -> Response:
    """Queue a PDF of the current version and go to its status page.

    A letter with blanks left ("[sygnatura akt]") is not printed by accident: the person is
    asked to fill them first, and may still go on knowingly (blanks_ok=1).
    """
    conversation = owned_conversation(public_id)
    if actions.blanks_of(conversation) and request.form.get("blanks_ok") != "1":
        return redirect(url_for("renders.blanks", public_id=public_id), code=303)
    try:
        render = actions.render_current(conversation)
    except actions.ActionError as exc:
        flash(wording.action_error(exc.code), "document:error")
        return redirect(url_for("conversations.show", public_id=public_id, _anchor="pismo"))
    return status_redirect(public_id, render)


@bp.get("/blanks")
def blanks(public_id: str) -> str | Response:
    """What is still blank in the letter, asked before a PDF is made (a page to reload
    freely: it changes nothing)."""
    conversation = owned_conversation(public_id)
    found = actions.blanks_of(conversation)
    if not found:
        return redirect(url_for("conversations.show", public_id=public_id, _anchor="pismo"))
    return render_template(
        "renders/blanks.html", **case_context(conversation), conversation=conversation, blanks=found
    )


def _status_context(public_id: str, render_id: str) -> dict[str, Any]:
    """The render (failed here if it is past the deadline) and what its templates need."""
    render = renders.reconcile(_owned_render(public_id, render_id), render_deadline(current_app))
    conversation = render.version.document.conversation
    return {
        **case_context(conversation),
        "conversation": conversation,
        "render": render,
        "error_text": renders.user_error(render) if render.status == RenderStatus.FAILED else None,
    }


@bp.get("/<render_id>")
def show(public_id: str, render_id: str) -> str:
    """The render's status page: updated in place by htmx, or by the person's "Odśwież"."""
    return render_template("renders/status.html", **_status_context(public_id, render_id))


@bp.get("/<render_id>/status")
def status(public_id: str, render_id: str) -> Response | str:
    """The status fragment, polled by the page while the render is unfinished.

    The poll says which state it shows (``?shown=queued``): while that is still the state the
    answer is an empty 204, which htmx does not swap, so the live region speaks only when the
    state changes. A finished fragment has no trigger, so the polling ends with it; the "how
    to send it" section comes along out of band.
    """
    context = _status_context(public_id, render_id)
    render = context["render"]
    if request.args.get("shown") == render.status.value:
        return Response(status=204)
    html = render_template("renders/_status.html", **context)
    if render.status == RenderStatus.DONE:
        html += render_template("renders/_how_to_send.html", **context, oob=True)
    return html


@bp.get("/<render_id>/podglad")
def viewer(public_id: str, render_id: str) -> str:
    """The finished PDF drawn page by page in the page itself (pdf.js), for the many phone and
    in-app browsers that cannot show a PDF inline; without JavaScript, links to the file."""
    render = _owned_render(public_id, render_id)
    if render.status != RenderStatus.DONE or not render.file_path:
        abort(404)
    conversation = render.version.document.conversation
    return render_template(
        "renders/viewer.html",
        **case_context(conversation),
        conversation=conversation,
        render=render,
    )


@bp.get("/<render_id>/pdf")
def pdf(public_id: str, render_id: str) -> Response:
    """The PDF file, inline or (with ?download=1) as an attachment; only for its owner."""
    render = _owned_render(public_id, render_id)
    if render.status != RenderStatus.DONE or not render.file_path:
        abort(404)
    root = current_app.config["STORAGE_DIR"]
    path = storage.resolve(root, render.file_path)
    if not path.is_file():
        abort(404)
    download = request.args.get("download") == "1"
    # The file is encrypted at rest: send its decrypted bytes, with the same conditional
    # and range handling (ETag, Last-Modified, Range) as the file itself had.
    response = send_file(
        io.BytesIO(storage.read_encrypted(root, render.file_path)),
        mimetype="application/pdf",
        as_attachment=download,
        download_name=renders.download_name(render),
        etag=render.sha256,
        last_modified=path.stat().st_mtime,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
