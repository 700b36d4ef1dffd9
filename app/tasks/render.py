"""The PDF job: takes a render id, runs the render service inside the app context."""

from __future__ import annotations

from flask import current_app

from app.services import renders


def render_pdf(render_id: int) -> None:
    """Render the PDF for one render row; the row records success or failure."""
    renders.run(render_id, current_app.config["STORAGE_DIR"])
