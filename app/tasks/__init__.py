"""Background jobs: RQ when REDIS_URL is set, otherwise a thread in this process."""

from __future__ import annotations

import threading
from collections.abc import Callable

from flask import Flask, current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry

from app.models import DocumentVersion, Render
from app.services import renders
from app.tasks.render import render_pdf


def queue_for(app: Flask) -> Queue:
    """The RQ queue that PDF jobs go to."""
    connection = Redis.from_url(app.config["REDIS_URL"], socket_connect_timeout=3)
    return Queue(app.config["RQ_QUEUE"], connection=connection)


def _run_in_thread(app: Flask, func: Callable[[int], None], render_id: int) -> None:
    def target() -> None:
        with app.app_context():
            func(render_id)

    threading.Thread(target=target, name=f"render-{render_id}", daemon=True).start()


def enqueue_render(render_id: int) -> None:
    """Start the PDF job for a render (raises redis errors when the queue is down)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not app.config["REDIS_URL"]:
        _run_in_thread(app, render_pdf, render_id)
        return
    timeout = app.config["PDF_JOB_TIMEOUT"]
    queue_for(app).enqueue(
        "app.tasks.render.render_pdf",
        render_id,
        job_timeout=timeout,
        result_ttl=3600,
        failure_ttl=7 * 24 * 3600,
        retry=Retry(max=1, interval=[5]),
        description=f"render {render_id}",
    )


def render_deadline(app: Flask) -> int:
    """Seconds after which an unfinished render is certainly dead (every attempt timed out)."""
    return app.config["PDF_JOB_TIMEOUT"] * 2 + 60


def queue_render(version: DocumentVersion) -> Render:
    """The render for this version: a finished or still running one, else a new queued one.

    If the queue cannot be reached the new render fails at once with a reason the status
    page explains; the letter itself is untouched.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    existing = renders.reusable(version, app.config["STORAGE_DIR"], render_deadline(app))
    if existing is not None:
        return existing
    render = renders.create(version)
    try:
        enqueue_render(render.id)
    except RedisError:
        app.logger.exception("could not enqueue render %s", render.public_id)
        renders.mark_failed(render, "queue unavailable")
    return render
