"""Tests for tests/fake_ollama.py, driven by the real `ollama` client and raw httpx."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Literal

import httpx
import ollama
import pytest
from pydantic import BaseModel, Field

from tests.fake_ollama import DEFAULT_REPLY, FakeOllama, sample_from_schema

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
    fake.push_reply("x")
    fake.models.clear()
    fake.default_reply = "inna"
    client.list()
    fake.reset()
    assert fake.pending_steps() == 0
    assert fake.requests == [] and fake.chat_requests == [] and fake.aborted_streams == 0
    assert fake.models == [MODEL]
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
