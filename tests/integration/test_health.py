"""/healthz and /readyz: JSON, quick, public, without secrets, and honest about what fails."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.fake_ollama import FakeOllama


def _ready(app: Flask, path: str = "/readyz") -> tuple[int, dict[str, Any], str]:
    response = app.test_client().get(path)
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    return response.status_code, response.get_json(), response.get_data(as_text=True)


def test_alive_asks_nothing(app: Flask) -> None:
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:////nonexistent/dir/db.sqlite3"
    response = app.test_client().get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_ready_when_everything_answers(app: Flask, jobs: None) -> None:
    status, body, _ = _ready(app)
    assert status == 200 and body["status"] == "ready", body
    names = set(body["checks"])
    assert {"database", "model", "storage"} <= names
    if app.config["REDIS_URL"]:
        # The suite's real PDF and model workers beat on their queues.
        assert {"redis", "pdf_worker", "model_worker"} <= names
    assert all(check["ok"] for check in body["checks"].values())


def test_not_ready_names_what_fails_and_tells_no_secret(
    app: Flask, fake_ollama: FakeOllama
) -> None:
    fake_ollama.models[:] = ["llama3:8b"]
    app.config["READY_MIN_FREE_MB"] = 10**12
    status, body, text = _ready(app)
    assert status == 503 and body["status"] == "not_ready"
    assert body["checks"]["model"] == {"ok": False, "detail": "model not pulled"}
    assert body["checks"]["storage"]["ok"] is False
    assert body["checks"]["database"] == {"ok": True}
    for secret in (
        fake_ollama.url,
        app.config["SQLALCHEMY_DATABASE_URI"],
        app.config["SECRET_KEY"],
    ):
        assert secret not in text
    if app.config["REDIS_URL"]:
        assert app.config["REDIS_URL"] not in text


def test_not_ready_without_the_model_server(app: Flask) -> None:
    app.config["OLLAMA_HOST"] = "http://127.0.0.1:9"
    app.extensions.pop("mikroporada.ollama_http", None)
    status, body, _ = _ready(app)
    assert status == 503 and body["checks"]["model"]["ok"] is False
    assert body["checks"]["model"]["detail"].startswith("unreachable")


def test_not_ready_without_a_listening_worker(app: Flask) -> None:
    if not app.config["REDIS_URL"]:
        pytest.skip("embedded: jobs run in the web process, there is no worker to miss")
    app.config["RQ_QUEUE"] = "nobody-listens-here"
    status, body, _ = _ready(app)
    assert status == 503
    assert body["checks"]["pdf_worker"] == {"ok": False, "detail": "no recent heartbeat"}


def test_serving_scope_leaves_out_what_every_web_shares(app: Flask) -> None:
    """The orchestrator's readiness probe: the model (and the workers) down must not take
    every web out of service; the guided letters work without them."""
    app.config["OLLAMA_HOST"] = "http://127.0.0.1:9"
    app.config["RQ_QUEUE"] = "nobody-listens-here"
    app.extensions.pop("mikroporada.ollama_http", None)
    assert _ready(app)[0] == 503
    status, body, _ = _ready(app, "/readyz?scope=serving")
    assert status == 200 and body["status"] == "ready", body
    expected = {"database", "encryption", "storage"} | (
        {"redis"} if app.config["REDIS_URL"] else set()
    )
    assert set(body["checks"]) == expected
    # What the pod itself needs still counts.
    app.config["READY_MIN_FREE_MB"] = 10**12
    status, body, _ = _ready(app, "/readyz?scope=serving")
    assert status == 503 and body["checks"]["storage"]["ok"] is False
