"""/metrics: who may read it, what it counts, and that several gunicorn workers add up."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from prometheus_client.parser import text_string_to_metric_families
from rq import Queue

from app import crypto
from app.observability import metrics
from tests.fake_ollama import FakeOllama
from tests.helpers import Browser, wait_for
from tests.observed import (
    METRICS_TOKEN,
    TEST_REDIS_URL,
    drain,
    own_queues,
    redis_or_skip,
    samples,
    scrape,
    value,
)

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "docker" / "grafana" / "dashboards" / "mikroporada.json"
LATENCY = "mikroporada_http_request_duration_seconds"


def test_hidden_without_a_token_and_refused_with_a_wrong_one(app: Flask) -> None:
    client = app.test_client()
    app.config["METRICS_TOKEN"] = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer x"}).status_code == 404
    app.config["METRICS_TOKEN"] = METRICS_TOKEN
    refused = client.get("/metrics")
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].startswith("Bearer")
    for header in (f"Bearer {METRICS_TOKEN}x", f"Basic {METRICS_TOKEN}", METRICS_TOKEN, "Bearer"):
        response = client.get("/metrics", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert LATENCY not in response.get_data(as_text=True)
    ok = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert ok.status_code == 200 and ok.mimetype == "text/plain"
    assert ok.headers["Cache-Control"] == "no-store"


def test_requests_are_timed_by_endpoint_never_by_path(app: Flask, browser: Browser) -> None:
    before = samples(scrape(app))
    client = app.test_client()
    for _ in range(3):
        assert client.get("/healthz?email=anna.nowak@example.com").status_code == 200
    assert client.get("/no-such-page/anna.nowak@example.com").status_code == 404
    url = browser.start()
    after_text = scrape(app)
    after = samples(after_text)
    count = f"{LATENCY}_count"
    healthz = {"endpoint": "health.healthz", "method": "GET", "status_class": "2xx"}
    assert value(after, count, **healthz) - value(before, count, **healthz) == 3
    bucket = value(after, f"{LATENCY}_bucket", le="+Inf", **healthz)
    assert bucket - value(before, f"{LATENCY}_bucket", le="+Inf", **healthz) == 3
    assert value(after, count, endpoint="unmatched", status_class="4xx") >= 1
    assert value(after, count, endpoint="conversations.start", method="POST") >= 1
    # Only endpoint names: no path, case id or query string ever becomes a label.
    assert "anna.nowak" not in after_text and url.rsplit("/", 1)[-1] not in after_text
    endpoints = {dict(labels).get("endpoint") for (name, labels) in after if name == count}
    assert all(re.fullmatch(r"[a-z_]+(\.[a-z_]+)?|unmatched", e or "") for e in endpoints)


def test_queue_depths_are_read_from_redis_when_scraped(app: Flask) -> None:
    if not app.config["REDIS_URL"]:
        redis_or_skip()
        app.config["REDIS_URL"] = TEST_REDIS_URL
    with own_queues(app) as connection:
        assert connection is not None
        for _ in range(3):
            Queue(app.config["RQ_QUEUE"], connection=connection).enqueue("tests.observed.noop")
        Queue(app.config["RQ_LLM_QUEUE"], connection=connection).enqueue("tests.observed.noop")
        found = samples(scrape(app))
        assert value(found, "mikroporada_queue_jobs", queue="pdf", state="queued") == 3
        assert value(found, "mikroporada_queue_jobs", queue="llm", state="queued") == 1
        assert value(found, "mikroporada_queue_jobs", queue="pdf", state="started") == 0
        assert value(found, "mikroporada_queue_redis_up") == 1
    # Redis down: the scrape still answers, saying so.
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    app.extensions.pop("mikroporada.redis", None)
    found = samples(scrape(app))
    assert value(found, "mikroporada_queue_redis_up") == 0
    assert not [key for key in found if key[0] == "mikroporada_queue_jobs"]


def test_a_chat_turn_records_time_to_first_token_and_speed(
    app: Flask, browser: Browser, fake_ollama: FakeOllama
) -> None:
    before = samples(scrape(app))
    with own_queues(app):
        url = browser.start("Dostałem nakaz zapłaty, co robić?", wait=False)
        drain(app)
        browser.wait_idle(url)
    after = samples(scrape(app))

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("mikroporada_generation_ttft_seconds_count", kind="chat") == 1
    assert delta("mikroporada_generation_ttft_seconds_sum", kind="chat") > 0
    assert delta("mikroporada_generation_tokens_per_second_count", kind="chat") == 1
    assert delta("mikroporada_generation_queue_wait_seconds_count", kind="chat") == 1
    assert (
        delta("mikroporada_generation_duration_seconds_count", kind="chat", outcome="complete") == 1
    )


def test_render_and_reconciliation_helpers_record(app: Flask) -> None:
    before = samples(scrape(app))
    metrics.render_finished("done", 0.4)
    metrics.render_finished("Not A Label!", 1.0)  # bounded: becomes "other"
    metrics.reconciled("render_requeued")
    metrics.reconciled("render_requeued", 0)
    after = samples(scrape(app))
    name = "mikroporada_render_duration_seconds_count"
    assert value(after, name, outcome="done") - value(before, name, outcome="done") == 1
    assert value(after, name, outcome="other") - value(before, name, outcome="other") == 1
    counter = "mikroporada_reconciliations_total"
    action = {"action": "render_requeued"}
    assert value(after, counter, **action) - value(before, counter, **action) == 1


# The dashboard -------------------------------------------------------------------------

PROMQL_WORDS = {
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "offset",
    "bool",
    "and",
    "or",
    "unless",
    "inf",
    "nan",
}


def _metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression reads."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', "", expr)  # strings
    expr = re.sub(r"\{[^}]*\}", "", expr)  # label matchers
    expr = re.sub(r"\[[^\]]*\]", "", expr)  # ranges
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", expr)
    names = set()
    for match in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", expr):
        rest = expr[match.end() :].lstrip()
        word = match.group(0)
        if rest.startswith("(") or word.lower() in PROMQL_WORDS or word.startswith("$"):
            continue
        if expr[max(0, match.start() - 1)] == "$":
            continue  # a Grafana variable such as $__rate_interval
        names.add(word)
    return names


def _panels(items: list[dict]) -> Iterator[dict]:
    for item in items:
        yield item
        yield from _panels(item.get("panels", []))


def _exported(text: str) -> set[str]:
    """Every sample name the exposition's families can have."""
    names = set()
    for family in text_string_to_metric_families(text):
        suffixes = {
            "histogram": ("_bucket", "_count", "_sum"),
            "counter": ("_total",),
            "summary": ("_count", "_sum"),
        }.get(family.type, ("",))
        names |= {family.name + suffix for suffix in suffixes}
    return names


