"""Moving a case to another device (and out of an in-app browser)."""

from flask import Blueprint

bp = Blueprint("transfer", __name__)

from app.transfer import routes  # noqa: E402,F401
