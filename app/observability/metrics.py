"""Prometheus metrics: what is measured, the /metrics view and the workers' listener.

Every metric is defined here, once per process. Under gunicorn several worker processes
each count their own requests, so prometheus-client runs in multiprocess mode there
(PROMETHEUS_MULTIPROC_DIR, set up in docker/gunicorn.conf.py): each process writes its
values to files in that directory and a scrape sums them. Queue depths are not counted but
read from Redis at scrape time (``QueueCollector``), so any process answers them alike.

Recording helpers never raise: a metric that cannot be written must not fail a request or
a job.
"""

from __future__ import annotations

import hmac
import logging
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ParamSpec

from flask import Flask, Response, abort, current_app, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from redis.exceptions import RedisError

from app.extensions import limiter

log = logging.getLogger(__name__)
P = ParamSpec("P")

PREFIX = "mikroporada"
# Label values we write come from code, but a bad one must not explode the series count.
_LABEL = re.compile(r"^[a-z0-9_]{1,32}$")
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUEST_DURATION = Histogram(
    f"{PREFIX}_http_request_duration_seconds",
    "Time to answer an HTTP request (until the response starts), by Flask endpoint.",
    ["endpoint", "method", "status_class"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
WEBSOCKETS_OPEN = Gauge(
    f"{PREFIX}_websockets_open",
    "Chat sockets open right now.",
    ["endpoint"],
    multiprocess_mode="livesum",
)
WEBSOCKET_SESSIONS = Counter(
    f"{PREFIX}_websocket_sessions",
    "Chat sockets that closed (they are not in the request latency histogram).",
    ["endpoint"],
)
GENERATION_TTFT = Histogram(
    f"{PREFIX}_generation_ttft_seconds",
    "Time from the model call's start to its first token (queue wait excluded).",
    ["kind"],
    buckets=(0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30, 60, 120),
)
GENERATION_TOKENS_PER_SECOND = Histogram(
    f"{PREFIX}_generation_tokens_per_second",
    "The model's generation speed for one turn, as Ollama reports it.",
    ["kind"],
    buckets=(1, 2, 5, 10, 15, 20, 30, 40, 60, 80, 120, 200),
)
GENERATION_DURATION = Histogram(
    f"{PREFIX}_generation_duration_seconds",
    "A turn's wall time from its job's claim to its end, by kind and outcome (its status).",
    ["kind", "outcome"],
    buckets=(0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600),
)
GENERATION_QUEUE_WAIT = Histogram(
    f"{PREFIX}_generation_queue_wait_seconds",
    "Time a turn waited for a model worker.",
    ["kind"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300),
)
RENDER_DURATION = Histogram(
    f"{PREFIX}_render_duration_seconds",
    "A PDF render's duration in the job, by outcome.",
    ["outcome"],
    buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120),
)
RECONCILIATIONS = Counter(
    f"{PREFIX}_reconciliations",
    "Rows moved by reconciliation (a render or turn whose job died), by action.",
    ["action"],
)
QUEUE_JOBS = f"{PREFIX}_queue_jobs"
QUEUE_UP = f"{PREFIX}_queue_redis_up"


def _label(value: str) -> str:
    """A bounded label value: known shapes pass, anything else is 'other'."""
    value = str(value).lower()
    return value if _LABEL.match(value) else "other"


def _safe(func: Callable[P, None]) -> Callable[P, None]:
    """Run a recording helper; a metric that cannot be written is logged, never raised."""

    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            func(*args, **kwargs)
        except (ValueError, TypeError, OSError):
            log.warning("metric not recorded", exc_info=True)

    run.__name__ = func.__name__
    run.__doc__ = func.__doc__
    return run


@_safe
def request_finished(endpoint: str | None, method: str, status: int, seconds: float) -> None:
    """One HTTP request answered (endpoint is Flask's endpoint name, never a path)."""
    REQUEST_DURATION.labels(
        endpoint=endpoint or "unmatched",
        method=method if method in _METHODS else "OTHER",
        status_class=f"{status // 100}xx",
    ).observe(max(0.0, seconds))


@_safe
def websocket_opened(endpoint: str | None) -> None:
    """A chat socket's handshake began."""
    WEBSOCKETS_OPEN.labels(endpoint=endpoint or "unmatched").inc()


@_safe
def websocket_closed(endpoint: str | None) -> None:
    """A chat socket ended."""
    WEBSOCKETS_OPEN.labels(endpoint=endpoint or "unmatched").dec()
    WEBSOCKET_SESSIONS.labels(endpoint=endpoint or "unmatched").inc()


@_safe
def generation_finished(
    kind: str,
    outcome: str,
    wall_ms: float | None,
    ttft_ms: float | None = None,
    tokens_per_s: float | None = None,
    queue_wait_s: float | None = None,
) -> None:
    """One model turn ended (outcome: complete, partial, interrupted, error)."""
    kind = _label(kind)
    if wall_ms is not None:
        GENERATION_DURATION.labels(kind=kind, outcome=_label(outcome)).observe(wall_ms / 1000)
    if ttft_ms is not None:
        GENERATION_TTFT.labels(kind=kind).observe(ttft_ms / 1000)
    if tokens_per_s:
        GENERATION_TOKENS_PER_SECOND.labels(kind=kind).observe(tokens_per_s)
    if queue_wait_s is not None:
        GENERATION_QUEUE_WAIT.labels(kind=kind).observe(max(0.0, queue_wait_s))


@_safe
def render_finished(outcome: str, seconds: float) -> None:
    """One PDF render ended in the job (outcome: done, failed, deleted, superseded)."""
    RENDER_DURATION.labels(outcome=_label(outcome)).observe(max(0.0, seconds))


@_safe
def reconciled(action: str, count: int = 1) -> None:
    """Reconciliation moved ``count`` rows (action: render_timed_out, turn_lost, ...)."""
    if count > 0:
        RECONCILIATIONS.labels(action=_label(action)).inc(count)


class QueueCollector(Collector):
    """RQ queue depths read from Redis when scraped: queued, started and failed jobs.

    One pipelined round trip per scrape; Redis down gives ``mikroporada_queue_redis_up 0``
    and no depths, never an error. Without Redis (embedded mode) the families are empty.
    """

    def __init__(self, connection: Any, queues: dict[str, str]) -> None:
        self.connection = connection
        self.queues = queues

    def collect(self) -> Iterator[Metric]:
        """Yield the depth gauges and whether Redis answered."""
        jobs = GaugeMetricFamily(
            QUEUE_JOBS,
            "RQ jobs per queue (pdf, llm) and state: queued, started (in flight), failed.",
            labels=["queue", "state"],
        )
        up = GaugeMetricFamily(QUEUE_UP, "1 when Redis answered the queue depth query.")
        if self.connection is not None:
            counts = self._counts()
            up.add_metric([], 1.0 if counts is not None else 0.0)
            for (queue, state), count in (counts or {}).items():
                jobs.add_metric([queue, state], float(count))
        yield jobs
        yield up

    def _counts(self) -> dict[tuple[str, str], int] | None:
        from rq import Queue
        from rq.registry import FailedJobRegistry, StartedJobRegistry

        keys: list[tuple[str, str]] = []
        try:
            pipe = self.connection.pipeline(transaction=False)
            for label, name in self.queues.items():
                queue = Queue(name, connection=self.connection)
                started = StartedJobRegistry(queue=queue).key
                failed = FailedJobRegistry(queue=queue).key
                pipe.llen(queue.key)
                pipe.zcard(started)
                pipe.zcard(failed)
                keys += [(label, "queued"), (label, "started"), (label, "failed")]
            results = pipe.execute()
        except (RedisError, OSError):
            return None
        return {key: int(n) for key, n in zip(keys, results, strict=True)}


def queue_collector(app: Flask) -> QueueCollector:
    """The queue collector for this app's Redis and queue names (empty when embedded)."""
    if not app.config["REDIS_URL"]:
        return QueueCollector(None, {})
    from app import clients

    queues = {"pdf": app.config["RQ_QUEUE"], "llm": app.config["RQ_LLM_QUEUE"]}
    return QueueCollector(clients.redis_client(app), queues)


def multiprocess_dir() -> str | None:
    """The multiprocess directory when this process writes its metrics there."""
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def _process_registry() -> CollectorRegistry:
    """This process's metrics: summed over the directory in multiprocess mode."""
    if multiprocess_dir():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


class _Delegate(Collector):
    """Re-export another registry's metrics inside a per-scrape registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry

    def collect(self) -> Iterator[Metric]:
        """Everything the other registry has."""
        yield from self.registry.collect()


def exposition(app: Flask) -> bytes:
    """The text a scrape of the web process gets: process metrics plus queue depths."""
    registry = CollectorRegistry()
    registry.register(_Delegate(_process_registry()))
    registry.register(queue_collector(app))
    return generate_latest(registry)


def authorized(expected: str, header: str | None) -> bool:
    """True when the Authorization header is ``Bearer <expected>`` (constant-time)."""
    scheme, _, token = (header or "").strip().partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(token.strip().encode(), expected.encode())


@limiter.exempt
def metrics_view() -> Response:
    """/metrics: 404 unless METRICS_TOKEN is set, 401 without ``Bearer <METRICS_TOKEN>``."""
    expected = current_app.config["METRICS_TOKEN"]
    if not expected:
        abort(404)  # not configured: do not even say that it exists
    if not authorized(expected, request.headers.get("Authorization")):
        return Response(
            "unauthorized\n",
            status=401,
            mimetype="text/plain",
            headers={"WWW-Authenticate": 'Bearer realm="metrics"', "Cache-Control": "no-store"},
        )
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    response = Response(exposition(app), status=200)
    response.headers["Content-Type"] = CONTENT_TYPE_LATEST
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Serve /metrics (endpoint ``metrics``)."""
    app.add_url_rule("/metrics", endpoint="metrics", view_func=metrics_view, methods=["GET"])


def serve_worker(port: int, addr: str = "127.0.0.1") -> Any:
    """Serve this worker's metrics on ``addr:port`` in a background thread; port 0: off.

    Returns the HTTP server (``shutdown()`` stops it), or None when off.

    Call once in the worker's main process before it starts working (before the PDF
    worker forks its horses). With PROMETHEUS_MULTIPROC_DIR, required by the PDF worker
    whose renders run in its forked horses, the directory is emptied first (files of an
    earlier run would be summed in), so give every worker its own directory. The listener
    has no authentication: bind it to an internal network only.
    """
    if not port:
        return None
    directory = multiprocess_dir()
    if directory:
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink(missing_ok=True)
    server, _ = start_http_server(int(port), addr=addr, registry=_process_registry())
    log.info("worker metrics listening", extra={"event": "metrics_listening", "port": port})
    return server
