"""Rate limits read from the config when a request is checked (see RATELIMIT_* in README)."""

from __future__ import annotations

from flask import current_app

# One budget for every way of starting a PDF render.
RENDER_SCOPE = "renders"
# One budget for every way of calling the model (send, retry, draft; form post or socket).
MODEL_SCOPE = "model-calls"


def start_limit() -> str:
    """Limit for starting conversations."""
    return current_app.config["RATELIMIT_START"]


def message_limit() -> str:
    """Limit for anything that calls the model: messages, retries, drafts."""
    return current_app.config["RATELIMIT_MESSAGES"]


def save_limit() -> str:
    """Limit for saving the letter."""
    return current_app.config["RATELIMIT_SAVES"]


def render_limit() -> str:
    """Limit for PDF renders."""
    return current_app.config["RATELIMIT_RENDERS"]


def transfer_limit() -> str:
    """Limit for attempts to use a transfer code (it must not be guessed)."""
    return current_app.config["RATELIMIT_TRANSFER"]


def socket_limit() -> str:
    """Limit for frames a browser session sends over the chat socket."""
    return current_app.config["RATELIMIT_SOCKET"]


def api_limit() -> str:
    """Limit for every /api/v1 request, per key (per address for the public reads)."""
    return current_app.config["RATELIMIT_API"]


def legacy_limit() -> str:
    """Limit for the legacy /api/ endpoints, per key or, when they are open, per address."""
    return current_app.config["RATELIMIT_LEGACY"]
