"""PDF renders of the letter's versions: thin adapters over app.actions and app.tasks."""

from __future__ import annotations

from flask import Response, current_app, request
from spectree import Response as Documented

from app import actions, limits
from app.api import bp, present, spec
from app.api.conversations import owned
from app.api.errors import ApiError
from app.api.replies import json_response
from app.api.schemas import NewRender, RenderOut, answers
from app.extensions import limiter
from app.models import Render, RenderStatus
from app.principal import limit_key
from app.services import renders, storage
from app.tasks import render_deadline

TAGS = ["renders"]


def _owned_render(cid: str, rid: str) -> tuple[object, Render]:
    conversation = owned(cid)
    render = renders.get_owned(conversation, rid)
    if render is None:
        raise ApiError(404)
    return conversation, render


@bp.post("/conversations/<cid>/renders")
@limiter.shared_limit(
    limits.render_limit, scope=limits.RENDER_SCOPE, key_func=limit_key, override_defaults=False
)
@spec.validate(
    json=NewRender,
    resp=Documented(**answers({202: RenderOut}, 409, 413, 415, 422)),
    tags=TAGS,
)
def create_render(cid: str) -> Response:
    """Start a PDF of a version (the current one by default). 202 with the render; poll its
    ``Location`` until ``status`` is done (then ``pdf_url``) or failed (then ``problem``).
    A version with [placeholders] left is refused (409 BLANKS_LEFT) unless
    ``allow_blanks``. A render of the same version still valid is reused."""
    conversation = owned(cid)
    body: NewRender = request.context.json  # type: ignore[attr-defined]
    render = actions.render_version(conversation, body.version, blanks_ok=body.allow_blanks)
    payload = present.render(conversation, render)
    return json_response(payload, 202, payload["url"])


@bp.get("/conversations/<cid>/renders/<rid>")
@spec.validate(resp=Documented(**answers({200: RenderOut})), tags=TAGS)
def get_render(cid: str, rid: str) -> Response:
    """A render's state: queued, running, done (with ``pdf_url``) or failed (``problem``)."""
    conversation, render = _owned_render(cid, rid)
    renders.reconcile(render, render_deadline(current_app))
    return json_response(present.render(conversation, render))  # type: ignore[arg-type]


@bp.get("/conversations/<cid>/renders/<rid>/pdf")
@spec.validate(resp=Documented(**answers({200: None}, 409)), tags=TAGS)
def render_pdf(cid: str, rid: str) -> Response:
    """The PDF file (application/pdf) of a finished render."""
    _conversation, render = _owned_render(cid, rid)
    return pdf_file(render)


def pdf_file(render: Render) -> Response:
    """A finished render's PDF as a download; 409 while it is not done."""
    if render.status != RenderStatus.DONE or not render.file_path:
        raise actions.ActionError("render_not_ready")
    root = current_app.config["STORAGE_DIR"]
    if not storage.resolve(root, render.file_path).is_file():
        raise ApiError(404)
    # Read whole (a letter's PDF is small, and stored encrypted): the schema layer reads the
    # body anyway, and a passthrough file response cannot be read twice.
    response = Response(storage.read_encrypted(root, render.file_path), mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{renders.download_name(render)}"'
    )
    response.headers["ETag"] = f'"{render.sha256}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
