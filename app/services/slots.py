"""Counted slots: how many long requests (reply streams, legacy waits) one key or address has
open at once. Redis when configured (every web process counts together), else in-process.

A slot's counter expires on its own after ``ttl`` seconds, so a process killed while holding
slots cannot leave a key locked out for longer than that.
"""

from __future__ import annotations

import threading
from typing import Protocol

from redis import Redis


def slot_key(who: str) -> str:
    """The counter of one key or address."""
    return f"mikroporada:slots:{who}"


class Slots(Protocol):
    """Take and give back slots."""

    def acquire(self, who: str, limit: int, ttl: int) -> bool:
        """Take a slot if fewer than ``limit`` are taken; True when taken."""

    def release(self, who: str) -> None:
        """Give a slot back."""


class RedisSlots:
    """INCR/DECR on one counter per key, with a TTL renewed on every take."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    def acquire(self, who: str, limit: int, ttl: int) -> bool:
        """INCR, and DECR again when that went over the limit."""
        key = slot_key(who)
        with self.redis.pipeline() as pipe:
            taken, _ = pipe.incr(key).expire(key, ttl).execute()
        if int(taken) > limit:
            self.redis.decr(key)
            return False
        return True

    def release(self, who: str) -> None:
        """DECR, never below zero."""
        key = slot_key(who)
        if int(self.redis.decr(key)) < 0:
            self.redis.set(key, 0, keepttl=True)


class MemorySlots:
    """The same inside one process (the embedded default)."""

    def __init__(self) -> None:
        self._taken: dict[str, int] = {}
        self._lock = threading.Lock()

    def acquire(self, who: str, limit: int, ttl: int) -> bool:
        """Count up unless at the limit."""
        with self._lock:
            if self._taken.get(who, 0) >= limit:
                return False
            self._taken[who] = self._taken.get(who, 0) + 1
            return True

    def release(self, who: str) -> None:
        """Count down."""
        with self._lock:
            left = self._taken.get(who, 0) - 1
            if left > 0:
                self._taken[who] = left
            else:
                self._taken.pop(who, None)
