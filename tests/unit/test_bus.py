"""The chunk bus: the same behaviour in memory and on the real Redis."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator

import pytest
from redis import Redis

from app import crypto
from app.services import bus as channels
from app.services.bus import Bus, MemoryBus, RedisBus
from tests.conftest import BACKEND, REDIS_URL, TEST_ENCRYPTION_KEY


@pytest.fixture(params=["memory", "redis"])
def bus(request: pytest.FixtureRequest) -> Iterator[Bus]:
    """Each bus; the Redis one on the real server (MariaDB backend runs only)."""
    if request.param == "memory":
        yield MemoryBus()
        return
    if BACKEND != "mariadb":
        pytest.skip("the Redis bus is tested on the backend with Redis")
    crypto.install([TEST_ENCRYPTION_KEY])  # chunks are encrypted in Redis
    redis = Redis.from_url(REDIS_URL)
    yield RedisBus(redis)
    redis.close()


@pytest.fixture
def redis_bus() -> Iterator[RedisBus]:
    """The Redis bus alone, with the suite's key."""
    if BACKEND != "mariadb":
        pytest.skip("the Redis bus is tested on the backend with Redis")
    crypto.install([TEST_ENCRYPTION_KEY])
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


def test_chunks_are_encrypted_in_redis_and_read_back_as_text(redis_bus: RedisBus) -> None:
    key = _key()
    redis_bus.publish(key, channels.TOKEN, "Zażółć gęślą jaźń Kowalski")
    redis_bus.publish(key, channels.DONE, "complete")
    stored = redis_bus.redis.xrange(key)
    assert b"Kowalski" not in b"".join(v for _, fields in stored for v in fields.values())
    assert stored[1][1][b"d"] == b"complete"  # states and ids are not personal
    events = redis_bus.read({key: channels.START}, timeout=0.1)
    assert [event.data for _, event in events] == ["Zażółć gęślą jaźń Kowalski", "complete"]


def test_a_chunk_no_key_opens_fails_loudly(redis_bus: RedisBus) -> None:
    key = _key()
    redis_bus.publish(key, channels.TOKEN, "Kowalski")
    crypto.install([crypto.new_key()])
    try:
        with pytest.raises(crypto.DecryptionError):
            redis_bus.read({key: channels.START}, timeout=0.1)
    finally:
        crypto.install([TEST_ENCRYPTION_KEY])
