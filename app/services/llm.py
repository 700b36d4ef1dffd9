"""Talking to Ollama: one bounded, non-streaming chat call and its failure modes."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import ollama


@dataclass(frozen=True)
class LLMSettings:
    """Where the model lives and how long we wait for it."""

    host: str
    model: str
    timeout: float
    connect_timeout: float
    num_ctx: int

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> LLMSettings:
        """Build settings from a Flask config mapping."""
        return cls(
            host=config["OLLAMA_HOST"],
            model=config["OLLAMA_MODEL"],
            timeout=float(config["OLLAMA_TIMEOUT"]),
            connect_timeout=float(config["OLLAMA_CONNECT_TIMEOUT"]),
            num_ctx=int(config["OLLAMA_NUM_CTX"]),
        )


@dataclass(frozen=True)
class ChatResult:
    """The model's answer with the counters Ollama reports."""

    content: str
    model: str
    done_reason: str | None
    prompt_tokens: int | None
    completion_tokens: int | None
    load_ms: int | None
    eval_ms: int | None
    total_ms: int | None
    wall_ms: int


class LLMError(Exception):
    """A model call that failed; ``code`` says how: unavailable, timeout, model_missing,
    failed, bad_output or needs_chat (each caller words it in Polish for its context)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


def make_client(settings: LLMSettings) -> ollama.Client:
    """An Ollama client with bounded connect and read timeouts (the default has none)."""
    timeout = httpx.Timeout(settings.timeout, connect=settings.connect_timeout)
    return ollama.Client(host=settings.host, timeout=timeout)


def _ms(nanoseconds: int | None) -> int | None:
    return None if nanoseconds is None else int(nanoseconds // 1_000_000)


def chat(
    settings: LLMSettings,
    chat_messages: Sequence[Mapping[str, str]],
    *,
    response_format: dict[str, Any] | str | None = None,
    client: ollama.Client | None = None,
) -> ChatResult:
    """Send one non-streaming chat request and return the answer, or raise LLMError."""
    client = client or make_client(settings)
    started = time.monotonic()
    try:
        response = client.chat(
            model=settings.model,
            messages=[dict(message) for message in chat_messages],
            stream=False,
            format=response_format,
            options={"num_ctx": settings.num_ctx, "temperature": 0.3},
        )
    except ollama.ResponseError as exc:
        if exc.status_code == 404 and "not found" in str(exc.error):
            raise LLMError("model_missing", exc.error) from exc
        raise LLMError("failed", f"{exc.status_code} {exc.error}") from exc
    except httpx.TimeoutException as exc:
        raise LLMError("timeout", type(exc).__name__) from exc
    except (ConnectionError, httpx.HTTPError) as exc:
        raise LLMError("unavailable", type(exc).__name__) from exc
    if not (response.message.content or "").strip():
        raise LLMError("failed", "empty reply")
    wall_ms = int((time.monotonic() - started) * 1000)
    return ChatResult(
        content=response.message.content or "",
        model=response.model or settings.model,
        done_reason=response.done_reason,
        prompt_tokens=response.prompt_eval_count,
        completion_tokens=response.eval_count,
        load_ms=_ms(response.load_duration),
        eval_ms=_ms(response.eval_duration),
        total_ms=_ms(response.total_duration),
        wall_ms=wall_ms,
    )
