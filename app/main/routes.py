"""Landing page routes."""

from flask import render_template

from app.legal import OUT_OF_SCOPE, all_topics
from app.main import bp


@bp.get("/")
def index() -> str:
    """What the service does, the five problems, and a box to describe one's case."""
    return render_template("main/index.html", topics=all_topics(), out_of_scope=OUT_OF_SCOPE)
