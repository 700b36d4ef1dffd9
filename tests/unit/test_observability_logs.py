"""The JSON formatter emits whitelisted fields only and never a person's text."""

from __future__ import annotations

import json
import logging
import sys

from app.observability import logs

CANARY = "Zażółć gęślą jaźń Kowalski"


def _record(msg: object, args: tuple | dict | None = (), **extra: object) -> logging.LogRecord:
    record = logging.LogRecord("app.test", logging.INFO, __file__, 1, msg, args or None, None)
    record.__dict__.update(extra)
    return record


def _format(record: logging.LogRecord) -> dict:
    line = logs.SafeJsonFormatter().format(record)
    assert "\n" not in line
    return json.loads(line)


def test_only_whitelisted_fields_and_safe_arguments_pass() -> None:
    record = _record(
        "case %s: %s wrote %s from %s",
        ("42", CANARY, "anna.nowak@example.com", "203.0.113.7"),
        endpoint="main.index",
        status=200,
        text=CANARY,
        email="anna.nowak@example.com",
        fields={"imie": CANARY},
        outcome=CANARY,
    )
    line = _format(record)
    assert set(line) <= set(logs.FIELDS)
    assert line["message"] == "case 42: [redacted] wrote [redacted] from [redacted]"
    assert line["endpoint"] == "main.index" and line["status"] == 200
    assert line["outcome"] == "[redacted]"
    assert "text" not in line and "email" not in line and "fields" not in line
    assert "Kowalski" not in json.dumps(line, ensure_ascii=False)


def test_addresses_are_redacted_inside_tokens() -> None:
    for address in ("addr:203.0.113.7", "203.0.113.7:443", "2001:db8::1", "addr:2001:db8::1"):
        assert _format(_record("key %s", (address,)))["message"] == "key [redacted]", address
    job = "render-PDnFJ9U0fy2UTKiw5BuyVQ"
    assert _format(_record("job %s", (job,)))["message"] == f"job {job}"


def test_objects_and_mappings_are_not_trusted() -> None:
    assert _format(_record(ValueError(CANARY)))["message"] == "[redacted]"
    assert _format(_record({"text": CANARY}))["message"] == "[redacted]"
    named = _format(_record("%(who)s sent %(n)d", {"who": CANARY, "n": 3}))
    assert named["message"] == "[redacted] sent 3"


def test_an_exception_gives_its_type_and_place_never_its_text() -> None:
    try:
        raise ValueError(f"could not parse {CANARY}")
    except ValueError:
        record = _record("render %s failed", ("abc123",))
        record.exc_info = sys.exc_info()
    line = _format(record)
    assert line["exc_type"] == "ValueError"
    assert line["stack"] and line["stack"][-1].endswith(
        "in test_an_exception_gives_its_type_and_place_never_its_text"
    )
    assert "Kowalski" not in json.dumps(line, ensure_ascii=False)


def test_request_and_job_ids_come_from_the_context() -> None:
    token = logs.bind_request_id("abcdef0123456789")
    try:
        assert _format(_record("x"))["request_id"] == "abcdef0123456789"
        with logs.job_context("tests.job", request_id="fedcba9876543210"):
            assert _format(_record("x"))["request_id"] == "fedcba9876543210"
        assert logs.current_request_id() == "abcdef0123456789"
    finally:
        logs.reset_request_id(token)
    assert _format(_record("x"))["request_id"] is None


def test_request_ids_are_accepted_only_when_well_formed() -> None:
    assert logs.accept_request_id("0123456789abcdef") == "0123456789abcdef"
    assert logs.accept_request_id("3f2b8c1e-6d0a-4c8e-9b57-1a2b3c4d5e6f").count("-") == 4
    for bad in (None, "", "short", "a b c d e f g h", "x" * 65, "anna@example.com", "é" * 10):
        generated = logs.accept_request_id(bad)
        assert generated != bad and len(generated) == 32


def test_job_context_logs_the_outcome(caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.INFO, logger=logs.JOB_LOGGER)
    try:
        with logs.job_context("tests.failing"):
            raise RuntimeError(CANARY)
    except RuntimeError:
        pass
    (record,) = [r for r in caplog.records if r.name == logs.JOB_LOGGER]
    line = _format(record)
    assert line["event"] == "job" and line["outcome"] == "failed"
    assert line["function"] == "tests.failing" and line["duration_ms"] >= 0
