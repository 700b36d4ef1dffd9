"""Gunicorn settings shared by `make run` and the Docker image.

One gevent worker per container: every open chat socket is a greenlet, not an OS thread, so
one process holds hundreds of them (measured in bench/stream_bench.py; see README, "Serving
many sockets"). Scale out with more containers (or WEB_WORKERS) behind nginx: any web process
can relay any reply, because replies travel through Redis.

Metrics (docs/observability.md): every worker process writes its counts to files in
PROMETHEUS_MULTIPROC_DIR and a scrape of any worker sums them all. The directory is set here,
before any worker imports prometheus-client, emptied when gunicorn starts (files of an
earlier run would be summed in), and a dead worker's live gauges are dropped as it exits.
"""

import os
import shutil
import tempfile
from pathlib import Path

bind = os.environ.get("BIND", "0.0.0.0:8000")
worker_class = "gevent"
workers = int(os.environ.get("WEB_WORKERS", "1"))
worker_connections = int(os.environ.get("WEB_WORKER_CONNECTIONS", "1000"))
# With gevent this is the worker's heartbeat, not a request limit: sockets stay open.
timeout = 60
graceful_timeout = 30
keepalive = 5
# The app writes one line per request (endpoint, status, duration, request id) without the
# path or query string, which may hold case ids or personal data; gunicorn's access log
# would print both, so it is off unless GUNICORN_ACCESSLOG names a file ("-": stdout).
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
# No control socket (gunicorn 27's runtime management interface): nothing uses it, and in the
# image the home directory where it would go is read-only.
control_socket_disable = True

_own_metrics_dir = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
# One directory per gunicorn master unless given: two instances on one host never mix.
metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or os.path.join(
    tempfile.gettempdir(), f"mikroporada-metrics-{os.getpid()}"
)
os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir


def on_starting(server):  # type: ignore[no-untyped-def]
    """Start with an empty metrics directory."""
    path = Path(metrics_dir)
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink(missing_ok=True)


def child_exit(server, worker):  # type: ignore[no-untyped-def]
    """A worker exited: drop its live gauges (its counters and histograms stay summed)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid, metrics_dir)


def on_exit(server):  # type: ignore[no-untyped-def]
    """Remove the metrics directory gunicorn made for itself."""
    if _own_metrics_dir:
        shutil.rmtree(metrics_dir, ignore_errors=True)
