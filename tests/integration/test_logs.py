"""Logs: one JSON line per request and per job, a request id through both, no personal data."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from redis import Redis
from rq import Queue, SimpleWorker

from app.observability import logs
from tests.helpers import Browser, wait_for
from tests.observed import CANARY, TEST_REDIS_URL, drain, own_queues, redis_or_skip

ASCII_CANARY = "Kowalski"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def json_logs(app: Flask, capsys: pytest.CaptureFixture[str]) -> Iterator[None]:
    """The process logs JSON, as in production, for the test; captured from stderr."""
    logs.configure("json", "INFO")
    capsys.readouterr()
    yield
    logs.configure(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])


def _lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    """Every captured stderr line, each of which must be one JSON object."""
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    parsed = []
    for line in lines:
        record = json.loads(line)  # a non-JSON line fails the test here
        assert isinstance(record, dict)
        parsed.append(record)
    assert ASCII_CANARY not in err and CANARY not in err
    for record in parsed:
        assert set(record) <= set(logs.FIELDS), record
        assert "request_id" in record
        assert CANARY not in json.dumps(record, ensure_ascii=False)
    return parsed


def test_the_request_id_is_taken_when_well_formed_and_returned(app: Flask) -> None:
    client = app.test_client()
    given = "4f1c2b7e9a0d4c3f8e6b5a4d3c2b1a09"
    assert client.get("/healthz", headers={"X-Request-ID": given}).headers["X-Request-ID"] == given
    for hostile in (
        "short",
        "x" * 65,
        "abc def ghi jkl",
        "anna.nowak@example.com",
        "<script>x</script>",
    ):
        returned = client.get("/healthz", headers={"X-Request-ID": hostile}).headers["X-Request-ID"]
        assert returned != hostile and logs.REQUEST_ID.match(returned)
    assert client.get("/no-such-page").headers["X-Request-ID"]


def test_a_chat_turn_and_a_render_log_json_lines_without_personal_data(
    app: Flask, browser: Browser, json_logs: None, capsys: pytest.CaptureFixture[str]
) -> None:
    request_id = "chat-turn-0001-abcdef"
    headers = {"X-Request-ID": request_id}
    with own_queues(app):
        response = browser.post(
            "/conversations",
            {"message": f"Nazywam się {CANARY}, dostałem nakaz zapłaty", "topic": ""},
            headers=headers,
        )
        assert response.status_code == 302 and response.headers["X-Request-ID"] == request_id
        url = response.headers["Location"].split("#", 1)[0]
        drain(app)
        browser.wait_idle(url)
        browser.post(
            f"{url}/document",
            {"html": f"<h1>Wniosek</h1><p>{CANARY}</p>", "base_version": "0"},
            headers={"X-Request-ID": "render-request-0002"},
        )
        status_url = browser.post(f"{url}/renders").headers["Location"]
        drain(app)
        wait_for(lambda: "PDF jest gotowy" in browser.get(status_url).get_data(as_text=True))
    lines = _lines(capsys)
    requests = [line for line in lines if line.get("event") == "request"]
    assert requests, lines
    for line in requests:
        assert {"method", "endpoint", "status", "duration_ms", "request_id"} <= set(line)
        assert line["request_id"] and "/" not in line["endpoint"]
    started = [line for line in requests if line["endpoint"] == "conversations.start"]
    assert [line["request_id"] for line in started] == [request_id]
    jobs = [line for line in lines if line.get("event") == "job"]
    generate = [line for line in jobs if line["function"] == "app.tasks.generate.generate"]
    assert len(generate) == 1 and generate[0]["outcome"] == "ok"
    assert generate[0]["duration_ms"] >= 0


def test_the_request_id_reaches_the_model_jobs_line(
    app: Flask, browser: Browser, json_logs: None, capsys: pytest.CaptureFixture[str]
) -> None:
    request_id = "turn-request-000042"
    with own_queues(app):
        response = browser.post(
            "/conversations",
            {"message": "Dostałem nakaz zapłaty", "topic": ""},
            headers={"X-Request-ID": request_id},
        )
        url = response.headers["Location"].split("#", 1)[0]
        drain(app)
        browser.wait_idle(url)
    jobs = [line for line in _lines(capsys) if line.get("event") == "job"]
    assert [line["request_id"] for line in jobs] == [request_id]


def test_a_job_enqueued_in_a_request_logs_its_request_id(
    app: Flask, json_logs: None, capsys: pytest.CaptureFixture[str]
) -> None:
    if not app.config["REDIS_URL"]:
        redis_or_skip()
    connection = Redis.from_url(app.config["REDIS_URL"] or TEST_REDIS_URL)
    queue = Queue(f"obs-meta-{os.getpid()}", connection=connection)
    request_id = "enqueue-request-00007"
    try:
        with app.test_request_context("/healthz", headers={"X-Request-ID": request_id}):
            app.preprocess_request()
            job = queue.enqueue("tests.observed.report_request_id", "x", meta=logs.job_meta())
        assert job.meta == {"request_id": request_id}
        assert logs.current_request_id() is None, "unbound when the request ended"
        with app.app_context():
            SimpleWorker([queue], connection=connection).work(burst=True, with_scheduler=False)
        job.refresh()
        assert job.return_value() == {"tag": "x", "request_id": request_id, "job_id": job.id}
    finally:
        queue.delete(delete_jobs=True)
    jobs = [line for line in _lines(capsys) if line.get("event") == "job"]
    assert len(jobs) == 1
    line = jobs[0]
    assert line["request_id"] == request_id and line["job_id"] == job.id
    assert line["function"] == "tests.observed.report_request_id" and line["outcome"] == "ok"
    assert isinstance(line["duration_ms"], float)


def test_a_thread_carries_the_request_id(app: Flask) -> None:
    seen: list[str | None] = []
    with app.test_request_context("/", headers={"X-Request-ID": "carried-request-0001"}):
        app.preprocess_request()
        work = logs.carry(lambda: seen.append(logs.current_request_id()))
    thread = threading.Thread(target=work)
    thread.start()
    thread.join(5)
    assert seen == ["carried-request-0001"]
