"""Talking to Ollama: one streamed chat call under a first-token wait, a stall timeout, an
overall deadline and a stop signal, and every way it can fail as a stable code.

The HTTP stream is read by a helper thread that hands chunks over a queue, so the caller
keeps its own clock: httpx's read timeout restarts with every byte, and a server dripping one
byte at a time would otherwise hold a call for as long as it liked. When the caller gives up
(deadline, stall, stop) it tells the reader, which closes the HTTP stream at its next chunk
(or at its read timeout); Ollama stops generating when its client disconnects.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import ollama

# How often the caller looks at the stop signal and its clocks while no chunk arrives.
TICK_S = 0.1


@dataclass(frozen=True)
class LLMSettings:
    """Where the model lives and how long we wait for it."""

    host: str
    model: str
    timeout: float  # for the first chunk (model load and prompt evaluation included)
    connect_timeout: float
    num_ctx: int
    stall_timeout: float = 30.0  # between chunks, once the reply has started
    deadline: float = 600.0  # for the whole reply

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> LLMSettings:
        """Build settings from a Flask config mapping."""
        return cls(
            host=config["OLLAMA_HOST"],
            model=config["OLLAMA_MODEL"],
            timeout=float(config["OLLAMA_TIMEOUT"]),
            connect_timeout=float(config["OLLAMA_CONNECT_TIMEOUT"]),
            num_ctx=int(config["OLLAMA_NUM_CTX"]),
            stall_timeout=float(config["OLLAMA_STALL_TIMEOUT"]),
            deadline=float(config["GENERATION_DEADLINE"]),
        )


class LLMError(Exception):
    """A model call that failed; ``code`` says how: unavailable, timeout, model_missing,
    failed, bad_output or needs_chat (each caller words it in Polish for its context)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass
class StreamResult:
    """What a streamed call produced, however it ended.

    ``ending`` is one of: ``stop`` (whole reply), ``length`` (cut at the token limit),
    ``stopped`` (the person pressed Stop), ``stalled`` (no chunk for the stall timeout),
    ``deadline`` (the whole reply took too long), or an LLMError code when the call failed.
    """

    content: str = ""
    ending: str = "stop"
    detail: str = ""
    model: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    load_ms: int | None = None
    eval_ms: int | None = None
    total_ms: int | None = None
    wall_ms: int = 0
    ttft_ms: int | None = None
    tokens_per_s: float | None = None
    chunks: int = 0
    parts: list[str] = field(default_factory=list, repr=False)


def make_client(settings: LLMSettings) -> ollama.Client:
    """An Ollama client with bounded connect and read timeouts (the default has none).

    Build one per process and share it: it holds httpx's connection pool.
    """
    read = max(settings.timeout, settings.stall_timeout)
    timeout = httpx.Timeout(read, connect=settings.connect_timeout)
    # httpx caps a client at 100 connections; a worker's threads each stream on their own.
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=20)
    return ollama.Client(host=settings.host, timeout=timeout, limits=limits)


def server_version(http: httpx.Client) -> str | None:
    """The model server's version (GET /api/version), or None when it does not answer."""
    try:
        response = http.get("/api/version")
        response.raise_for_status()
        version = response.json().get("version")
    except (httpx.HTTPError, ValueError, AttributeError):
        return None
    return version if isinstance(version, str) else None


def clean_text(text: str) -> str:
    """Drop NULs and replace lone UTF-16 surrogates (valid JSON, invalid UTF-8) with U+FFFD."""
    text = text.replace("\x00", "")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text


def classify(exc: BaseException) -> LLMError:
    """The stable code for an exception raised by the ollama client or httpx."""
    if isinstance(exc, ollama.ResponseError):
        if exc.status_code == 404 and "not found" in str(exc.error):
            return LLMError("model_missing", exc.error)
        return LLMError("failed", f"{exc.status_code} {exc.error}")
    if isinstance(exc, httpx.TimeoutException):
        return LLMError("timeout", type(exc).__name__)
    if isinstance(exc, ConnectionError | httpx.ConnectError):
        return LLMError("unavailable", type(exc).__name__)
    return LLMError("failed", type(exc).__name__)


# What the reader thread may see from the client: HTTP and protocol errors, a garbled line
# (json / pydantic raise ValueError subclasses), a connection refused.
READ_ERRORS = (ollama.ResponseError, httpx.HTTPError, ConnectionError, ValueError)


