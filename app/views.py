"""Template helpers shared by every page."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from markupsafe import Markup

from app import messages
from app.services.dates import in_poland, polish_date
from app.services.markdown import render_markdown


def _polish_datetime(value: datetime) -> str:
    local = in_poland(value)
    return f"{polish_date(local.date())}, {local:%H:%M}"


def pages_label(count: int) -> str:
    """'1 strona', '3 strony', '5 stron': Polish plural of a page count."""
    if count == 1:
        return "1 strona"
    if count % 10 in (2, 3, 4) and count % 100 not in (12, 13, 14):
        return f"{count} strony"
    return f"{count} stron"


def init_app(app: Flask) -> None:
    """Register Jinja filters."""
    app.add_template_filter(lambda text: Markup(render_markdown(text)), "markdown")
    app.add_template_filter(_polish_datetime, "when")
    app.add_template_filter(pages_label, "pages")
    app.jinja_env.globals["messages"] = messages
