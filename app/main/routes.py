"""Landing page routes."""

from __future__ import annotations

from typing import Any

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    session,
    url_for,
)
from werkzeug.wrappers import Response

from app import assets, clients, messages
from app.legal import OUT_OF_SCOPE, all_topics
from app.main import bp
from app.security import current_owner
from app.services import cases, conversations


def landing_page(message_text: str = "", message_error: str | None = None) -> str:
    """The landing page, keeping any text the person typed."""
    return render_template(
        "main/index.html",
        topics=all_topics(),
        out_of_scope=OUT_OF_SCOPE,
        message_text=message_text,
        message_error=message_error,
        your_cases=your_cases(),
    )


@bp.get("/")
def index() -> str:
    """What the service does, the five problems, and a box to describe one's case."""
    return landing_page()


def your_cases() -> list[dict[str, Any]]:
    """This browser's cases with their state and deadline ([] for a browser without any)."""
    # Imported here: the conversations package imports this module (landing_page).
    from app.conversations.page import case_context

    return [
        {"case": summary, "deadline": case_context(summary.conversation)["deadline"]}
        for summary in cases.summaries(conversations.list_owned(current_owner()))
    ]


@bp.get("/moje-sprawy/usun")
def confirm_delete_all() -> str:
    """Ask before deleting every case of this browser; the page changes nothing."""
    return render_template(
        "main/delete_all.html", your_cases=conversations.list_owned(current_owner())
    )


@bp.post("/moje-sprawy/usun")
def delete_all() -> Response:
    """Delete every case of this browser at once and for good, for every owner of each."""
    try:
        deleted = cases.delete_owned(
            current_owner(), storage_dir=current_app.config["STORAGE_DIR"], bus=clients.bus()
        )
    except cases.CaseError:
        flash(messages.CASES_DELETE_FAILED, "error")
        return redirect(url_for("main.confirm_delete_all"))
    # Nothing on the server points to this browser any more: forget its owner token too.
    session.pop("owner", None)
    flash(messages.CASES_DELETED if deleted.cases else messages.NO_CASES, "info")
    return redirect(url_for("main.index"))


@bp.get("/offline")
def offline() -> str:
    """What the service worker shows when a page cannot be opened without a connection."""
    return render_template("main/offline.html")


@bp.get("/sw.js")
def service_worker() -> Response:
    """The service worker, served from the root so that its scope is the whole site."""
    cached = assets.shell_urls(current_app)
    script = render_template(
        "sw.js", cached=cached, version=assets.shell_version(current_app, cached)
    )
    response = Response(script, mimetype="text/javascript")
    # Browsers must see a new worker on the next visit, not a cached one.
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response
