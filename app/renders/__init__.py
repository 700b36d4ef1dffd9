"""PDF renders of the letter: request, status, file."""

from flask import Blueprint

bp = Blueprint("renders", __name__, url_prefix="/conversations/<public_id>/renders")

from app.renders import routes  # noqa: E402,F401
