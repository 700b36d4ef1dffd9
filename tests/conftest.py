"""Fixtures shared by the whole suite.

The backend comes from TEST_BACKEND: ``mariadb`` (the real MariaDB and Redis of the machine,
with PDF jobs on a real RQ queue consumed by a real ``worker.py`` process) or ``sqlite``
(the embedded default: a SQLite file and in-process PDF jobs). ``make test`` runs both.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from app import create_app
from app.extensions import db, limiter
from tests.fake_ollama import FakeOllama
from tests.helpers import Browser, model_reply

ROOT = Path(__file__).resolve().parent.parent
BACKEND = os.environ.get("TEST_BACKEND", "sqlite")
MARIADB_URL = os.environ.get(
    "TEST_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/test?charset=utf8mb4"
)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
TABLES = (
    "api_sessions",
    "api_keys",
    "transfer_codes",
    "conversation_owners",
    "renders",
    "document_versions",
    "documents",
    "messages",
    "conversations",
)
# One fixed Fernet key for the suite: the app, the workers and raw-data checks share it.
TEST_ENCRYPTION_KEY = "dGVzdC1lbmNyeXB0aW9uLWtleS0zMi1ieXRlcy0wMDA="
# Short model timeouts for the whole suite, the same in the app and in the model worker.
GENERATION_LIMITS = {
    "OLLAMA_TIMEOUT": 5.0,
    "OLLAMA_STALL_TIMEOUT": 1.5,
    "GENERATION_DEADLINE": 30.0,
}


@pytest.fixture(scope="session")
def fake_ollama() -> Iterator[FakeOllama]:
    """One fake Ollama server for the session; reset before every test."""
    server = FakeOllama().start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _reset_fake(request: pytest.FixtureRequest) -> None:
    if "fake_ollama" in request.fixturenames:
        fake = request.getfixturevalue("fake_ollama")
        fake.reset()
        fake.structured_reply = model_reply


@pytest.fixture(scope="session")
def storage_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where PDFs go; shared with the worker process."""
    return tmp_path_factory.mktemp("storage")


@pytest.fixture(scope="session")
def backend_config(tmp_path_factory: pytest.TempPathFactory, storage_dir: Path) -> dict[str, Any]:
    """Config for the chosen backend, with a queue name of its own for this run."""
    if BACKEND == "mariadb":
        return {
            "SQLALCHEMY_DATABASE_URI": MARIADB_URL,
            "REDIS_URL": REDIS_URL,
            "RQ_QUEUE": f"test-pdf-{uuid.uuid4().hex[:8]}",
            "RQ_LLM_QUEUE": f"test-llm-{uuid.uuid4().hex[:8]}",
            "STORAGE_DIR": str(storage_dir),
        }
    if BACKEND != "sqlite":
        raise pytest.UsageError(f"TEST_BACKEND must be sqlite or mariadb, not {BACKEND!r}")
    db_path = tmp_path_factory.mktemp("db") / "test.sqlite3"
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
        "REDIS_URL": None,
        "STORAGE_DIR": str(storage_dir),
    }


def _test_config(backend_config: dict[str, Any], fake_url: str) -> dict[str, Any]:
    return {
        **backend_config,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "ENCRYPTION_KEYS": [TEST_ENCRYPTION_KEY],
        "OLLAMA_HOST": fake_url,
        "RATELIMIT_STORAGE_URI": backend_config["REDIS_URL"] or "memory://",
        "PDF_JOB_TIMEOUT": 60,
        **GENERATION_LIMITS,
    }


