"""Jobs that only tests enqueue, to see what a real work horse of worker.py is allowed."""

from __future__ import annotations

import resource
import time


def address_space_limit() -> tuple[int, int]:
    """The RLIMIT_AS the work horse runs under."""
    return resource.getrlimit(resource.RLIMIT_AS)


def sleep(seconds: float) -> str:
    """Sleep, to run into the job timeout."""
    time.sleep(seconds)
    return "woke up"
