"""Tests for tests/fake_ollama.py, driven by the real `ollama` client and raw httpx."""

from __future__ import annotations

import json
import os
import re
import select
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Literal

import httpx
import ollama
import pydantic
import pytest
from pydantic import BaseModel, Field

from tests.fake_ollama import (
    DEFAULT_REPLY,
    TOKEN_TEXT,
    FakeOllama,
    sample_from_schema,
    token_chunks,
)

REPO_ROOT = Path(__file__).resolve().parents[2]

MODEL = "qwen2.5:3b"
MESSAGES = [
    {"role": "system", "content": "Jesteś asystentem."},
    {"role": "user", "content": "Ile mam czasu na odwołanie?"},
]
EXPECTED_PROMPT_TOKENS = sum(len(m["content"]) for m in MESSAGES) // 4


@pytest.fixture(scope="module")
def server() -> Iterator[FakeOllama]:
    """One fake server shared by the module."""
    fake = FakeOllama().start()
    yield fake
    fake.stop()


@pytest.fixture
def fake(server: FakeOllama) -> FakeOllama:
    """The shared fake, reset before each test."""
    server.reset()
    return server


@pytest.fixture
def client(fake: FakeOllama) -> Iterator[ollama.Client]:
    """A real ollama client pointed at the fake."""
    with ollama.Client(host=fake.url, timeout=5) as c:
        yield c


# --------------------------------------------------------------------------------------------
# /api/chat: happy paths
# --------------------------------------------------------------------------------------------


def test_non_streaming_chat_returns_default_reply_with_counters(
    fake: FakeOllama, client: ollama.Client
) -> None:
    """A plain chat call returns default_reply plus plausible counters."""
    response = client.chat(model=MODEL, messages=MESSAGES)

    assert response.message.role == "assistant"
    assert response.message.content == DEFAULT_REPLY
    assert response.model == MODEL
    assert response.done is True
    assert response.done_reason == "stop"
    assert response.prompt_eval_count == EXPECTED_PROMPT_TOKENS
    assert response.eval_count == len(DEFAULT_REPLY) // 4
    assert response.eval_duration == response.eval_count * 20_000_000
    for field in ("total_duration", "load_duration", "prompt_eval_duration", "eval_duration"):
        assert isinstance(response[field], int) and response[field] > 0
    assert response.created_at is not None and response.created_at.endswith("Z")
    assert datetime.fromisoformat(response.created_at).utcoffset().total_seconds() == 0

    body = fake.chat_requests[-1]
    assert body["model"] == MODEL and body["stream"] is False
    assert body["tools"] == []  # the python client always sends tools
    assert fake.requests[-1] == {"path": "/api/chat", "method": "POST", "body": body}


def test_streaming_chat_yields_chunks_and_final_done(
    fake: FakeOllama, client: ollama.Client
) -> None:
    """Streamed chunks concatenate to the pushed text; the last part carries the counters."""
    text = "Ala ma kota, a kot ma Alę — żółw też."
    fake.push_reply(text, chunk_size=5, done_reason="length")

    parts = list(client.chat(model=MODEL, messages=MESSAGES, stream=True))

    *content_parts, final = parts
    assert "".join(p.message.content for p in content_parts) == text
    assert [len(p.message.content) for p in content_parts[:-1]] == [5] * (len(content_parts) - 1)
    assert all(p.done is False and p.done_reason is None for p in content_parts)
    assert all(p.eval_count is None for p in content_parts)
    assert final.done is True
    assert final.done_reason == "length"
    assert final.message.content == ""
    assert final.eval_count == len(content_parts)
    assert final.prompt_eval_count == EXPECTED_PROMPT_TOKENS
    assert isinstance(final.total_duration, int) and final.total_duration > 0


def test_raw_stream_is_chunked_ndjson(fake: FakeOllama) -> None:
    """Without "stream" in the body Ollama streams chunked application/x-ndjson."""
    fake.push_reply("Zażółć gęślą jaźń", chunk_size=4)
    body = {"model": MODEL, "messages": MESSAGES}
    with httpx.stream("POST", f"{fake.url}/api/chat", json=body, timeout=5) as response:
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/x-ndjson"
        assert response.headers["transfer-encoding"] == "chunked"
        assert "content-length" not in response.headers
        lines = [json.loads(line) for line in response.iter_lines() if line]

    assert [line["done"] for line in lines] == [False] * 5 + [True]
    assert "".join(line["message"]["content"] for line in lines) == "Zażółć gęślą jaźń"
    assert list(lines[0]) == ["model", "created_at", "message", "done"]
    assert lines[-1]["done_reason"] == "stop"


def test_raw_non_streaming_is_go_style_json(fake: FakeOllama) -> None:
    """Non-streaming replies are compact UTF-8 JSON with Go's HTML escaping."""
    fake.push_reply("a < b & ą")
    body = {"model": MODEL, "messages": MESSAGES, "stream": False}
    response = httpx.post(f"{fake.url}/api/chat", json=body, timeout=5)

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert int(response.headers["content-length"]) == len(response.content)
    assert b"\\u003c" in response.content and "ą".encode() in response.content
    assert response.json()["message"]["content"] == "a < b & ą"


