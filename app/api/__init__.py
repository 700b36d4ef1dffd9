"""The JSON API under /api/ (issue 8, begun): the read-only catalogue and one error format."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from app.api import routes  # noqa: E402,F401
