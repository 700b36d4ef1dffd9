"""The letter: drafting by the model, editing by the person, versions."""

from flask import Blueprint

bp = Blueprint("documents", __name__, url_prefix="/conversations/<public_id>/document")

from app.documents import routes  # noqa: E402,F401
