"""Template helpers shared by every page."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, has_request_context, request
from markupsafe import Markup

from app import messages, wording
from app.legal.documents import KEEP_PROOF, MOVING_BASIS
from app.models import Message, MessageStatus
from app.services import generation, inapp
from app.services.case_deadlines import rule_text
from app.services.dates import in_poland, left_phrase, polish_date, until_phrase
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


def turn_note(message: Message) -> str:
    """What an unfinished turn says: its place in the model's queue, or that it is writing."""
    pending = message.status == MessageStatus.PENDING
    return wording.waiting_note(message, generation.queue_position(message) if pending else 0)


def in_app_browser() -> inapp.InAppBrowser | None:
    """The social app whose built-in browser made this request, or None for a normal one."""
    if not has_request_context():
        return None
    return inapp.detect(request.headers.get("User-Agent"))


def init_app(app: Flask) -> None:
    """Register Jinja filters."""
    # render_markdown's output is sanitized by nh3 (app/services/markdown.py).
    app.add_template_filter(lambda text: Markup(render_markdown(text)), "markdown")  # nosec B704
    app.add_template_filter(_polish_datetime, "when")
    app.add_template_filter(pages_label, "pages")
    app.add_template_filter(until_phrase, "until")
    app.add_template_filter(left_phrase, "left")
    app.add_template_filter(polish_date, "polish_date")
    app.add_template_filter(rule_text, "rule_text")
    app.jinja_env.globals["moving_basis"] = MOVING_BASIS
    app.jinja_env.globals["keep_proof"] = KEEP_PROOF
    app.jinja_env.globals["messages"] = messages
    app.jinja_env.globals["reply_note"] = wording.reply_note
    app.jinja_env.globals["revision_version"] = wording.revision_version
    app.jinja_env.globals["turn_note"] = turn_note
    app.jinja_env.globals["in_app_browser"] = in_app_browser
    # Lets a fragment offer a feature only where its blueprint is registered.
    app.jinja_env.globals["has_endpoint"] = lambda endpoint: endpoint in app.view_functions