def _ms(nanoseconds: int | None) -> int | None:
    return None if nanoseconds is None else int(nanoseconds // 1_000_000)


def _read(chunks: Iterator[Any], out: queue.Queue[tuple[str, Any]], quit_: threading.Event) -> None:
    """The reader thread: forward chunks until the end, an error, or the caller quits."""
    try:
        for part in chunks:
            if quit_.is_set():
                break
            out.put(("chunk", part))
        else:
            out.put(("end", None))
    except READ_ERRORS as exc:
        out.put(("error", exc))
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()  # closes the HTTP response: Ollama notices and stops generating


def stream_chat(
    client: ollama.Client,
    settings: LLMSettings,
    chat_messages: Sequence[Mapping[str, str]],
    *,
    on_text: Callable[[str], None],
    should_stop: Callable[[], bool],
    response_format: dict[str, Any] | str | None = None,
    started: float | None = None,
) -> StreamResult:
    """Stream one chat reply, passing each piece of text to ``on_text`` as it arrives.

    Never raises for model trouble: the result's ``ending`` says how it ended and
    ``content`` holds whatever was written. ``started`` (time.monotonic()) lets the overall
    deadline count from when the turn was queued.
    """
    began = time.monotonic()
    deadline_at = (started or began) + settings.deadline
    result = StreamResult(model=settings.model)
    inbox: queue.Queue[tuple[str, Any]] = queue.Queue()
    quit_ = threading.Event()
    chunks = client.chat(
        model=settings.model,
        messages=[dict(message) for message in chat_messages],
        stream=True,
        format=response_format,
        options={"num_ctx": settings.num_ctx, "temperature": 0.3},
    )
    reader = threading.Thread(target=_read, args=(chunks, inbox, quit_), daemon=True)
    reader.start()
    last_chunk = began
    try:
        while True:
            now = time.monotonic()
            wait_limit = settings.timeout if result.chunks == 0 else settings.stall_timeout
            if now >= deadline_at:
                result.ending = "deadline"
                break
            if now - last_chunk >= wait_limit:
                result.ending = "stalled" if result.chunks else "timeout"
                break
            if should_stop():
                result.ending = "stopped"
                break
            try:
                items = [inbox.get(timeout=min(TICK_S, deadline_at - now))]
            except queue.Empty:
                continue
            # Chunks that queued up meanwhile go out together: one publish, not one each.
            items.extend(_drain(inbox))
            finished, fresh = False, []
            for kind, payload in items:
                if kind == "error":
                    error = classify(payload)
                    result.ending, result.detail = error.code, error.detail
                if kind != "chunk":
                    finished = True
                    break
                last_chunk = time.monotonic()
                fresh.append(_take(result, payload, began, last_chunk))
                if payload.done:
                    finished = True
                    break
            if any(fresh):
                on_text("".join(fresh))
            if finished:
                break
    finally:
        quit_.set()
    result.content = "".join(result.parts)
    result.wall_ms = int((time.monotonic() - began) * 1000)
    if result.ending == "stop" and not result.content.strip():
        result.ending, result.detail = "failed", "empty reply"
    return result


def _drain(inbox: queue.Queue[tuple[str, Any]], limit: int = 256) -> list[tuple[str, Any]]:
    """Whatever the reader has queued already, without waiting."""
    items = []
    while len(items) < limit:
        try:
            items.append(inbox.get_nowait())
        except queue.Empty:
            break
    return items


def _take(result: StreamResult, part: Any, began: float, now: float) -> str:
    """Fold one chunk into the result; return its text."""
    result.chunks += 1
    text = clean_text((part.message.content if part.message else "") or "")
    if text:
        if result.ttft_ms is None:
            result.ttft_ms = int((now - began) * 1000)
        result.parts.append(text)
    if not part.done:
        return text
    result.ending = "length" if part.done_reason == "length" else "stop"
    result.model = part.model or result.model
    result.prompt_tokens = part.prompt_eval_count
    result.completion_tokens = part.eval_count
    result.load_ms = _ms(part.load_duration)
    result.eval_ms = _ms(part.eval_duration)
    result.total_ms = _ms(part.total_duration)
    if part.eval_count and part.eval_duration:
        result.tokens_per_s = round(part.eval_count / (part.eval_duration / 1e9), 2)
    return text
