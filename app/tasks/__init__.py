"""Background jobs: RQ when REDIS_URL is set, otherwise a thread in this process."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app
from redis.exceptions import RedisError
from rq import Callback, Queue, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from app import clients
from app.models import DocumentVersion, Message, Render
from app.observability import logs, metrics
from app.services import generation, renders
from app.tasks.generate import generate
from app.tasks.render import render_pdf

# Renders this process runs in threads (embedded mode, where the web process is the worker).
_running: set[int] = set()
_running_lock = threading.Lock()
# Job states in which a render's job will still run (or is running).
ALIVE = (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED)
# A queued row younger than this may not have its job in Redis yet (enqueued just after
# the commit), so reconciliation leaves it alone.
ENQUEUE_GRACE_S = 10


def queue_for(app: Flask, name: str | None = None) -> Queue:
    """An RQ queue on the process's shared Redis client (PDF jobs by default)."""
    return Queue(name or app.config["RQ_QUEUE"], connection=clients.redis_client(app))


def _in_app(app: Flask, func: Callable[[int], None], item_id: int) -> None:
    with app.app_context():
        func(item_id)


def _render_in_app(app: Flask, render_id: int) -> None:
    try:
        _in_app(app, render_pdf, render_id)
    finally:
        with _running_lock:
            _running.discard(render_id)


def enqueue_turn(message: Message) -> Message:
    """Start the model job for a pending turn: the model queue, or the embedded pool.

    If the queue cannot be reached the turn ends at once as an error that the page explains;
    the person's message stays saved.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not app.config["REDIS_URL"]:
        generation.announce_start(message, clients.bus(app))
        clients.generation_pool(app).submit(logs.carry(_in_app), app, generate, message.id)
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
            meta=logs.job_meta(),
        )
    except RedisError:
        app.logger.exception("could not enqueue turn %s", message.id)
        generation.fail_unqueued(message)
    return message


def _run_in_thread(app: Flask, render_id: int) -> None:
    """Run a render (CPU-bound) beside the web process's requests.

    Under gunicorn's gevent worker a threading.Thread is a greenlet, and a render in it would
    stall every open socket until it finished: there, gevent's pool of real OS threads runs it.
    """
    with _running_lock:
        _running.add(render_id)
    if _gevent_patched():
        import gevent

        gevent.get_hub().threadpool.spawn(logs.carry(_render_in_app), app, render_id)
        return
    threading.Thread(
        target=logs.carry(_render_in_app),
        args=(app, render_id),
        name=f"render-{render_id}",
        daemon=True,
    ).start()


def _gevent_patched() -> bool:
    try:
        from gevent import monkey
    except ImportError:
        return False
    return bool(monkey.is_module_patched("threading"))


def render_job_id(render: Render) -> str:
    """The RQ job id of a render: fixed, so reconciliation can tell whether it vanished."""
    return f"render-{render.public_id}"


def enqueue_render(render: Render) -> None:
    """Start the PDF job for a render (raises redis errors when the queue is down)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not app.config["REDIS_URL"]:
        _run_in_thread(app, render.id)
        return
    queue_for(app).enqueue(
        "app.tasks.render.render_pdf",
        render.id,
        job_id=render_job_id(render),
        job_timeout=app.config["PDF_JOB_TIMEOUT"],
        result_ttl=3600,
        failure_ttl=7 * 24 * 3600,
        # Requeued at once, not scheduled: a retry needs no scheduler process (one was seen
        # left dead after a Redis restart, and scheduled retries then never ran).
        retry=Retry(max=1),
        # Called after every failed attempt; it fails the render after the last one.
        on_failure=Callback("app.tasks.render.render_failed"),
        description=f"render {render.id}",
        meta=logs.job_meta(),
    )


def render_alive(app: Flask, render: Render) -> bool:
    """Whether the render's job will still run: in Redis and queued or running there, or
    (embedded mode) a thread of this process on it."""
    if not app.config["REDIS_URL"]:
        with _running_lock:
            return render.id in _running
    try:
        status = Job.fetch(render_job_id(render), connection=clients.redis_client(app)).get_status()
    except NoSuchJobError:
        return False
    return status in ALIVE


@dataclass
class Reconciled:
    """What one reconciliation pass did."""

    requeued: int = 0
    failed: int = 0


def reconcile_renders(app: Flask) -> Reconciled:
    """Bring unfinished render rows in line with the queue (the worker runs this every few
    seconds): past the deadline a render is failed as lost; a younger one whose job
    vanished (Redis emptied or restarted, a worker gone with it) is enqueued again."""
    done = Reconciled()
    deadline = render_deadline(app)
    for render in renders.unfinished():
        if renders.reconcile(render, deadline).finished:
            done.failed += 1
            continue
        since = render.started_at or render.queued_at
        young = (renders.utcnow() - since).total_seconds() < ENQUEUE_GRACE_S
        if young or render_alive(app, render):
            continue
        status = _job_status(app, render)
        if status is None:
            enqueue_render(render)
            metrics.reconciled("render_requeued")
            done.requeued += 1
        elif renders.mark_failed(render, renders.LOST):
            metrics.reconciled("render_lost")
            done.failed += 1  # its job ended (failed for good) without failing the row
    return done


def _job_status(app: Flask, render: Render) -> JobStatus | None:
    try:
        return Job.fetch(render_job_id(render), connection=clients.redis_client(app)).get_status()
    except NoSuchJobError:
        return None


def render_deadline(app: Flask) -> int:
    """Seconds after which an unfinished render is certainly dead (every attempt timed out)."""
    return app.config["PDF_JOB_TIMEOUT"] * 2 + 60


def queue_render(version: DocumentVersion, owner: str | None = None) -> Render:
    """The render for this version: a finished or still running one, else a new queued one
    (refused with RendersBusy when ``owner`` already has RENDERS_IN_FLIGHT in flight: a soft
    budget, so two exactly simultaneous clicks may both pass).

    If the queue cannot be reached the new render fails at once with a reason the status
    page explains; the letter itself is untouched.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    existing = renders.reusable(
        version,
        app.config["STORAGE_DIR"],
        render_deadline(app),
        alive=lambda render: _alive_or_unknown(app, render),
    )
    if existing is not None:
        return existing
    if owner and renders.in_flight_for(owner) >= app.config["RENDERS_IN_FLIGHT"]:
        raise RendersBusy()
    render, created = renders.create(version)
    if not created:
        return render  # a concurrent click made it and enqueues it
    try:
        enqueue_render(render)
    except RedisError:
        app.logger.exception("could not enqueue render %s", render.public_id)
        renders.mark_failed(render, renders.QUEUE_DOWN)
    return render


class RendersBusy(Exception):
    """The person already has RENDERS_IN_FLIGHT renders queued or running (code
    renders_busy)."""

    code = "renders_busy"


def _alive_or_unknown(app: Flask, render: Render) -> bool:
    """Alive, or too young to tell (a concurrent click may not have enqueued it yet), or
    Redis cannot say: only then is the render not declared lost."""
    if (renders.utcnow() - render.queued_at).total_seconds() < ENQUEUE_GRACE_S:
        return True
    try:
        return render_alive(app, render)
    except RedisError:
        return True
