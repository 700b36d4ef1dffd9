"""The chat: starting a conversation, sending messages, retrying the model."""

from flask import Blueprint

bp = Blueprint("conversations", __name__, url_prefix="/conversations")

from app.conversations import routes, ws  # noqa: E402,F401
