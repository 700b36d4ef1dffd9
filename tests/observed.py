"""Helpers for the observability tests: scraping /metrics, running jobs in this process.

Model and PDF jobs normally run in the suite's worker processes (MariaDB backend), whose
metrics and logs this process cannot see; the tests that look at a job's metrics or log
line point the app at queues of their own and run the jobs here with a SimpleWorker.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from prometheus_client.parser import text_string_to_metric_families
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, SimpleWorker

from app.observability import logs

METRICS_TOKEN = "metrics-token-for-the-tests-0123456789"
# The same Redis the suite uses (conftest.py): the test's own queues and keys only.
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CANARY = "Zażółć gęślą jaźń Kowalski"

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(app: Flask, token: str = METRICS_TOKEN) -> str:
    """GET /metrics with the bearer token; the exposition text."""
    app.config["METRICS_TOKEN"] = token
    response = app.test_client().get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def samples(text: str) -> Samples:
    """Every sample of an exposition, keyed by name and labels."""
    found: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(found: Samples, name: str, **labels: str) -> float:
    """The sum of the samples called ``name`` whose labels include ``labels``."""
    wanted = set(labels.items())
    return sum(v for (n, ls), v in found.items() if n == name and wanted <= set(ls))


def redis_or_skip() -> Redis:
    """The test Redis, or skip when it does not answer."""
    connection = Redis.from_url(TEST_REDIS_URL)
    try:
        connection.ping()
    except RedisError:
        pytest.skip("no Redis to test against")
    return connection


@contextmanager
def own_queues(app: Flask) -> Iterator[Redis | None]:
    """Point the app's queues at fresh names nobody consumes (RQ mode); delete them after."""
    if not app.config["REDIS_URL"]:
        yield None
        return
    suffix = uuid.uuid4().hex[:8]
    app.config["RQ_QUEUE"] = f"obs-pdf-{suffix}"
    app.config["RQ_LLM_QUEUE"] = f"obs-llm-{suffix}"
    connection = Redis.from_url(app.config["REDIS_URL"])
    try:
        yield connection
    finally:
        for name in (app.config["RQ_QUEUE"], app.config["RQ_LLM_QUEUE"]):
            Queue(name, connection=connection).delete(delete_jobs=True)
        connection.close()


def drain(app: Flask) -> None:
    """Run every queued job of the app's queues here (RQ mode); embedded: nothing to do."""
    if not app.config["REDIS_URL"]:
        return
    connection = Redis.from_url(app.config["REDIS_URL"])
    queues = [
        Queue(app.config[name], connection=connection) for name in ("RQ_LLM_QUEUE", "RQ_QUEUE")
    ]
    with app.app_context():
        SimpleWorker(queues, connection=connection).work(burst=True, with_scheduler=False)
    connection.close()


@logs.logged_job
def report_request_id(tag: str) -> dict[str, Any]:
    """A job that says which ids it ran with."""
    return {"tag": tag, "request_id": logs.current_request_id(), "job_id": logs.current_job_id()}


def noop() -> None:
    """A job that does nothing (queue depth tests never run it)."""
