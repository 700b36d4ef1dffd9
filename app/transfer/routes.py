"""Transfer routes: make a code on one device, use it on another (thin adapters)."""

from __future__ import annotations

from datetime import datetime

import segno
from flask import flash, redirect, render_template, request, session, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response

from app import limits, messages, wording
from app.access import owned_conversation
from app.extensions import limiter
from app.models.base import utcnow
from app.security import ensure_owner
from app.services import transfer
from app.services.dates import in_poland
from app.transfer import bp

SESSION_KEY = "transfer"


def _qr(url: str) -> Markup:
    """The link as an inline SVG QR code, drawn on the server (no script, no network)."""
    svg = segno.make(url, error="m").svg_inline(scale=5, border=2, dark="#111", light="#fff")
    # segno's own SVG of our own URL.
    return Markup(svg)  # nosec B704


@bp.post("/conversations/<public_id>/przenies")
@limiter.limit(limits.start_limit)
def issue(public_id: str) -> Response:
    """Make a new one-time code for this case and show it (post/redirect/get).

    The code in the clear lives only in this browser's signed session until it expires, so
    the page can be reloaded or opened in another browser tab; the database has its hash.
    """
    conversation = owned_conversation(public_id)
    issued = transfer.issue(conversation)
    session[SESSION_KEY] = {
        "case": public_id,
        "code": issued.code,
        "expires": issued.expires_at.isoformat(),
    }
    return redirect(url_for("transfer.show", public_id=public_id), code=303)


@bp.get("/conversations/<public_id>/przenies")
def show(public_id: str) -> str | Response:
    """The code made for this case, while it is valid; else the button to make one."""
    conversation = owned_conversation(public_id)
    held = session.get(SESSION_KEY) or {}
    expires = datetime.fromisoformat(held["expires"]) if held.get("expires") else None
    if held.get("case") != public_id or expires is None or expires <= utcnow():
        return render_template("transfer/issued.html", conversation=conversation, issued=None)
    issued = transfer.Issued(held["code"], expires)
    link = url_for("transfer.link", code=issued.code, _external=True)
    return render_template(
        "transfer/issued.html",
        conversation=conversation,
        issued=issued,
        link=link,
        qr=_qr(link),
        until=in_poland(issued.expires_at),
    )


@bp.get("/przenies")
def enter() -> str:
    """Where the other device types the code."""
    return render_template("transfer/enter.html", code="", error=None)


@bp.get("/przenies/<code>")
def link(code: str) -> str:
    """The link from the code or QR: asks before using it (link previews must not use it)."""
    return render_template("transfer/enter.html", code=transfer.normalise(code), error=None)


@bp.post("/przenies")
@limiter.limit(limits.transfer_limit)
def redeem() -> Response | tuple[str, int]:
    """Use the code: this browser now owns the case too."""
    typed = request.form.get("code", "")
    try:
        conversation = transfer.redeem(typed, ensure_owner())
    except transfer.TransferError as exc:
        error = wording.action_error(exc.code)
        return render_template("transfer/enter.html", code=typed[:40], error=error), 422
    flash(messages.TRANSFER_DONE, "chat:info")
    return redirect(url_for("conversations.show", public_id=conversation.public_id))
