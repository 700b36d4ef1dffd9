"""The PDF job: takes a render id, runs the render service inside the app context."""

from __future__ import annotations

from types import TracebackType

from flask import current_app
from redis import Redis
from rq.job import Job
from rq.timeouts import JobTimeoutException

from app.extensions import db
from app.observability import logs
from app.services import renders


@logs.logged_job
def render_pdf(render_id: int) -> None:
    """Render the PDF for one render row; the row records success or failure."""
    renders.run(render_id, current_app.config["STORAGE_DIR"])


def render_failed(
    job: Job,
    connection: Redis,
    kind: type[BaseException],
    value: BaseException,
    traceback: TracebackType | None,
) -> None:
    """RQ's failure callback, after every failed attempt: the last one fails the render
    with what happened (timed out, out of memory, or another error)."""
    if job.should_retry or not job.args:
        return  # RQ requeues it; the row stays running until the next attempt claims it
    db.session.rollback()  # the timeout or MemoryError may have cut a transaction short
    if issubclass(kind, JobTimeoutException):
        code = renders.TIMED_OUT
    elif issubclass(kind, MemoryError):
        code = renders.MEMORY
    else:
        code = renders.BROKEN
    renders.fail_by_id(int(job.args[0]), code)
