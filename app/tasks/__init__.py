"""Background jobs: RQ when REDIS_URL is set, otherwise a thread in this process."""

from __future__ import annotations

import threading
from collections.abc import Callable

from flask import Flask, current_app
from redis.exceptions import RedisError
from rq import Queue, Retry

from app import clients
from app.models import DocumentVersion, Message, Render
from app.services import generation, renders
from app.tasks.generate import generate
from app.tasks.render import render_pdf


def queue_for(app: Flask, name: str | None = None) -> Queue:
    """An RQ queue on the process's shared Redis client (PDF jobs by default)."""
    return Queue(name or app.config["RQ_QUEUE"], connection=clients.redis_client(app))


def _in_app(app: Flask, func: Callable[[int], None], item_id: int) -> None:
    with app.app_context():
        func(item_id)


def enqueue_turn(message: Message) -> Message:
    """Start the model job for a pending turn: the model queue, or the embedded pool.

    If the queue cannot be reached the turn ends at once as an error that the page explains;
    the person's message stays saved.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not app.config["REDIS_URL"]:
        generation.announce_start(message, clients.bus(app))
        clients.generation_pool(app).submit(_in_app, app, generate, message.id)
        return message
    try:
        generation.announce_start(message, clients.bus(app))
        queue_for(app, app.config["RQ_LLM_QUEUE"]).enqueue(
            "app.tasks.generate.generate",
            message.id,
            job_timeout=int(app.config["GENERATION_DEADLINE"]) + 60,
            result_ttl=600,
            failure_ttl=7 * 24 * 3600,
            description=f"generate {message.id}",
        )
    except RedisError:
        app.logger.exception("could not enqueue turn %s", message.id)
        generation.fail_unqueued(message)
    return message


def _run_in_thread(app: Flask, func: Callable[[int], None], render_id: int) -> None:
    """Run CPU-bound work (a render) beside the web process's requests.

    Under gunicorn's gevent worker a threading.Thread is a greenlet, and a render in it would
    stall every open socket until it finished: there, gevent's pool of real OS threads runs it.
    """
    if _gevent_patched():
        import gevent

        gevent.get_hub().threadpool.spawn(_in_app, app, func, render_id)
        return
    threading.Thread(
        target=_in_app, args=(app, func, render_id), name=f"render-{render_id}", daemon=True
    ).start()


def _gevent_patched() -> bool:
    try:
        from gevent import monkey
    except ImportError:
        return False
    return bool(monkey.is_module_patched("threading"))


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
        # Requeued at once, not scheduled: a retry needs no scheduler process (one was seen
        # left dead after a Redis restart, and scheduled retries then never ran).
        retry=Retry(max=1),
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
    render, created = renders.create(version)
    if not created:
        return render  # a concurrent click made it and enqueues it
    try:
        enqueue_render(render.id)
    except RedisError:
        app.logger.exception("could not enqueue render %s", render.public_id)
        renders.mark_failed(render, "queue unavailable")
    return render
