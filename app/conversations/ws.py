"""The chat socket: a thin adapter that relays a conversation's replies and takes its forms.

The handshake is refused (before the upgrade) unless it comes from an allowed origin and the
conversation belongs to the browser session. Every frame from the browser is one htmx
``ws-send`` form: JSON with the form's fields, the CSRF token among them. Frames to the
browser are the page's own fragments, swapped out of band.
"""

from __future__ import annotations

import json
from typing import Any

from flask import abort, current_app, request
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import ValidationError, validate_csrf
from markupsafe import escape
from simple_websocket import ConnectionClosed

from app import actions, clients, limits, wording
from app.conversations import bp
from app.conversations.relay import Relay
from app.extensions import db, limiter, sock
from app.models import Conversation
from app.security import current_owner

# While nothing is being generated the loop waits on the browser; while a reply streams it
# waits on the bus and looks at the browser between batches.
IDLE_WAIT_S = 1.0
STREAM_WAIT_S = 0.2
# Close codes: htmx reconnects after 1011 (server error) and 1012 (service restart).
SERVER_ERROR = 1011
ERROR_TARGETS = {"draft": "draft-error"}
# Frames that call the model share the form posts' budget for it.
MODEL_ACTIONS = ("send", "retry", "draft")


def allowed_origin(origin: str | None) -> bool:
    """The socket's Origin must be the app's own (or one configured in WS_ALLOWED_ORIGINS)."""
    if not origin:
        return False
    # Werkzeug reports a socket's scheme as ws/wss; the page that opened it was http/https.
    scheme = "https" if request.scheme in ("https", "wss") else "http"
    own = f"{scheme}://{request.host}"
    return origin.rstrip("/") in (own, *current_app.config["WS_ALLOWED_ORIGINS"])


@bp.before_request
def check_handshake() -> None:
    """Refuse a socket from another origin or for someone else's conversation, before upgrading."""
    if request.endpoint != "conversations.socket":
        return
    if not allowed_origin(request.headers.get("Origin")):
        abort(403)
    try:
        actions.conversation_of(current_owner(), (request.view_args or {}).get("public_id", ""))
    except actions.ActionError:
        abort(404)


@sock.route("/<public_id>/ws", bp=bp)
def socket(ws: Any, public_id: str) -> None:
    """Relay the conversation's replies; take send, stop, retry and draft from its forms."""
    conversation = actions.conversation_of(current_owner(), public_id)
    relay = Relay(conversation, clients.bus())
    try:
        ws.send(relay.snapshot())
        while True:
            raw = ws.receive(timeout=0 if relay.busy else IDLE_WAIT_S)
            if raw is not None:
                answer = handle_frame(conversation, raw)
                if answer:
                    ws.send(answer)
            out = relay.frame(relay.read(STREAM_WAIT_S if relay.busy else 0)) + relay.tick()
            if out:
                ws.send(out)
    except ConnectionClosed:
        return
    except Exception:  # the socket's last line of defence: log it, let htmx reconnect
        current_app.logger.exception("chat socket failed")
        db.session.rollback()
        ws.close(reason=SERVER_ERROR, message="server error")


def handle_frame(conversation: Conversation, raw: str | bytes) -> str:
    """Do what one frame asks and return the fragment that answers it."""
    try:
        data = json.loads(raw)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return _error("bad_request", None)
    action = data.get("action")
    try:
        with limiter.limit(limits.socket_limit, key_func=_owner_key, scope="socket"):
            pass
    except RateLimitExceeded:
        return _error("rate_limited", action)
    try:
        validate_csrf(data.get("csrf_token"))
    except ValidationError:
        return _error("csrf", action)
    if action in MODEL_ACTIONS:
        try:
            with limiter.shared_limit(limits.message_limit, scope=limits.MODEL_SCOPE):
                pass
        except RateLimitExceeded:
            return _error("rate_limited", action)
    message = data.get("message")
    try:
        if action == "send" and isinstance(message, str):
            actions.send_message(conversation, message)
            # The cleared error line tells the page to empty the text box; the relay
            # shows the message itself.
            return _error_cleared(action)
        if action == "stop":
            actions.stop(conversation)
        elif action == "retry":
            actions.retry(conversation)
        elif action == "draft":
            actions.draft(conversation)
        else:
            return _error("bad_request", action)
    except actions.ActionError as exc:
        return _error(exc.code, action)
    finally:
        db.session.commit()
    return _error_cleared(action)


def _owner_key() -> str:
    return current_owner() or request.remote_addr or "anonymous"


def _error(code: str, action: object) -> str:
    return _error_line(action, str(escape(wording.action_error(code))))


def _error_cleared(action: object) -> str:
    return _error_line(action, "")


def _error_line(action: object, html: str) -> str:
    """The error line under the form that sent the frame, swapped out of band."""
    target = ERROR_TARGETS.get(action if isinstance(action, str) else "", "composer-error")
    return f'<p id="{target}" class="field-error" role="alert" hx-swap-oob="true">{html}</p>'