def test_every_dashboard_query_reads_metrics_the_app_exports(app: Flask) -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    exported = _exported(scrape(app)) | {"up"}
    panels = [p for p in _panels(dashboard["panels"]) if p.get("type") != "row"]
    assert len(panels) >= 10
    covered = set()
    for panel in panels:
        exprs = [target["expr"] for target in panel.get("targets", [])]
        assert exprs, f"panel {panel['title']!r} has no query"
        for expr in exprs:
            names = _metric_names(expr)
            assert names, f"{panel['title']!r}: no metric in {expr!r}"
            unknown = names - exported
            assert not unknown, f"{panel['title']!r} reads {unknown}, not exported"
            covered |= names
    ours = {
        name
        for name in exported
        if name.startswith("mikroporada_") and not name.endswith("_created")
    }
    families = {re.sub(r"_(bucket|count|sum|total)$", "", name) for name in ours}
    shown = {re.sub(r"_(bucket|count|sum|total)$", "", name) for name in covered}
    assert families <= shown, f"not on the dashboard: {families - shown}"


# Several gunicorn workers --------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, token: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (loopback)
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, ""
    except (urllib.error.URLError, TimeoutError, ConnectionError):
        return 0, ""  # not listening yet, or a worker still booting


def _children(pid: int) -> set[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(child) for child in path.read_text().split()} if path.exists() else set()


@pytest.fixture
def gunicorn(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen, Path]]:
    """gunicorn with docker/gunicorn.conf.py and two workers on a free loopback port."""
    port = _free_port()
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "counter_1.db").write_bytes(b"")  # a stale file from an earlier run
    env = {
        **os.environ,
        "BIND": f"127.0.0.1:{port}",
        "WEB_WORKERS": "2",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "METRICS_TOKEN": METRICS_TOKEN,
        "SECRET_KEY": "gunicorn-test-secret-key-0123456789abcdef",
        "ENCRYPTION_KEYS": crypto.new_key(),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "STORAGE_DIR": str(tmp_path / "storage"),
        "REDIS_URL": "",
        "LOG_FORMAT": "json",
    }
    log = (tmp_path / "gunicorn.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "docker/gunicorn.conf.py",
            "app:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(
            lambda: (
                process.poll() is None
                and len(_children(process.pid)) == 2
                and _get(f"{base}/healthz")[0] == 200
            ),
            timeout=30,
            interval=0.2,
        )
        yield base, process, metrics_dir
    finally:
        process.send_signal(signal.SIGINT)  # quick shutdown (SIGTERM waits for connections)
        try:
            process.wait(timeout=5)  # a worker still holding a socket is not worth waiting for
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


def test_two_gunicorn_workers_add_up_and_survive_a_restart(
    gunicorn: tuple[str, subprocess.Popen, Path],
) -> None:
    base, process, metrics_dir = gunicorn
    assert not (metrics_dir / "counter_1.db").exists(), "stale files are removed at start"
    healthz = {"endpoint": "health.healthz", "method": "GET", "status_class": "2xx"}
    assert _get(f"{base}/metrics")[0] == 401
    status, text = _get(f"{base}/metrics", METRICS_TOKEN)
    assert status == 200
    start = value(samples(text), f"{LATENCY}_count", **healthz)
    assert start >= 1  # the fixture's readiness probes
    for _ in range(20):
        assert _get(f"{base}/healthz")[0] == 200
    served = {int(p.stem.split("_")[1]) for p in metrics_dir.glob("histogram_*.db")}
    victim = next(iter(served & _children(process.pid)))
    os.kill(victim, signal.SIGTERM)
    wait_for(
        lambda: victim not in _children(process.pid) and len(_children(process.pid)) == 2,
        timeout=30,
        interval=0.2,
    )
    for _ in range(9):
        assert _get(f"{base}/healthz")[0] == 200
    # Each scrape lands on either worker; every one sums all processes, the dead one too.
    for _ in range(6):
        status, text = _get(f"{base}/metrics", METRICS_TOKEN)
        assert status == 200
        found = samples(text)
        assert value(found, f"{LATENCY}_count", **healthz) == start + 29
        assert value(found, f"{LATENCY}_bucket", le="+Inf", **healthz) == start + 29
    pids = {int(p.stem.split("_")[1]) for p in metrics_dir.glob("histogram_*.db")}
    assert victim in pids and len(pids) >= 2
