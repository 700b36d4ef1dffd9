"""The chunk bus: the same behaviour in memory and on the real Redis."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator

import pytest
from redis import Redis

from app.services import bus as channels
from app.services.bus import Bus, MemoryBus, RedisBus
from tests.conftest import BACKEND, REDIS_URL


@pytest.fixture(params=["memory", "redis"])
def bus(request: pytest.FixtureRequest) -> Iterator[Bus]:
    """Each bus; the Redis one on the real server (MariaDB backend runs only)."""
    if request.param == "memory":
        yield MemoryBus()
        return
    if BACKEND != "mariadb":
        pytest.skip("the Redis bus is tested on the backend with Redis")
    redis = Redis.from_url(REDIS_URL)
    yield RedisBus(redis)
    redis.close()


def _key() -> str:
    return channels.message_key(int(uuid.uuid4().int % 10**9))


def test_read_returns_everything_after_the_cursor_in_order(bus: Bus) -> None:
    key = _key()
    ids = [bus.publish(key, channels.TOKEN, text) for text in ("Ma", "sz ", "7 dni")]
    events = bus.read({key: channels.START}, timeout=0.1)
    assert [event.data for _, event in events] == ["Ma", "sz ", "7 dni"]
    assert [event.id for _, event in events] == ids
    after_first = bus.read({key: ids[0]}, timeout=0.1)
    assert [event.data for _, event in after_first] == ["sz ", "7 dni"]
    assert bus.last_id(key) == ids[-1]
    assert bus.last_id(_key()) == channels.START


def test_read_waits_for_the_next_event(bus: Bus) -> None:
    key, other = _key(), _key()
    timer = threading.Timer(0.2, lambda: bus.publish(other, channels.DONE, "complete"))
    timer.start()
    started = time.monotonic()
    events = bus.read({key: channels.START, other: channels.START}, timeout=3)
    assert [(found, event.kind) for found, event in events] == [(other, channels.DONE)]
    assert 0.1 < time.monotonic() - started < 2.5


def test_read_times_out_empty(bus: Bus) -> None:
    assert bus.read({_key(): channels.START}, timeout=0.05) == []


def test_trimmed_to_maxlen(bus: Bus) -> None:
    key = _key()
    for number in range(10):
        bus.publish(key, channels.TOKEN, str(number), maxlen=4)
    events = bus.read({key: channels.START}, timeout=0.1)
    assert [event.data for _, event in events] == ["6", "7", "8", "9"]


def test_stop_flag(bus: Bus) -> None:
    message_id = int(uuid.uuid4().int % 10**9)
    assert not bus.stop_requested(message_id)
    bus.request_stop(message_id)
    assert bus.stop_requested(message_id)


def test_expired_memory_stream_is_forgotten() -> None:
    memory = MemoryBus()
    key = _key()
    memory.publish(key, channels.TOKEN, "x")
    memory.expire(key, 0)
    memory.publish(_key(), channels.TOKEN, "y")  # expiry is applied on the next publish
    assert memory.read({key: channels.START}, timeout=0) == []
