"""Logs: one JSON line per record with whitelisted fields only, request ids, job lines.

What may be logged is decided here, not at each call: ``SafeJsonFormatter`` builds every
line from a fixed set of fields and never copies a record's other attributes. A message's
arguments pass only when they are numbers or short identifier-like tokens (ids, endpoint
names); any other string (free text, a name, an e-mail, an address, a query string) becomes
``[redacted]``, and an exception contributes its type and code locations, never its text.
(On Python 3.11 a logging filter cannot hand a handler a cleaned copy of a record without
changing the record every other handler sees, so the guarantee sits in the formatter.)

A request id is taken from a well-formed ``X-Request-ID`` header or generated, returned on
the response, put on every line logged while the request runs, and carried into the jobs
the request enqueues (``job_meta``), whose lines carry it too (``job_context``).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
import re
import sys
import time
import traceback
import uuid
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, ParamSpec, TypeVar

from pythonjsonlogger.json import JsonFormatter

P = ParamSpec("P")
R = TypeVar("R")

REQUEST_LOGGER = "mikroporada.request"
JOB_LOGGER = "mikroporada.job"
REQUEST_ID_HEADER = "X-Request-ID"
# Ids from nginx ($request_id, 32 hex), UUIDs, and other tracers' plain tokens.
REQUEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{7,63}$")
REDACTED = "[redacted]"
# A string argument passes only like this: one short token without spaces or '@'.
_TOKEN = re.compile(r"^[A-Za-z0-9_.:/-]{1,80}$")
# Tokens that still identify a person: ones holding an IPv4 or IPv6 address ("addr:1.2.3.4").
_ADDRESS = re.compile(r"\d{1,3}(\.\d{1,3}){3}|([0-9A-Fa-f]{0,4}:){2,}")
# Structured fields a record may carry (``extra=``); nothing else reaches a JSON line.
EXTRA_FIELDS = (
    "event",
    "method",
    "endpoint",
    "status",
    "duration_ms",
    "function",
    "outcome",
    "queue",
    "kind",
    "count",
    "port",
)
# Every key a JSON line can have, in order.
FIELDS = (
    "time",
    "level",
    "logger",
    "message",
    *EXTRA_FIELDS,
    "request_id",
    "job_id",
    "exc_type",
    "stack",
)
MAX_FRAMES = 30
# Loggers of this code base, logged at LOG_LEVEL; other libraries log warnings and worse
# (a line per HTTP call to the model server, per WeasyPrint layout step, would drown them)
# unless LOG_LEVEL is DEBUG.
OWN_LOGGERS = ("app", "mikroporada")

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "mikroporada_request_id", default=None
)
_job_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "mikroporada_job_id", default=None
)
job_log = logging.getLogger(JOB_LOGGER)


# Request ids ---------------------------------------------------------------------------


def accept_request_id(header: str | None) -> str:
    """The incoming id if it is well-formed, else a new random one."""
    if header and REQUEST_ID.match(header) and not _ADDRESS.search(header):
        return header
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    """The request id bound in this context (a request, or a job a request started)."""
    return _request_id.get()


def current_job_id() -> str | None:
    """The RQ job id bound in this context, if a job is running."""
    return _job_id.get()


def bind_request_id(request_id: str | None) -> contextvars.Token[str | None]:
    """Bind a request id to this context; reset with ``reset_request_id(token)``."""
    return _request_id.set(request_id)


def reset_request_id(token: contextvars.Token[str | None]) -> None:
    """Undo ``bind_request_id``."""
    _request_id.reset(token)


def job_meta() -> dict[str, str]:
    """``meta`` for ``Queue.enqueue``: the current request id, so the job's lines carry it."""
    request_id = current_request_id()
    return {"request_id": request_id} if request_id else {}


def carry(func: Callable[P, R]) -> Callable[P, R]:
    """Wrap ``func`` to run in another thread with this context's request id bound.

    For the embedded mode, where a job is a thread of the web process, not an RQ job:
    ``pool.submit(logs.carry(run), ...)``. Only the id travels, not Flask's contexts.
    """
    request_id = current_request_id()

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        token = bind_request_id(request_id)
        try:
            return func(*args, **kwargs)
        finally:
            reset_request_id(token)

    return run


def _rq_job() -> Any:
    """The RQ job running in this thread, if any."""
    try:
        from rq import get_current_job
    except ImportError:  # pragma: no cover - rq is a dependency
        return None
    return get_current_job()


@contextlib.contextmanager
def job_context(function: str | None = None, request_id: str | None = None) -> Iterator[None]:
    """Run a job's body with its ids bound and write its line: function, outcome, duration.

    The request id comes from the argument, else the RQ job's ``meta`` (set by
    ``job_meta`` at enqueue), else whatever the thread already has bound (``carry``).
    """
    job = _rq_job()
    meta = getattr(job, "meta", None) or {}
    found = request_id or meta.get("request_id") or current_request_id()
    request_token = bind_request_id(found if isinstance(found, str) else None)
    job_token = _job_id.set(getattr(job, "id", None))
    name = function or getattr(job, "func_name", None) or "unknown"
    started = time.monotonic()
    outcome = "ok"
    try:
        yield
    except BaseException:
        outcome = "failed"
        raise
    finally:
        job_log.info(
            "job",
            extra={
                "event": "job",
                "function": name,
                "outcome": outcome,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
            },
        )
        _job_id.reset(job_token)
        reset_request_id(request_token)


