"""The streamed Ollama call against the fake server: chunks, counters, every way it ends."""

from __future__ import annotations

import socket
import threading
import time

from app.services import llm
from tests.fake_ollama import FakeOllama

MESSAGES = [{"role": "user", "content": "Dostałem mandat."}]


def _settings(host: str, **overrides: object) -> llm.LLMSettings:
    values: dict[str, object] = {
        "host": host,
        "model": "qwen2.5:3b",
        "timeout": 5.0,
        "connect_timeout": 1.0,
        "num_ctx": 4096,
        "stall_timeout": 1.0,
        "deadline": 10.0,
    }
    values.update(overrides)
    return llm.LLMSettings(**values)  # type: ignore[arg-type]


def _stream(
    settings: llm.LLMSettings, stop: threading.Event | None = None, **kwargs: object
) -> tuple[llm.StreamResult, list[str]]:
    pieces: list[str] = []
    result = llm.stream_chat(
        llm.make_client(settings),
        settings,
        MESSAGES,
        on_text=pieces.append,
        should_stop=(stop or threading.Event()).is_set,
        **kwargs,  # type: ignore[arg-type]
    )
    return result, pieces


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_streams_every_chunk_in_order_with_counters(fake_ollama: FakeOllama) -> None:
    fake_ollama.push_reply("Masz 7 dni na odwołanie.", chunk_size=3)
    result, pieces = _stream(_settings(fake_ollama.url))
    assert "".join(pieces) == result.content == "Masz 7 dni na odwołanie."
    # Chunks that queue up while one is handled go out together, in order.
    assert 1 <= len(pieces) <= 8 and result.chunks == 9
    assert result.ending == "stop"
    assert result.completion_tokens and result.tokens_per_s and result.ttft_ms is not None
    sent = fake_ollama.chat_requests[-1]
    assert sent["stream"] is True and sent["options"]["num_ctx"] == 4096


def test_structured_output_sends_the_schema(fake_ollama: FakeOllama) -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}
    result, _ = _stream(_settings(fake_ollama.url), response_format=schema)
    assert fake_ollama.chat_requests[-1]["format"] == schema
    assert '"a"' in result.content


def test_cut_at_the_token_limit(fake_ollama: FakeOllama) -> None:
    fake_ollama.push_reply("Długa odpowiedź", done_reason="length")
    result, _ = _stream(_settings(fake_ollama.url))
    assert result.ending == "length" and result.content == "Długa odpowiedź"


def test_server_down_is_unavailable() -> None:
    result, _ = _stream(_settings(f"http://127.0.0.1:{_free_port()}"))
    assert result.ending == "unavailable" and result.content == ""


def test_missing_model(fake_ollama: FakeOllama) -> None:
    result, _ = _stream(_settings(fake_ollama.url, model="nieistniejacy:1b"))
    assert result.ending == "model_missing"


def test_http_error(fake_ollama: FakeOllama) -> None:
    fake_ollama.push_error(500, "llama runner process has terminated")
    result, _ = _stream(_settings(fake_ollama.url))
    assert result.ending == "failed" and "terminated" in result.detail


def test_error_object_with_status_200(fake_ollama: FakeOllama) -> None:
    fake_ollama.push_error_body("unexpected server status")
    result, _ = _stream(_settings(fake_ollama.url))
    assert result.ending == "failed" and result.content == ""


def test_error_line_after_some_chunks_keeps_the_text(fake_ollama: FakeOllama) -> None:
    fake_ollama.push_midstream_error("Masz 7 dni", "out of memory")
    result, pieces = _stream(_settings(fake_ollama.url))
    assert result.ending == "failed" and result.content == "Masz 7 dni" == "".join(pieces)


def test_lone_surrogate_is_replaced(fake_ollama: FakeOllama) -> None:
    fake_ollama.push_reply("Zażółć \ud800 jaźń")
    result, _ = _stream(_settings(fake_ollama.url))
    assert result.content == "Zażółć \ufffd jaźń"
    result.content.encode("utf-8")  # storable as UTF-8


def test_empty_reply_is_a_failure(fake_ollama: FakeOllama) -> None:
    fake_ollama.push_reply("   ")
    result, _ = _stream(_settings(fake_ollama.url))
    assert result.ending == "failed"


def test_no_first_chunk_in_time(fake_ollama: FakeOllama) -> None:
    fake_ollama.push_reply("za późno", delay=3.0)
    started = time.monotonic()
    result, _ = _stream(_settings(fake_ollama.url, timeout=0.5))
    assert result.ending == "timeout" and time.monotonic() - started < 2.0


def test_stall_after_some_chunks_is_partial(fake_ollama: FakeOllama) -> None:
    fake_ollama.push_reply("Masz 7 dni na odwołanie", chunk_size=4, stall_after=2, stall=5.0)
    started = time.monotonic()
    result, _ = _stream(_settings(fake_ollama.url, stall_timeout=0.5))
    assert result.ending == "stalled" and result.content == "Masz 7 d"
    assert time.monotonic() - started < 2.5


def test_dripping_bytes_end_at_the_deadline(fake_ollama: FakeOllama) -> None:
    # One byte every 0.05 s keeps httpx's read timeout from ever firing; our clock does not.
    fake_ollama.push_reply("Masz 7 dni na odwołanie od mandatu", byte_delay=0.05)
    started = time.monotonic()
    result, _ = _stream(_settings(fake_ollama.url, deadline=1.5, stall_timeout=10.0))
    elapsed = time.monotonic() - started
    assert result.ending == "deadline"
    assert 1.4 < elapsed < 2.5


def test_stop_closes_the_stream_and_keeps_the_text(fake_ollama: FakeOllama) -> None:
    fake_ollama.push_reply("x" * 400, chunk_size=4, chunk_delay=0.02)
    stop = threading.Event()
    pieces: list[str] = []

    def on_text(text: str) -> None:
        pieces.append(text)
        if len(pieces) == 5:
            stop.set()

    settings = _settings(fake_ollama.url)
    result = llm.stream_chat(
        llm.make_client(settings), settings, MESSAGES, on_text=on_text, should_stop=stop.is_set
    )
    assert result.ending == "stopped"
    assert result.content.startswith("x" * 20) and len(result.content) < 400
    assert fake_ollama.wait_until(lambda: fake_ollama.aborted_streams == 1, timeout=3)
