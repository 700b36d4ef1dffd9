"""One Redis client, one Ollama client, one chunk bus (and, embedded, one pool of model
threads) per process, made on first use.

Each holds a connection pool; building one per call would open a connection per call. They
live in ``app.extensions`` so every app (a test may build several) has its own.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import ollama
from flask import Flask, current_app
from redis import Redis

from app.services import llm
from app.services.bus import Bus, MemoryBus, RedisBus
from app.services.slots import MemorySlots, RedisSlots, Slots

_lock = threading.RLock()


def _app(app: Flask | None) -> Flask:
    return app or current_app._get_current_object()  # type: ignore[attr-defined]


def _once(app: Flask, name: str, build: Any) -> Any:
    key = f"mikroporada.{name}"
    if key not in app.extensions:
        with _lock:
            if key not in app.extensions:
                app.extensions[key] = build()
    return app.extensions[key]


def redis_client(app: Flask | None = None) -> Redis:
    """The process's Redis client (REDIS_URL must be set)."""
    app = _app(app)
    return _once(
        app,
        "redis",
        lambda: Redis.from_url(
            app.config["REDIS_URL"],
            socket_connect_timeout=3,
            health_check_interval=30,
            # Every open chat socket waits for chunks on a connection of its own; redis-py's
            # default of 100 would fail the 101st with MaxConnectionsError.
            max_connections=int(app.config["REDIS_MAX_CONNECTIONS"]),
        ),
    )


def ollama_client(app: Flask | None = None) -> ollama.Client:
    """The process's Ollama client."""
    app = _app(app)
    return _once(app, "ollama", lambda: llm.make_client(llm.LLMSettings.from_config(app.config)))


def ollama_http(app: Flask | None = None) -> httpx.Client:
    """The process's plain HTTP client for the model server's small requests (its version),
    with short timeouts: a health check must answer quickly even when Ollama does not."""
    app = _app(app)
    return _once(
        app,
        "ollama_http",
        lambda: httpx.Client(base_url=app.config["OLLAMA_HOST"], timeout=httpx.Timeout(2.0)),
    )


def generation_pool(app: Flask | None = None) -> ThreadPoolExecutor:
    """Embedded mode: a bounded pool of threads plays the part of the model workers."""
    app = _app(app)
    return _once(
        app,
        "generation_pool",
        lambda: ThreadPoolExecutor(
            max_workers=int(app.config["GENERATION_THREADS"]), thread_name_prefix="generate"
        ),
    )


def slots(app: Flask | None = None) -> Slots:
    """Counted slots for long requests: Redis when REDIS_URL is set, else in-process."""
    app = _app(app)
    if app.config["REDIS_URL"]:
        return _once(app, "slots", lambda: RedisSlots(redis_client(app)))
    return _once(app, "slots", MemorySlots)


def bus(app: Flask | None = None) -> Bus:
    """Redis streams when REDIS_URL is set, else the in-process bus."""
    app = _app(app)
    if app.config["REDIS_URL"]:
        return _once(app, "bus", lambda: RedisBus(redis_client(app)))
    return _once(app, "bus", MemoryBus)
