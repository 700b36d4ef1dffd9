"""A worker's metrics listener (worker.py calls metrics.serve_worker)."""

from __future__ import annotations

import socket
import urllib.request

from app.observability import metrics


def test_a_worker_serves_its_metrics_on_its_port() -> None:
    assert metrics.serve_worker(0) is None
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = metrics.serve_worker(port)
    try:
        metrics.render_finished("done", 0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:  # noqa: S310
            text = response.read().decode()
    finally:
        server.shutdown()
        server.server_close()
    assert 'mikroporada_render_duration_seconds_count{outcome="done"}' in text
