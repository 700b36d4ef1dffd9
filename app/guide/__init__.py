"""The guided path: the trouble, the situation, a short form, the letter; no model needed."""

from flask import Blueprint

bp = Blueprint("guide", __name__, url_prefix="/pisma")

from app.guide import routes  # noqa: E402,F401