def logged_job(func: Callable[P, R]) -> Callable[P, R]:
    """Decorate a job function: its body runs in ``job_context`` named after it."""
    name = f"{func.__module__}.{func.__qualname__}"

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with job_context(name):
            return func(*args, **kwargs)

    return run


# Formatting ----------------------------------------------------------------------------


def _safe_value(value: Any) -> Any:
    """Numbers, booleans and None pass; strings only as safe tokens; anything else redacted."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str) and _TOKEN.match(value) and not _ADDRESS.search(value):
        return value
    return REDACTED


def _safe_message(record: logging.LogRecord) -> str:
    """The record's template with only safe arguments filled in."""
    if getattr(record, "event", None):
        return str(_safe_value(record.event))
    if not isinstance(record.msg, str):
        return REDACTED  # an object logged as the message: its text is not ours to trust
    args = record.args
    if not args:
        return record.msg
    try:
        if isinstance(args, Mapping):
            return record.msg % {key: _safe_value(value) for key, value in args.items()}
        return record.msg % tuple(_safe_value(value) for value in args)
    except (TypeError, ValueError, KeyError):
        return record.msg


def _frames(tb: Any) -> list[str]:
    """Where an exception passed: 'file:line in function', the last MAX_FRAMES frames."""
    frames = traceback.extract_tb(tb)[-MAX_FRAMES:]
    return [
        f"{'/'.join(frame.filename.split('/')[-3:])}:{frame.lineno} in {frame.name}"
        for frame in frames
    ]


def safe_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The whitelisted fields of a record, and nothing else."""
    fields: dict[str, Any] = {
        "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
        "level": record.levelname,
        "logger": record.name,
        "message": _safe_message(record),
    }
    for name in EXTRA_FIELDS:
        if name in record.__dict__:
            fields[name] = _safe_value(record.__dict__[name])
    fields["request_id"] = current_request_id()
    job_id = current_job_id()
    if job_id:
        fields["job_id"] = _safe_value(job_id)
    if record.exc_info and record.exc_info[0] is not None:
        exc_type = record.exc_info[0]
        module = exc_type.__module__
        fields["exc_type"] = (
            exc_type.__qualname__ if module == "builtins" else f"{module}.{exc_type.__qualname__}"
        )
        fields["stack"] = _frames(record.exc_info[2])
    return {key: fields[key] for key in FIELDS if key in fields}


class SafeJsonFormatter(JsonFormatter):
    """python-json-logger's serialisation of ``safe_fields``: whitelisted keys only."""

    def format(self, record: logging.LogRecord) -> str:
        """One JSON object; the record's own attributes are never copied wholesale."""
        return self.serialize_log_record(self.process_log_record(safe_fields(record)))


class TextFormatter(logging.Formatter):
    """Development logs: the usual line, plus structured fields and the request id."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        """The standard line with ``key=value`` pairs appended."""
        line = super().format(record)
        pairs = [
            f"{name}={record.__dict__[name]}"
            for name in EXTRA_FIELDS
            if name != "event" and name in record.__dict__
        ]
        if current_request_id():
            pairs.append(f"request_id={current_request_id()}")
        if current_job_id():
            pairs.append(f"job_id={current_job_id()}")
        if not pairs:
            return line
        head, newline, rest = line.partition("\n")
        return f"{head} {' '.join(pairs)}{newline}{rest}"


class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time (a test's capture, too)."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self) -> Any:  # type: ignore[override]
        """The current standard error."""
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        """Ignored: the stream is always the current standard error."""


def make_formatter(log_format: str) -> logging.Formatter:
    """The formatter for LOG_FORMAT (json or text)."""
    return SafeJsonFormatter() if log_format == "json" else TextFormatter()


def configure(log_format: str, level: str = "INFO") -> logging.Handler:
    """Install the process's one log handler on the root logger (again: replaced).

    A plain stderr/stdout handler left by ``logging.basicConfig`` (worker.py) is replaced
    too, so a worker's lines have the same format as the web's. Others (pytest's) stay.
    """
    root = logging.getLogger()
    standard = (sys.stderr, sys.stdout, sys.__stderr__, sys.__stdout__)
    for handler in list(root.handlers):
        plain = type(handler) is logging.StreamHandler and handler.stream in standard
        if plain or isinstance(handler, StderrHandler):
            root.removeHandler(handler)
    handler = StderrHandler()
    handler.setFormatter(make_formatter(log_format))
    root.addHandler(handler)
    wanted = logging.getLevelName(level.upper())
    root.setLevel(wanted if wanted == logging.DEBUG else max(wanted, logging.WARNING))
    for name in OWN_LOGGERS:
        logging.getLogger(name).setLevel(wanted)
    return handler