def test_scripted_steps_are_consumed_in_order(fake: FakeOllama, client: ollama.Client) -> None:
    """The script is a FIFO; once empty the default reply comes back."""
    fake.push_reply("pierwsza")
    fake.push_error(503, "przeciążony")
    fake.push_reply("trzecia")

    assert client.chat(model=MODEL, messages=MESSAGES).message.content == "pierwsza"
    with pytest.raises(ollama.ResponseError):
        client.chat(model=MODEL, messages=MESSAGES)
    assert client.chat(model=MODEL, messages=MESSAGES).message.content == "trzecia"
    assert client.chat(model=MODEL, messages=MESSAGES).message.content == DEFAULT_REPLY
    assert fake.pending_steps() == 0
    assert len(fake.chat_requests) == 4


def test_empty_messages_loads_model_without_consuming_script(
    fake: FakeOllama, client: ollama.Client
) -> None:
    """An empty chat is a model load (done_reason "load"), like real Ollama."""
    fake.push_reply("dla później")
    response = client.chat(model=MODEL, messages=[])
    assert response.done is True and response.done_reason == "load"
    assert response.message.content == ""
    assert fake.pending_steps() == 1


def test_concurrent_requests_each_get_one_step(fake: FakeOllama) -> None:
    """Parallel clients consume distinct scripted replies."""
    expected = {f"odpowiedź {n}" for n in range(8)}
    for text in sorted(expected):
        fake.push_reply(text)
    results: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        with ollama.Client(host=fake.url, timeout=5) as c:
            content = c.chat(model=MODEL, messages=MESSAGES).message.content or ""
        with lock:
            results.append(content)

    threads = [threading.Thread(target=worker) for _ in expected]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=5)
    assert set(results) == expected


# --------------------------------------------------------------------------------------------
# Structured output
# --------------------------------------------------------------------------------------------


class Deadline(BaseModel):
    """Nested model (becomes a $ref in the JSON schema)."""

    days: int = Field(ge=3)
    basis: str


class Answer(BaseModel):
    """Shape of a structured answer as the app might request it."""

    answer: str = Field(max_length=10)
    category: Literal["podatki", "praca", "inne"]
    sources: list[str] = Field(min_length=1, max_length=1)
    confidence: float
    urgent: bool
    deadline: Deadline
    note: str | None = None


def test_schema_format_gets_conforming_json(fake: FakeOllama, client: ollama.Client) -> None:
    """A JSON-schema "format" yields JSON that validates against that schema."""
    schema = Answer.model_json_schema()
    response = client.chat(model=MODEL, messages=MESSAGES, format=schema)

    data = json.loads(response.message.content or "")
    assert set(schema["required"]) <= set(data)
    assert data["category"] == "podatki"  # first enum value
    assert len(data["answer"]) <= 10
    assert len(data["sources"]) == 1
    assert data["deadline"]["days"] >= 3
    assert "ż" in data["deadline"]["basis"]
    Answer.model_validate(data)
    assert fake.chat_requests[-1]["format"] == schema


