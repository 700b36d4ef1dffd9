"""The API benchmark's timer and figures: what it reports is what it claims to measure."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from datetime import date
from typing import Any

from bench import api_bench
from bench.api_bench_app import TIMINGS_PATH, ServerTimer


class Body:
    """A response body that notes whether the server closed it."""

    def __init__(self) -> None:
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        return iter([b"hello"])

    def close(self) -> None:
        self.closed = True


def call(timer: ServerTimer, path: str, tag: str | None = None) -> tuple[list[str], Any]:
    """Run one request through the middleware as a WSGI server would, but not close it."""
    statuses: list[str] = []
    environ: dict[str, Any] = {"PATH_INFO": path, "REQUEST_METHOD": "GET"}
    if tag is not None:
        environ["HTTP_X_BENCH_ID"] = tag
    body = timer(environ, lambda status, headers: statuses.append(status))
    return statuses, body


def test_a_tagged_request_is_timed_when_the_server_closes_its_body() -> None:
    inner = Body()
    timer = ServerTimer(lambda environ, start_response: inner)

    _statuses, body = call(timer, "/api/v1/conversations/x", tag="conversation:7")

    assert list(body) == [b"hello"]
    assert timer.timings == {}  # not until the server is done with the body
    body.close()
    assert inner.closed
    assert set(timer.timings) == {"conversation:7"}
    assert timer.timings["conversation:7"] >= 0


def test_untagged_requests_are_passed_through_untimed() -> None:
    inner = Body()
    timer = ServerTimer(lambda environ, start_response: inner)

    _statuses, body = call(timer, "/")

    assert body is inner
    assert timer.timings == {}


def test_the_timings_are_handed_over_once() -> None:
    timer = ServerTimer(lambda environ, start_response: Body())
    _statuses, body = call(timer, "/bench/constant", tag="constant:0")
    body.close()

    statuses, answer = call(timer, TIMINGS_PATH)
    again = call(timer, TIMINGS_PATH)[1]

    assert statuses == ["200 OK"]
    assert set(json.loads(b"".join(answer))) == {"constant:0"}
    assert json.loads(b"".join(again)) == {}


def test_summary_uses_nearest_rank_percentiles_in_milliseconds() -> None:
    seconds = [i / 1000 for i in range(1, 101)]  # 1..100 ms

    found = api_bench.summarize(seconds)

    assert found["n"] == 100
    assert math.isclose(found["median_ms"], 50.5)
    assert math.isclose(found["p99_ms"], 99.0)
    assert math.isclose(found["max_ms"], 100.0)
    assert math.isnan(api_bench.summarize([])["p99_ms"])
    assert math.isnan(api_bench.ratio(3.0, 0.0))


def test_the_conversation_alternates_person_and_model() -> None:
    turns = api_bench.chat_turns(api_bench.MESSAGES)

    assert len(turns) == 50
    assert [role for role, _ in turns[:4]] == ["user", "assistant", "user", "assistant"]
    assert all(200 <= len(text) <= 600 for _, text in turns)


def test_every_version_changes_the_letter() -> None:
    base = api_bench.letter_fields(date(2026, 11, 28))

    versions = [api_bench.changed_fields(base, n)["uzasadnienie"] for n in range(1, 11)]

    assert versions[0] == base["uzasadnienie"]
    assert len(set(versions)) == 10
    assert base["data_doreczenia"] == "2026-11-21"
