"""The Ollama call against the fake server: answers, counters and every failure mode."""

import socket

import pytest

from app.services import llm
from tests.fake_ollama import FakeOllama


def _settings(host: str, **overrides: object) -> llm.LLMSettings:
    values = {
        "host": host,
        "model": "qwen2.5:3b",
        "timeout": 5.0,
        "connect_timeout": 1.0,
        "num_ctx": 4096,
    }
    values.update(overrides)
    return llm.LLMSettings(**values)  # type: ignore[arg-type]


MESSAGES = [{"role": "user", "content": "Dostałem mandat."}]


def test_answer_with_counters(fake_ollama: FakeOllama) -> None:
    fake_ollama.push_reply("Masz 7 dni.")
    result = llm.chat(_settings(fake_ollama.url), MESSAGES)
    assert result.content == "Masz 7 dni."
    assert result.done_reason == "stop"
    assert result.prompt_tokens and result.completion_tokens
    assert result.total_ms is not None and result.wall_ms >= 0
    sent = fake_ollama.chat_requests[-1]
    assert sent["stream"] is False and sent["options"]["num_ctx"] == 4096


def test_structured_output_sends_the_schema(fake_ollama: FakeOllama) -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}
    result = llm.chat(_settings(fake_ollama.url), MESSAGES, response_format=schema)
    assert fake_ollama.chat_requests[-1]["format"] == schema
    assert '"a"' in result.content


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_server_down_is_unavailable() -> None:
    with pytest.raises(llm.LLMError) as caught:
        llm.chat(_settings(f"http://127.0.0.1:{_free_port()}"), MESSAGES)
    assert caught.value.code == "unavailable"


def test_missing_model(fake_ollama: FakeOllama) -> None:
    with pytest.raises(llm.LLMError) as caught:
        llm.chat(_settings(fake_ollama.url, model="nieistniejacy:1b"), MESSAGES)
    assert caught.value.code == "model_missing"


def test_server_error(fake_ollama: FakeOllama) -> None:
    fake_ollama.push_error(500, "llama runner process has terminated")
    with pytest.raises(llm.LLMError) as caught:
        llm.chat(_settings(fake_ollama.url), MESSAGES)
    assert caught.value.code == "failed"


def test_slow_model_times_out(fake_ollama: FakeOllama) -> None:
    fake_ollama.push_reply("za późno", delay=2.0)
    with pytest.raises(llm.LLMError) as caught:
        llm.chat(_settings(fake_ollama.url, timeout=0.3), MESSAGES)
    assert caught.value.code == "timeout"


def test_empty_answer_is_a_failure(fake_ollama: FakeOllama) -> None:
    fake_ollama.push_reply("   ")
    with pytest.raises(llm.LLMError) as caught:
        llm.chat(_settings(fake_ollama.url), MESSAGES)
    assert caught.value.code == "failed"
