"""Following the assistant's reply: its text as it is written (the NDJSON stream), with
polling as the fallback when the stream breaks, and the exit code its outcome deserves."""

from __future__ import annotations

import time
from typing import Any, TextIO

from app.client import messages
from app.client.http import Api, ApiError, StreamBroken

IN_FLIGHT = ("pending", "streaming")
# How long to poll a reply after its stream broke (the server's own deadline is 600 s).
POLL_LIMIT_S = 660.0
POLL_EVERY_S = 0.5


def wait_finished(api: Api, url: str, limit_s: float = POLL_LIMIT_S) -> dict[str, Any]:
    """Poll a reply until it is no longer pending or streaming; return it."""
    give_up = time.monotonic() + limit_s
    while True:
        reply = api.poll(url)
        if reply is not None and (
            reply.get("status") not in IN_FLIGHT or time.monotonic() > give_up
        ):
            return reply
        time.sleep(POLL_EVERY_S)


def _stream(api: Api, url: str, out: TextIO, err: TextIO) -> tuple[str, dict[str, Any] | None]:
    """Write the chunks to ``out`` as they come; return the text and the final reply."""
    written: list[str] = []
    try:
        for event in api.stream(url):
            kind = event.get("event")
            if kind == "chunk":
                text = str(event.get("text") or "")
                out.write(text)
                out.flush()
                written.append(text)
            elif kind == "done" and isinstance(event.get("reply"), dict):
                return "".join(written), event["reply"]
    except StreamBroken as exc:
        err.write(exc.message + "\n")
    return "".join(written), None


def follow(api: Api, reply: dict[str, Any], out: TextIO, err: TextIO) -> dict[str, Any]:
    """Print a reply to ``out`` as it is written and return it once it has finished.

    What the stream did not carry (a reply that had finished before the stream opened, or a
    stream that broke) is printed from the stored reply, so ``out`` always gets it whole.
    """
    url = reply["url"]
    try:
        written, final = _stream(api, url, out, err)
        if final is None or final.get("status") in IN_FLIGHT:
            final = wait_finished(api, url)
    except KeyboardInterrupt:
        err.write("\n" + messages.INTERRUPTED + "\n")
        raise
    content = str(final.get("content") or "")
    if content.startswith(written):
        out.write(content[len(written) :])
        written = content
    if written and not written.endswith("\n"):
        out.write("\n")
    out.flush()
    return final


def outcome(final: dict[str, Any], err: TextIO) -> int:
    """The exit code for a finished reply; its problem, if any, goes to ``err``."""
    status = final.get("status")
    problem = (final.get("problem") or {}).get("message") or ""
    if status == "complete":
        return 0
    if status in IN_FLIGHT:
        raise ApiError(messages.REPLY_UNFINISHED, code="TIMEOUT")
    # Stopped on purpose (interrupted) is no failure; broken off (partial) or failed is.
    wording = messages.REPLY_FAILED if status == "error" else messages.REPLY_PROBLEM
    err.write(wording.format(message=problem) + "\n")
    return 0 if status == "interrupted" else 1
