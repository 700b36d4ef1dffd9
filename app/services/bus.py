"""How a generation's chunks travel from the job to every web process that relays them.

With Redis each message has a stream (XADD per chunk, trimmed, expiring after the reply is
done) and each conversation a short stream of "a turn started / finished" notices, so any web
process can relay any generation and a reconnecting browser can read everything from the
start. Without Redis (the embedded default) ``MemoryBus`` does the same inside the one process.
The database, not the bus, keeps the reply: the bus only carries it while it is written.
Redis keeps an append-only file, so a reply's chunks go there encrypted (app/crypto.py): they
are the person's case. The other events carry only ids and states, and stream names only ids.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Protocol

from redis import Redis

from app import crypto

# A reply of num_predict tokens never has more chunks than this; trimming is a safety net.
STREAM_MAXLEN = 20_000
CONVERSATION_MAXLEN = 200
DONE_TTL_S = 300
CONVERSATION_TTL_S = 24 * 3600
STOP_TTL_S = 3600
START = "0-0"

# Event kinds (not secrets).
TOKEN = "token"  # nosec B105
DONE = "done"
STARTED = "started"
FINISHED = "finished"
# The kinds whose text is personal, and so encrypted in Redis.
SEALED_KINDS = frozenset({TOKEN})


@dataclass(frozen=True)
class Event:
    """One entry of a stream: its position, what it is, and its text."""

    id: str
    kind: str
    data: str


def message_key(message_id: int) -> str:
    """The stream that carries one reply's chunks."""
    return f"mikroporada:gen:{message_id}"


def conversation_key(conversation_id: int) -> str:
    """The stream that says when a conversation's turns start and finish."""
    return f"mikroporada:conv:{conversation_id}"


def announce(bus: Bus, conversation_id: int, kind: str, message_id: int) -> None:
    """Tell every relay of a conversation that one of its turns started or finished."""
    key = conversation_key(conversation_id)
    bus.publish(key, kind, str(message_id), maxlen=CONVERSATION_MAXLEN)
    bus.expire(key, CONVERSATION_TTL_S)


def _stop_key(message_id: int) -> str:
    return f"mikroporada:stop:{message_id}"


class Bus(Protocol):
    """What the generation job and the socket relay need from the transport."""

    def publish(self, key: str, kind: str, data: str = "", *, maxlen: int = STREAM_MAXLEN) -> str:
        """Append an event; return its id."""

    def read(self, cursors: dict[str, str], timeout: float) -> list[tuple[str, Event]]:
        """Events after each cursor, waiting up to ``timeout`` seconds for the first one."""

    def last_id(self, key: str) -> str:
        """The id of the newest event of a stream (START when it is empty)."""

    def expire(self, key: str, seconds: int) -> None:
        """Let a stream disappear after some seconds."""

    def request_stop(self, message_id: int) -> None:
        """Ask the job writing this reply to stop."""

    def stop_requested(self, message_id: int) -> bool:
        """True once someone asked this reply to stop."""


class RedisBus:
    """Redis streams; one client (and so one connection pool) per process."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    def publish(self, key: str, kind: str, data: str = "", *, maxlen: int = STREAM_MAXLEN) -> str:
        """XADD with exact trimming; a chunk's text goes encrypted."""
        stored: str | bytes = crypto.encrypt(data.encode()) if kind in SEALED_KINDS else data
        entry = self.redis.xadd(key, {"k": kind, "d": stored}, maxlen=maxlen, approximate=False)
        return _text(entry)

    def read(self, cursors: dict[str, str], timeout: float) -> list[tuple[str, Event]]:
        """XREAD BLOCK over several streams."""
        block_ms = max(1, int(timeout * 1000))
        answer = self.redis.xread(dict(cursors), block=block_ms) or []
        events = []
        for key, entries in answer:
            for entry_id, fields in entries:
                events.append((_text(key), _event(entry_id, fields)))
        return events

    def last_id(self, key: str) -> str:
        """XREVRANGE COUNT 1."""
        newest = self.redis.xrevrange(key, count=1)
        return _text(newest[0][0]) if newest else START

    def expire(self, key: str, seconds: int) -> None:
        """EXPIRE."""
        self.redis.expire(key, seconds)

    def request_stop(self, message_id: int) -> None:
        """A flag with a TTL that the job polls."""
        self.redis.set(_stop_key(message_id), "1", ex=STOP_TTL_S)

    def stop_requested(self, message_id: int) -> bool:
        """Whether the flag is set."""
        return bool(self.redis.exists(_stop_key(message_id)))


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _event(entry_id: bytes | str, fields: dict[bytes | str, bytes | str]) -> Event:
    """A stream entry, a chunk's text decrypted (crypto.DecryptionError when no key opens it)."""
    decoded = {_text(name): _text(value) for name, value in fields.items()}
    kind, data = decoded.get("k", ""), decoded.get("d", "")
    if kind in SEALED_KINDS:
        data = crypto.decrypt(data.encode()).decode()
    return Event(_text(entry_id), kind, data)


def _seq(event_id: str) -> int:
    return int(event_id.split("-", 1)[0])


class MemoryBus:
    """The same streams inside one process, for the embedded default (no Redis)."""

    def __init__(self) -> None:
        self._streams: dict[str, list[Event]] = {}
        self._expiry: dict[str, float] = {}
        self._stops: dict[int, float] = {}
        self._seq = 0
        self._changed = threading.Condition()

    def publish(self, key: str, kind: str, data: str = "", *, maxlen: int = STREAM_MAXLEN) -> str:
        """Append and wake every reader."""
        with self._changed:
            self._purge()
            self._seq += 1
            event = Event(f"{self._seq}-0", kind, data)
            stream = self._streams.setdefault(key, [])
            stream.append(event)
            del stream[:-maxlen]
            self._changed.notify_all()
            return event.id

    def read(self, cursors: dict[str, str], timeout: float) -> list[tuple[str, Event]]:
        """Wait on one condition for any of the streams to move past its cursor."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [
                    (key, event)
                    for key, cursor in cursors.items()
                    for event in self._streams.get(key, ())
                    if _seq(event.id) > _seq(cursor)
                ]
                remaining = deadline - time.monotonic()
                if found or remaining <= 0:
                    return found
                self._changed.wait(remaining)

    def last_id(self, key: str) -> str:
        """The newest id, or START."""
        with self._changed:
            stream = self._streams.get(key)
            return stream[-1].id if stream else START

    def expire(self, key: str, seconds: int) -> None:
        """Forget the stream after some seconds (checked on the next publish)."""
        with self._changed:
            self._expiry[key] = time.monotonic() + seconds

    def request_stop(self, message_id: int) -> None:
        """Remember the request for an hour."""
        with self._changed:
            self._stops[message_id] = time.monotonic() + STOP_TTL_S

    def stop_requested(self, message_id: int) -> bool:
        """Whether a live request exists."""
        with self._changed:
            return self._stops.get(message_id, 0) > time.monotonic()

    def _purge(self) -> None:
        now = time.monotonic()
        for key in [key for key, at in self._expiry.items() if at <= now]:
            self._streams.pop(key, None)
            del self._expiry[key]
        for message_id in [m for m, at in self._stops.items() if at <= now]:
            del self._stops[message_id]
