"""Readiness checks: can this process serve a person right now?

Each check is quick (short timeouts), says only yes or no and a short reason, and never
carries a secret (no URLs, hosts or passwords). The web process asks them for /readyz; an
orchestrator (Docker, Kubernetes) stops sending traffic while one fails.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Worker
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError

from app import crypto
from app.extensions import db
from app.models import Message

# A worker's key lives as long as its TTL; an idle RQ worker beats at least this often.
HEARTBEAT_MAX_AGE = timedelta(minutes=10)


@dataclass(frozen=True)
class Check:
    """One dependency: fine or not, and why not in a few words."""

    name: str
    ok: bool
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        """As /readyz shows it."""
        return {"ok": self.ok, **({"detail": self.detail} if self.detail else {})}


def database() -> Check:
    """The database answers a trivial query."""
    try:
        db.session.execute(text("SELECT 1"))
        db.session.commit()
    except SQLAlchemyError as exc:
        db.session.rollback()
        return Check("database", False, type(exc).__name__)
    return Check("database", True)


def encryption() -> Check:
    """The keys open the newest stored message (one indexed row): a wrong or missing key
    fails here rather than on a person's page."""
    try:
        db.session.scalar(select(Message.content).order_by(Message.id.desc()).limit(1))
        db.session.commit()
    except crypto.DecryptionError as exc:
        db.session.rollback()
        return Check("encryption", False, exc.code)
    except SQLAlchemyError as exc:
        db.session.rollback()
        return Check("encryption", False, type(exc).__name__)
    return Check("encryption", True)


def redis(client: Redis) -> Check:
    """Redis answers PING."""
    try:
        client.ping()
    except RedisError as exc:
        return Check("redis", False, type(exc).__name__)
    return Check("redis", True)


def model(http: httpx.Client, wanted: str) -> Check:
    """The model server answers and has the configured model pulled."""
    try:
        response = http.get("/api/tags")
        response.raise_for_status()
        names = {item.get("name", "") for item in response.json().get("models", [])}
    except (httpx.HTTPError, ValueError, AttributeError) as exc:
        return Check("model", False, f"unreachable ({type(exc).__name__})")
    full = wanted if ":" in wanted else f"{wanted}:latest"
    if full not in names and wanted not in names:
        return Check("model", False, "model not pulled")
    return Check("model", True)


def workers(client: Redis, queue_names: dict[str, str]) -> list[Check]:
    """For each queue (role -> name), a worker listening to it has beaten recently."""
    found = []
    now = datetime.now(UTC)
    for role, name in queue_names.items():
        try:
            listening = Worker.all(connection=client, queue=Queue(name, connection=client))
        except RedisError as exc:
            found.append(Check(f"{role}_worker", False, type(exc).__name__))
            continue
        beats = [_aware(worker.last_heartbeat) for worker in listening if worker.last_heartbeat]
        alive = any(now - beat <= HEARTBEAT_MAX_AGE for beat in beats)
        found.append(Check(f"{role}_worker", alive, "" if alive else "no recent heartbeat"))
    return found


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def disk(storage_dir: str, min_free_mb: int) -> Check:
    """The PDF storage has room left (measured where it is, or will be, made)."""
    path = Path(storage_dir)
    while not path.exists() and path != path.parent:
        path = path.parent
    try:
        free_mb = shutil.disk_usage(path).free // (1024 * 1024)
    except OSError as exc:
        return Check("storage", False, type(exc).__name__)
    if free_mb < min_free_mb:
        return Check("storage", False, f"{free_mb} MB free")
    return Check("storage", True)
