"""Landing page routes."""

from __future__ import annotations

from flask import render_template

from app.legal import OUT_OF_SCOPE, all_topics
from app.main import bp


def landing_page(message_text: str = "", message_error: str | None = None) -> str:
    """The landing page, keeping any text the person typed."""
    return render_template(
        "main/index.html",
        topics=all_topics(),
        out_of_scope=OUT_OF_SCOPE,
        message_text=message_text,
        message_error=message_error,
    )


@bp.get("/")
def index() -> str:
    """What the service does, the five problems, and a box to describe one's case."""
    return landing_page()