def test_schema_format_streaming(client: ollama.Client) -> None:
    """Structured output also works when streamed."""
    schema = {
        "type": "object",
        "properties": {"tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}}},
        "required": ["tags"],
    }
    parts = client.chat(model=MODEL, messages=MESSAGES, format=schema, stream=True)
    text = "".join(p.message.content or "" for p in parts)
    assert json.loads(text) == {"tags": ["a", "a"]}


def test_json_format_and_reply_overrides(fake: FakeOllama, client: ollama.Client) -> None:
    """format="json" gets a fixed object; structured_reply can be replaced or disabled."""
    response = client.chat(model=MODEL, messages=MESSAGES, format="json")
    assert json.loads(response.message.content or "") == {"odpowiedź": "Zażółć gęślą jaźń"}

    fake.structured_reply = lambda body: json.dumps({"model": body["model"]})
    response = client.chat(model=MODEL, messages=MESSAGES, format="json")
    assert json.loads(response.message.content or "") == {"model": MODEL}

    fake.structured_reply = None  # a model ignoring the format: plain default reply
    response = client.chat(model=MODEL, messages=MESSAGES, format="json")
    assert response.message.content == DEFAULT_REPLY

    fake.push_reply("not json at all")  # a scripted reply wins over the format
    assert client.chat(model=MODEL, messages=MESSAGES, format="json").message.content == (
        "not json at all"
    )


def test_sample_from_schema_edge_cases() -> None:
    """The schema walker handles constraints, const, type lists and recursion."""
    assert sample_from_schema({"type": "string", "maxLength": 3}) == "Zaż"
    assert len(sample_from_schema({"type": "string", "minLength": 40})) >= 40
    assert sample_from_schema({"type": "integer", "minimum": 5, "maximum": 9}) == 5
    assert sample_from_schema({"type": "number", "maximum": 0.5}) == 0.5
    assert sample_from_schema({"type": ["null", "boolean"]}) is True
    assert sample_from_schema({"const": "x"}) == "x"
    assert sample_from_schema({"type": "array", "items": {"type": "integer"}, "maxItems": 1}) == [1]
    assert sample_from_schema({"type": "array", "minItems": 3}) == ["Zażółć gęślą jaźń"] * 3
    recursive = {
        "$defs": {
            "Node": {
                "type": "object",
                "properties": {"children": {"type": "array", "items": {"$ref": "#/$defs/Node"}}},
            }
        },
        "$ref": "#/$defs/Node",
    }
    assert isinstance(sample_from_schema(recursive), dict)


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


def test_pushed_error_raises_response_error(fake: FakeOllama, client: ollama.Client) -> None:
    """push_error -> ResponseError with the status code and the error text."""
    fake.push_error(500, "model runner has unexpectedly stopped")
    with pytest.raises(ollama.ResponseError) as info:
        client.chat(model=MODEL, messages=MESSAGES)
    assert info.value.status_code == 500
    assert info.value.error == "model runner has unexpectedly stopped"


def test_unknown_model_is_404(fake: FakeOllama, client: ollama.Client) -> None:
    """A model not in fake.models gives 404 "model 'x' not found" (script untouched)."""
    fake.push_reply("zostaje w kolejce")
    with pytest.raises(ollama.ResponseError) as info:
        client.chat(model="x", messages=MESSAGES)
    assert info.value.status_code == 404
    assert info.value.error == "model 'x' not found"
    assert fake.pending_steps() == 1

    fake.models.append("llama3.2")
    assert client.chat(model="llama3.2:latest", messages=MESSAGES).message.content


def test_streaming_error_is_raised_at_first_next(fake: FakeOllama, client: ollama.Client) -> None:
    """With stream=True the HTTP error surfaces on the first next(), not on chat()."""
    fake.push_error(429, "too many requests")
    stream = client.chat(model=MODEL, messages=MESSAGES, stream=True)
    with pytest.raises(ollama.ResponseError) as info:
        next(stream)
    assert info.value.status_code == 429
    assert info.value.error == "too many requests"

    stream = client.chat(model="nope", messages=MESSAGES, stream=True)
    with pytest.raises(ollama.ResponseError) as info:
        next(stream)
    assert info.value.status_code == 404


def test_midstream_error(fake: FakeOllama, client: ollama.Client) -> None:
    """An {"error"} line after some chunks raises ResponseError with status_code -1."""
    fake.push_midstream_error("Częściowa odpowiedź", "unexpected EOF")
    received: list[str] = []
    with pytest.raises(ollama.ResponseError) as info:
        for part in client.chat(model=MODEL, messages=MESSAGES, stream=True):
            received.append(part.message.content or "")
    assert info.value.status_code == -1
    assert info.value.error == "unexpected EOF"
    assert "".join(received) == "Częściowa odpowiedź"
    assert len(received) >= 2

    fake.push_midstream_error("nieważne", "boom")
    with pytest.raises(ollama.ResponseError) as info:
        client.chat(model=MODEL, messages=MESSAGES)
    assert (info.value.status_code, info.value.error) == (500, "boom")


@pytest.mark.parametrize(
    ("payload", "status", "error"),
    [
        (b"xyz", 400, "invalid character 'x' looking for beginning of value"),
        (b"{bad}", 400, "invalid character 'b' looking for beginning of object key string"),
        (b'{"model": ', 400, "unexpected EOF"),
        (b"", 400, "missing request body"),
        (b"[]", 400, "json: cannot unmarshal array into Go value of type api.ChatRequest"),
        (b'{"messages": []}', 400, "model is required"),
        (b'{"model": "ghost", "messages": []}', 404, "model 'ghost' not found"),
    ],
)
def test_bad_chat_requests(fake: FakeOllama, payload: bytes, status: int, error: str) -> None:
    """Malformed bodies get Ollama's 400/404 JSON errors."""
    response = httpx.post(
        f"{fake.url}/api/chat",
        content=payload,
        headers={"Content-Type": "application/json"},
        timeout=5,
    )
    assert response.status_code == status
    assert response.json() == {"error": error}
    assert fake.requests[-1]["body"] is None or isinstance(fake.requests[-1]["body"], dict | list)


# --------------------------------------------------------------------------------------------
# Other endpoints
# --------------------------------------------------------------------------------------------


def test_list_show_version_and_unknown_path(fake: FakeOllama, client: ollama.Client) -> None:
    """/api/tags, /api/show, /api/version and the router's 404 behave like Ollama."""
    listed = client.list()
    assert [m.model for m in listed.models] == [MODEL]
    assert listed.models[0].details is not None
    assert listed.models[0].details.family == "qwen2"
    assert listed.models[0].modified_at is not None

    shown = client.show(MODEL)
    assert shown.details is not None and shown.details.quantization_level == "Q4_K_M"
    assert shown.capabilities == ["completion"]
    assert shown.modelinfo is not None and shown.modelinfo["general.architecture"] == "qwen2"
    with pytest.raises(ollama.ResponseError) as info:
        client.show("missing:1b")
    assert (info.value.status_code, info.value.error) == (404, "model 'missing:1b' not found")

    version = httpx.get(f"{fake.url}/api/version", timeout=5)
    assert version.status_code == 200 and version.json() == {"version": "0.12.3"}

    unknown = httpx.get(f"{fake.url}/api/nope", timeout=5)
    assert unknown.status_code == 404
    assert unknown.text == "404 page not found"
    assert unknown.headers["content-type"] == "text/plain"
    assert httpx.get(f"{fake.url}/api/chat", timeout=5).status_code == 404  # wrong method
    assert httpx.get(fake.url, timeout=5).text == "Ollama is running"
    assert [r["path"] for r in fake.requests][-3:] == ["/api/nope", "/api/chat", "/"]


# --------------------------------------------------------------------------------------------
# Timeouts, aborts, shutdown
# --------------------------------------------------------------------------------------------


def test_delayed_reply_triggers_client_timeout(fake: FakeOllama) -> None:
    """A delay longer than the client timeout raises httpx.ReadTimeout through ollama."""
    fake.push_reply("za późno", delay=1.0)
    with ollama.Client(host=fake.url, timeout=0.3) as slow_client:
        started = time.monotonic()
        with pytest.raises(httpx.ReadTimeout):
            slow_client.chat(model=MODEL, messages=MESSAGES)
    assert time.monotonic() - started < 0.9


def test_closing_stream_early_counts_as_abort(fake: FakeOllama, client: ollama.Client) -> None:
    """Closing the generator mid-stream makes the fake record an aborted stream."""
    fake.push_reply("słowo " * 200, chunk_size=4, chunk_delay=0.01)
    stream = client.chat(model=MODEL, messages=MESSAGES, stream=True)
    first = next(stream)
    assert first.done is False
    stream.close()  # type: ignore[attr-defined]

    assert fake.wait_until(lambda: fake.aborted_streams == 1, timeout=2.0)
    # The server is still healthy afterwards.
    assert client.chat(model=MODEL, messages=MESSAGES).message.content == DEFAULT_REPLY


def test_completed_stream_is_not_an_abort(fake: FakeOllama, client: ollama.Client) -> None:
    """Consuming the whole stream leaves aborted_streams at zero."""
    fake.push_reply("krótko", chunk_size=2)
    assert "".join(p.message.content or "" for p in client.chat(MODEL, MESSAGES, stream=True))
    time.sleep(0.05)
    assert fake.aborted_streams == 0


def test_reset_restores_defaults(fake: FakeOllama, client: ollama.Client) -> None:
    """reset() empties the script and the records and restores models/replies."""
    list(client.chat(model=MODEL, messages=MESSAGES, stream=True))
    assert fake.max_active_streams == 1
    fake.push_reply("x")
    fake.models.clear()
    fake.default_reply = "inna"
    fake.default_chunks = ["a", "b"]
    fake.default_chunk_size = 1
    fake.default_chunk_delay = 0.5
    client.list()
    fake.reset()
    assert fake.pending_steps() == 0
    assert fake.requests == [] and fake.chat_requests == [] and fake.aborted_streams == 0
    assert fake.active_streams == 0 and fake.max_active_streams == 0
    assert fake.models == [MODEL]
    assert fake.default_chunks is None
    assert (fake.default_chunk_size, fake.default_chunk_delay) == (8, 0.0)
    assert client.chat(model=MODEL, messages=MESSAGES).message.content == DEFAULT_REPLY


def test_stop_is_quick_mid_stream_and_refuses_connections() -> None:
    """stop() returns fast during a slow stream; afterwards calls raise ConnectionError."""
    fake = FakeOllama(models=["llama3.2:1b"]).start()
    with ollama.Client(host=fake.url, timeout=5) as c:
        assert c.chat(model="llama3.2:1b", messages=MESSAGES).message.content == DEFAULT_REPLY
        fake.push_reply("powoli " * 50, chunk_size=2, chunk_delay=0.5)
        stream = c.chat(model="llama3.2:1b", messages=MESSAGES, stream=True)
        assert next(stream).done is False

        started = time.monotonic()
        fake.stop()
        assert time.monotonic() - started < 1.0
        assert fake.aborted_streams == 0  # server-side stop is not a client abort

        with pytest.raises(httpx.HTTPError):  # the half-read stream is cut
            list(stream)
        # The pooled keep-alive connection is gone too: a fresh connect is refused.
        with pytest.raises(ConnectionError):
            c.chat(model="llama3.2:1b", messages=MESSAGES)
    with pytest.raises(RuntimeError):
        _ = fake.url
    fake.stop()  # idempotent


def test_abort_after_two_chunks_is_counted(fake: FakeOllama, client: ollama.Client) -> None:
    """Closing a slow stream after two chunks is counted once, and the stream is no longer active.

    The hang-up is seen while the handler pauses between chunks (it watches the socket, like
    Go's net/http does), not only when a later write fails.
    """
    fake.push_reply("słowo " * 50, chunk_size=4, chunk_delay=0.05)
    stream = client.chat(model=MODEL, messages=MESSAGES, stream=True)
    assert [next(stream).done, next(stream).done] == [False, False]
    assert fake.active_streams == 1
    stream.close()  # type: ignore[attr-defined]

    assert fake.wait_until(lambda: fake.aborted_streams == 1, timeout=3)
    assert fake.wait_until(lambda: fake.active_streams == 0)
    assert fake.max_active_streams == 1
    time.sleep(0.1)
    assert fake.aborted_streams == 1  # counted once


def test_hang_up_at_a_closed_gate_is_noticed_without_writes(
    fake: FakeOllama, client: ollama.Client
) -> None:
    """A client leaving while the stream waits at a gate is an abort, though nothing is written."""
    gate = threading.Event()
    fake.push_reply("aabbcc", chunk_size=2, gate=gate, gate_after=1)
    stream = client.chat(model=MODEL, messages=MESSAGES, stream=True)
    assert next(stream).message.content == "aa"
    stream.close()  # type: ignore[attr-defined]

    assert fake.wait_until(lambda: fake.aborted_streams == 1, timeout=1)
    assert fake.wait_until(lambda: fake.active_streams == 0)
    assert not gate.is_set()


# --------------------------------------------------------------------------------------------
# Misbehaving servers: error bodies, lone surrogates, dripping bytes, stalls and gates
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stream", [True, False])
def test_error_body_is_a_plain_200_json_answer(fake: FakeOllama, stream: bool) -> None:
    """push_error_body: HTTP 200, JSON, Content-Length (never chunked), body {"error": ...}."""
    fake.push_error_body("model is overloaded")
    body = {"model": MODEL, "messages": MESSAGES, "stream": stream}
    response = httpx.post(f"{fake.url}/api/chat", json=body, timeout=5)

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert "transfer-encoding" not in response.headers
    assert int(response.headers["content-length"]) == len(response.content)
    assert response.content == b'{"error":"model is overloaded"}'
    assert fake.pending_steps() == 0
    assert fake.max_active_streams == 0  # not a stream
    # The next call is back to normal.
    assert httpx.post(f"{fake.url}/api/chat", json=body, timeout=5).status_code == 200


def test_error_body_through_the_ollama_client(fake: FakeOllama, client: ollama.Client) -> None:
    """What the real client (ollama 0.6.3) does with a 200 whose body is {"error": ...}.

    * stream=True: the body is read as one NDJSON line and its "error" raises
      ollama.ResponseError on the first next(), with status_code -1 and error = the message
      (exactly like a mid-stream error line).
    * stream=False: a 200 is not checked for "error"; ChatResponse(**{"error": ...}) misses the
      required "message" field, so chat() itself raises pydantic.ValidationError (a ValueError,
      *not* a ResponseError). The message is only visible as the validation error's input.
    """
    fake.push_error_body("model is overloaded")
    stream = client.chat(model=MODEL, messages=MESSAGES, stream=True)
    with pytest.raises(ollama.ResponseError) as info:
        next(stream)
    assert (info.value.status_code, info.value.error) == (-1, "model is overloaded")

    fake.push_error_body("model is overloaded")
    with pytest.raises(pydantic.ValidationError) as invalid:
        client.chat(model=MODEL, messages=MESSAGES)
    assert not isinstance(invalid.value, ollama.ResponseError)
    assert isinstance(invalid.value, ValueError)
    errors = invalid.value.errors()
    assert [(e["type"], e["loc"]) for e in errors] == [("missing", ("message",))]
    assert errors[0]["input"] == {"error": "model is overloaded"}


def test_lone_surrogates_are_escaped_and_reach_the_client(
    fake: FakeOllama, client: ollama.Client
) -> None:
    """A lone surrogate is sent as a lowercase \\udxxx escape; the client gets it back in a str."""
    text = "abc\ud800def\udfff"
    fake.push_reply(text, chunk_size=4)
    parts = [p.message.content or "" for p in client.chat(MODEL, MESSAGES, stream=True)]
    assert parts[:2] == ["abc\ud800", "def\udfff"]
    assert "".join(parts) == text

    fake.push_reply(text)
    assert client.chat(model=MODEL, messages=MESSAGES).message.content == text

    fake.push_reply("<\udbff>")
    body = {"model": MODEL, "messages": MESSAGES, "stream": False}
    raw = httpx.post(f"{fake.url}/api/chat", json=body, timeout=5).content
    assert b'"content":"\\u003c\\udbff\\u003e"' in raw


def test_byte_delay_drips_one_byte_per_http_chunk(fake: FakeOllama) -> None:
    """byte_delay: lines arrive byte by byte, slower than the read timeout, which never fires."""
    fake.push_reply("Zażółć", chunk_size=100, byte_delay=0.001)
    body = {"model": MODEL, "messages": MESSAGES}
    timeout = httpx.Timeout(5.0, read=0.1)
    started = time.monotonic()
    with httpx.stream("POST", f"{fake.url}/api/chat", json=body, timeout=timeout) as response:
        assert response.headers["transfer-encoding"] == "chunked"
        pieces = list(response.iter_raw())
    elapsed = time.monotonic() - started

    assert {len(piece) for piece in pieces} == {1}  # one byte per HTTP chunk
    lines = b"".join(pieces).decode("utf-8").splitlines()
    assert [json.loads(line)["message"]["content"] for line in lines] == ["Zażółć", ""]
    assert len(lines[-1]) * 0.001 > 0.1  # the final line alone outlasts the read timeout
    assert elapsed > 0.1


def test_byte_delay_through_the_ollama_client(fake: FakeOllama) -> None:
    """The real client reassembles dripped lines, UTF-8 characters split across chunks."""
    fake.push_reply("żółw", byte_delay=0.0002)
    with ollama.Client(host=fake.url, timeout=0.1) as impatient:
        parts = list(impatient.chat(model=MODEL, messages=MESSAGES, stream=True))
    assert [p.message.content for p in parts] == ["żółw", ""]
    assert parts[-1].done is True


def test_stall_pauses_the_stream_after_n_chunks(fake: FakeOllama, client: ollama.Client) -> None:
    """stall_after=2, stall=1.0: two chunks at once, a 1 s gap, then the rest at once.

    The margins are wide so that a loaded machine cannot blur the gap into the others.
    """
    fake.push_reply("aabbccdd", chunk_size=2, stall_after=2, stall=1.0)
    started = time.monotonic()
    arrivals = [
        (p.message.content, time.monotonic() - started)
        for p in client.chat(model=MODEL, messages=MESSAGES, stream=True)
    ]

    assert [content for content, _ in arrivals] == ["aa", "bb", "cc", "dd", ""]
    times = [arrival for _, arrival in arrivals]
    gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
    assert gaps[1] >= 0.9  # between "bb" and "cc"
    assert max(gaps[0], *gaps[2:]) < 0.6
    assert arrivals[1][1] < 0.6

    # Not streamed: the whole answer waits. Past the last chunk: held before the done line.
    fake.push_reply("całość", stall_after=0, stall=0.1)
    started = time.monotonic()
    assert client.chat(model=MODEL, messages=MESSAGES).message.content == "całość"
    assert time.monotonic() - started >= 0.1
    # A margin wide enough for a loaded machine: the client may read "b" late.
    fake.push_reply("ab", chunk_size=1, stall_after=99, stall=1.0)
    parts = client.chat(model=MODEL, messages=MESSAGES, stream=True)
    assert [next(parts).message.content, next(parts).message.content] == ["a", "b"]
    started = time.monotonic()
    assert next(parts).done is True
    assert time.monotonic() - started >= 0.3

    with pytest.raises(ValueError):
        fake.push_reply("x", stall_after=-1)


def test_gate_holds_the_stream_until_set(fake: FakeOllama, client: ollama.Client) -> None:
    """gate_after=1: one chunk, then nothing until the test sets the event."""
    gate = threading.Event()
    fake.push_reply("aabbcc", chunk_size=2, gate=gate, gate_after=1)
    stream = client.chat(model=MODEL, messages=MESSAGES, stream=True)
    assert next(stream).message.content == "aa"
    rest: list[str] = []

    def read_rest() -> None:
        for part in stream:
            rest.append(part.message.content or "")

    reader = threading.Thread(target=read_rest)
    reader.start()
    time.sleep(0.1)
    assert reader.is_alive() and rest == []
    assert fake.active_streams == 1
    gate.set()
    reader.join(timeout=2)
    assert not reader.is_alive()
    assert rest == ["bb", "cc", ""]
    assert fake.wait_until(lambda: fake.active_streams == 0)
    assert fake.aborted_streams == 0

    # Not streamed: the whole answer waits for the gate.
    gate = threading.Event()
    fake.push_reply("całość", gate=gate)
    answers: list[str] = []

    def ask() -> None:
        with ollama.Client(host=fake.url, timeout=5) as other:
            answers.append(other.chat(model=MODEL, messages=MESSAGES).message.content or "")

    asker = threading.Thread(target=ask)
    asker.start()
    time.sleep(0.1)
    assert asker.is_alive() and answers == []
    gate.set()
    asker.join(timeout=2)
    assert answers == ["całość"]


def test_active_stream_counters(fake: FakeOllama, client: ollama.Client) -> None:
    """active_streams/max_active_streams follow concurrent streams; reset() detaches old ones."""
    gate = threading.Event()
    fake.push_reply("aabb", chunk_size=2, gate=gate, gate_after=1)
    fake.push_reply("ccdd", chunk_size=2, gate=gate, gate_after=1)
    with (
        ollama.Client(host=fake.url, timeout=5) as first,
        ollama.Client(host=fake.url, timeout=5) as second,
    ):
        one = first.chat(model=MODEL, messages=MESSAGES, stream=True)
        two = second.chat(model=MODEL, messages=MESSAGES, stream=True)
        assert next(one).message.content == "aa"
        assert next(two).message.content == "cc"
        assert (fake.active_streams, fake.max_active_streams) == (2, 2)
        gate.set()
        assert "".join(p.message.content or "" for p in one) == "bb"
        assert "".join(p.message.content or "" for p in two) == "dd"
    assert fake.wait_until(lambda: fake.active_streams == 0)
    assert fake.max_active_streams == 2

    # A stream running across reset() no longer moves the counters (no -1 when it ends).
    gate = threading.Event()
    fake.push_reply("aabb", chunk_size=2, gate=gate, gate_after=1)
    stream = client.chat(model=MODEL, messages=MESSAGES, stream=True)
    assert next(stream).message.content == "aa"
    assert fake.active_streams == 1
    fake.reset()
    gate.set()
    assert [p.message.content for p in stream] == ["bb", ""]
    time.sleep(0.05)
    assert (fake.active_streams, fake.max_active_streams, fake.aborted_streams) == (0, 0, 0)


def test_stop_cuts_stalled_and_gated_streams() -> None:
    """stop() wakes a long stall and a closed gate at once; that is not a client abort."""
    fake = FakeOllama().start()
    gate = threading.Event()
    fake.push_reply("aabb", chunk_size=2, stall_after=1, stall=30)
    fake.push_reply("ccdd", chunk_size=2, gate=gate, gate_after=1)
    with (
        ollama.Client(host=fake.url, timeout=5) as first,
        ollama.Client(host=fake.url, timeout=5) as second,
    ):
        stalled = first.chat(model=MODEL, messages=MESSAGES, stream=True)
        assert next(stalled).message.content == "aa"
        gated = second.chat(model=MODEL, messages=MESSAGES, stream=True)
        assert next(gated).message.content == "cc"
        assert fake.active_streams == 2

        started = time.monotonic()
        fake.stop()
        assert time.monotonic() - started < 1.0
        assert fake.wait_until(lambda: fake.active_streams == 0, timeout=1)
        for stream in (stalled, gated):
            with pytest.raises(httpx.HTTPError):
                list(stream)
    assert fake.aborted_streams == 0
    assert not gate.is_set()


# --------------------------------------------------------------------------------------------
# Default token replies and the command line
# --------------------------------------------------------------------------------------------


def test_default_chunks_and_delay(fake: FakeOllama, client: ollama.Client) -> None:
    """default_chunks streams one token per line, default_chunk_delay spaces them out."""
    tokens = token_chunks(3)
    assert tokens == ["Masz ", "7 ", "dni "]
    assert all(t.endswith(" ") and t.strip() for t in token_chunks(40))
    assert token_chunks(len(TOKEN_TEXT.split()) + 1)[-1] == "Masz "

    fake.default_chunks = tokens
    fake.default_chunk_delay = 0.05
    started = time.monotonic()
    *content, final = client.chat(model=MODEL, messages=MESSAGES, stream=True)
    assert [p.message.content for p in content] == tokens
    assert final.eval_count == 3
    assert time.monotonic() - started >= 0.15  # three gaps: two between tokens, one before done
    response = client.chat(model=MODEL, messages=MESSAGES)
    assert (response.message.content, response.eval_count) == ("Masz 7 dni ", 3)
    # A "format" request still gets the structured reply.
    fake.default_chunk_delay = 0.0
    assert json.loads(client.chat(MODEL, MESSAGES, format="json").message.content or "")

    fake.default_chunks = None
    fake.default_chunk_size = 100
    parts = [p.message.content for p in client.chat(MODEL, MESSAGES, stream=True)]
    assert parts == [DEFAULT_REPLY, ""]


def test_command_line_serves_token_replies() -> None:
    """`python -m tests.fake_ollama` prints one READY line, streams N tokens, stops on SIGTERM."""
    command = [
        sys.executable,
        "-m",
        "tests.fake_ollama",
        "--port",
        "0",
        "--reply-tokens",
        "200",
        "--token-delay",
        "0.0",
    ]
    # Without PYTHONUNBUFFERED stdout is a block-buffered pipe: READY must be flushed by hand.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    process = subprocess.Popen(
        command, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    try:
        ready, _, _ = select.select([process.stdout], [], [], 10)
        assert ready, "no READY line within 10 s"
        line = process.stdout.readline()
        assert re.fullmatch(r"READY http://127\.0\.0\.1:\d+\n", line), line
        url = line.split()[1]
        with ollama.Client(host=url, timeout=5) as remote:
            *content, final = remote.chat(model=MODEL, messages=MESSAGES, stream=True)
        assert len(content) == 200
        assert [p.message.content for p in content] == token_chunks(200)
        assert final.done is True and final.eval_count == 200
    finally:
        process.terminate()
        try:
            out, err = process.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
    assert process.returncode == 0, err
    assert out == ""  # nothing after the READY line


# --------------------------------------------------------------------------------------------
# Benchmark aids: timestamped tokens, the fixed clock, per-request directives
# --------------------------------------------------------------------------------------------


def test_timestamp_tokens_carry_their_emission_time(
    fake: FakeOllama, client: ollama.Client
) -> None:
    """default_timestamps: each streamed chunk is "t<time.time()> ", taken as it is written."""
    fake.default_chunks = token_chunks(5)
    fake.default_timestamps = True
    fake.default_chunk_delay = 0.02
    stamps = []
    for part in client.chat(model=MODEL, messages=MESSAGES, stream=True):
        arrived = time.time()
        if part.done:
            assert part.eval_count == 5
            break
        content = part.message.content or ""
        assert re.fullmatch(r"t\d+\.\d{6} ", content), content
        stamp = float(content[1:])
        assert 0 <= arrived - stamp < 1.0
        stamps.append(stamp)
    assert len(stamps) == 5
    assert all(later - earlier >= 0.015 for earlier, later in zip(stamps, stamps[1:], strict=False))
    # Not streamed: the words themselves.
    assert client.chat(model=MODEL, messages=MESSAGES).message.content == "".join(token_chunks(5))


def test_fixed_clock_does_not_let_lag_pile_up(fake: FakeOllama, client: ollama.Client) -> None:
    """default_fixed_clock: chunk i is due at t0 + i x delay, never earlier."""
    fake.default_chunks = token_chunks(20)
    fake.default_chunk_delay = 0.01
    fake.default_fixed_clock = True
    fake.default_timestamps = True
    parts = [p.message.content or "" for p in client.chat(MODEL, MESSAGES, stream=True)]
    stamps = [float(part[1:]) for part in parts if part]
    assert len(stamps) == 20
    # On the fixed clock every chunk is due at a multiple of the delay after the first one.
    for index, stamp in enumerate(stamps):
        assert stamp - stamps[0] >= index * 0.01 - 0.002


def test_directives_override_the_default_reply_per_request(
    fake: FakeOllama, client: ollama.Client
) -> None:
    """fake.directives: "[[fake tokens=N delay=S ts=1 clock=fixed]]" in the last user message."""
    fake.default_chunks = token_chunks(50)
    asking = [*MESSAGES[:1], {"role": "user", "content": "Pytanie [[fake tokens=3 ts=1]]"}]
    # Off by default: the directive is just text.
    parts = [p.message.content for p in client.chat(MODEL, asking, stream=True)]
    assert len(parts) == 51

    fake.directives = True
    parts = [p.message.content or "" for p in client.chat(MODEL, asking, stream=True)]
    assert len(parts) == 4 and all(re.fullmatch(r"t\d+\.\d{6} ", p) for p in parts[:3])
    # Only the last user message counts; without a directive the defaults apply.
    later = [*asking, {"role": "assistant", "content": "x"}, {"role": "user", "content": "Dalej"}]
    assert len(list(client.chat(MODEL, later, stream=True))) == 51
    slow = [{"role": "user", "content": "[[fake tokens=4 delay=0.05 clock=fixed ts=0]]"}]
    started = time.monotonic()
    parts = [p.message.content for p in client.chat(MODEL, slow, stream=True)]
    assert parts == [*token_chunks(4), ""]
    assert time.monotonic() - started >= 4 * 0.05 - 0.01
    assert client.chat(MODEL, slow).message.content == "".join(token_chunks(4))

    fake.reset()
    assert fake.directives is False and fake.default_timestamps is False


def test_command_line_benchmark_options() -> None:
    """--timestamp-tokens, --fixed-clock and --directives reach the served replies."""
    command = [sys.executable, "-m", "tests.fake_ollama", "--port", "0", "--reply-tokens", "3"]
    command += ["--token-delay", "0.01", "--timestamp-tokens", "--fixed-clock", "--directives"]
    process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    try:
        ready, _, _ = select.select([process.stdout], [], [], 10)
        assert ready, "no READY line within 10 s"
        url = process.stdout.readline().split()[1]
        with ollama.Client(host=url, timeout=5) as remote:
            parts = [p.message.content or "" for p in remote.chat(MODEL, MESSAGES, stream=True)]
            assert len(parts) == 4
            assert all(re.fullmatch(r"t\d+\.\d{6} ", p) for p in parts[:3])
            asking = [{"role": "user", "content": "[[fake tokens=2 ts=0]]"}]
            parts = [p.message.content for p in remote.chat(MODEL, asking, stream=True)]
            assert parts == [*token_chunks(2), ""]
    finally:
        process.terminate()
        process.wait(timeout=5)
    assert process.returncode == 0