@pytest.fixture(scope="session")
def migrated(backend_config: dict[str, Any], fake_ollama: FakeOllama) -> dict[str, Any]:
    """Bring the test database to the newest schema through the real migrations.

    Goes up, all the way down, and up again, so both directions are exercised on the
    backend under test.
    """
    app = create_app(_test_config(backend_config, fake_ollama.url))
    with app.app_context():
        with db.engine.begin() as connection:
            for table in (*TABLES, "alembic_version"):
                connection.execute(text(f"DROP TABLE IF EXISTS {table}"))
        upgrade()
        downgrade(revision="base")
        upgrade()
        db.engine.dispose()
    if backend_config["REDIS_URL"]:
        # Message ids start again at 1 with the new tables: drop the streams and stop flags
        # that an earlier run left under the same ids.
        from redis import Redis

        redis = Redis.from_url(backend_config["REDIS_URL"])
        for key in redis.scan_iter("mikroporada:*"):
            redis.delete(key)
        redis.close()
    return backend_config


@pytest.fixture
def app(migrated: dict[str, Any], fake_ollama: FakeOllama, llm_worker: None) -> Iterator[Flask]:
    """An app on the migrated test database; every table is emptied after the test."""
    application = create_app(_test_config(migrated, fake_ollama.url))
    yield application
    with application.app_context():
        # The limiter is one object per process: clear its counters between tests.
        limiter.reset()
        db.session.remove()
        with db.engine.begin() as connection:
            for table in TABLES:
                connection.execute(text(f"DELETE FROM {table}"))
        db.engine.dispose()


@pytest.fixture
def browser(app: Flask) -> Browser:
    """A form-posting client that behaves like one browser (cookies, CSRF tokens)."""
    return Browser(app.test_client())


@pytest.fixture
def other_browser(app: Flask) -> Browser:
    """A second, unrelated browser session."""
    return Browser(app.test_client())


@pytest.fixture(scope="session")
def pdf_worker(
    migrated: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """A real ``worker.py`` process consuming the test queue (MariaDB backend only)."""
    if not migrated["REDIS_URL"]:
        yield None
        return
    env = {
        **_worker_env(migrated),
        "RQ_QUEUE": migrated["RQ_QUEUE"],
        "STORAGE_DIR": migrated["STORAGE_DIR"],
        "PDF_JOB_TIMEOUT": "60",
    }
    yield from _worker_process([], env, migrated, migrated["RQ_QUEUE"], tmp_path_factory)


@pytest.fixture(scope="session")
def llm_worker(
    migrated: dict[str, Any], fake_ollama: FakeOllama, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """A real ``worker.py llm`` process on the model queue (MariaDB backend only)."""
    if not migrated["REDIS_URL"]:
        yield None
        return
    env = {
        **_worker_env(migrated),
        "RQ_LLM_QUEUE": migrated["RQ_LLM_QUEUE"],
        "OLLAMA_HOST": fake_ollama.url,
        **{name: str(value) for name, value in GENERATION_LIMITS.items()},
    }
    yield from _worker_process(
        ["llm", "--threads", "4"], env, migrated, migrated["RQ_LLM_QUEUE"], tmp_path_factory
    )


def _worker_env(migrated: dict[str, Any]) -> dict[str, str]:
    """What every worker process needs: the test database and Redis."""
    return {
        **os.environ,
        "DATABASE_URL": migrated["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": migrated["REDIS_URL"],
        "SECRET_KEY": "worker-secret-key-that-is-long-enough-0123456789",
        "ENCRYPTION_KEYS": TEST_ENCRYPTION_KEY,
    }


def _worker_process(
    args: list[str],
    env: dict[str, str],
    migrated: dict[str, Any],
    queue_name: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    """Start ``worker.py ARGS``, wait until it listens on its queue, stop it afterwards."""
    from redis import Redis
    from rq import Queue, Worker

    log_path = tmp_path_factory.mktemp("worker") / "worker.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "worker.py"), *args],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    queue = Queue(queue_name, connection=Redis.from_url(migrated["REDIS_URL"]))
    deadline = time.monotonic() + 30
    while not Worker.all(queue=queue):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"worker.py did not start:\n{log_path.read_text()}")
        time.sleep(0.1)
    yield None
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()
    queue.connection.delete(queue.key)


@pytest.fixture
def jobs(pdf_worker: None) -> None:
    """Ensure PDF jobs run: a real worker process on MariaDB, a thread on SQLite."""
    return pdf_worker
