"""A fake Ollama HTTP server for tests, speaking the real Ollama REST API (standard library only).

Usage::

    fake = FakeOllama().start()
    client = ollama.Client(host=fake.url, timeout=5)
    fake.push_reply("Cześć!", chunk_size=2)
    client.chat(model="qwen2.5:3b", messages=[{"role": "user", "content": "Hej"}])
    fake.stop()

Behaviour mirrors Ollama 0.12 (Go, gin router):

* ``POST /api/chat`` streams NDJSON (chunked) unless ``"stream": false``; errors detected before
  the response starts are JSON ``{"error": ...}`` with a 4xx/5xx status, errors after the stream
  started arrive as a final ``{"error": ...}`` line after a 200.
* ``GET /api/tags``, ``GET /api/version``, ``POST /api/show``, ``GET /api/ps``, ``GET /``.
* Anything else is a plain-text ``404 page not found``.
* JSON is encoded like Go's ``json.Marshal``: compact, raw UTF-8, ``<``, ``>`` and ``&`` escaped.
  Lone UTF-16 surrogates (possible in a Python str, never in Go) become ``\\udxxx`` escapes.

Beyond the happy path, a script step can misbehave the way slow or broken servers do: a whole
``{"error"}`` body with HTTP 200 (`push_error_body`), NDJSON lines dripped one byte per HTTP chunk
(``byte_delay``), a pause in the middle of a stream (``stall_after``/``stall``) and a stream held
until the test opens a gate (``gate``/``gate_after``). ``active_streams``, ``max_active_streams``
and ``aborted_streams`` show what the streams did.

Client hang-ups are noticed like Go's net/http does (a read on the idle connection sees EOF):
whenever a handler pauses (delays, stalls, gates, dripping) it watches its socket, so a client
that closes mid-stream is counted in ``aborted_streams`` at once. Without a pause, the hang-up is
noticed only when a write fails; after a close the first write usually still succeeds (the kernel
buffers it and the peer answers with a reset), so that may take two writes - and a stream whose
remaining lines all fit into the socket buffer may finish "successfully" without any abort.

Run stand-alone (e.g. for a benchmark in its own process)::

    python -m tests.fake_ollama --port 0 --reply-tokens 200 --token-delay 0.0

prints one line ``READY http://127.0.0.1:PORT`` and serves until SIGTERM or SIGINT.

For benchmarks the default reply can also:

* carry its emission time in every token (``--timestamp-tokens``, `default_timestamps`): each
  streamed chunk is ``"t<time.time() with 6 decimals> "``, read just before it is written, so a
  client on the same machine computes each token's delivery delay as arrival minus emission;
* keep a fixed clock (``--fixed-clock``, `default_fixed_clock`): chunk i is due at
  t0 + i x delay, t0 being when the stream started, rather than `delay` after the previous
  chunk, so a late chunk does not delay every later one (sleeping per chunk lets lag pile up);
* obey per-request directives (``--directives``, `directives`): a last user message containing
  ``[[fake tokens=N delay=S ts=0|1 clock=fixed|sleep]]`` (any subset) overrides the token
  count, the delay, the timestamps and the clock for that request only, so one fake process
  serves short and long, fast and slow replies to the same app.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import hashlib
import json
import re
import select
import signal
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import urlsplit

__all__ = [
    "DEFAULT_MODELS",
    "DEFAULT_REPLY",
    "OLLAMA_VERSION",
    "SAMPLE_TEXT",
    "TOKEN_TEXT",
    "FakeOllama",
    "default_structured_reply",
    "main",
    "sample_from_schema",
    "token_chunks",
]

OLLAMA_VERSION = "0.12.3"
DEFAULT_MODELS: tuple[str, ...] = ("qwen2.5:3b",)
SAMPLE_TEXT = "Zażółć gęślą jaźń"
DEFAULT_REPLY = "**Masz 7 dni** na złożenie wniosku. Zażółć gęślą jaźń."
JSON_MODE_REPLY = '{"odpowiedź": "Zażółć gęślą jaźń"}'
# Words cycled through by token_chunks() (the CLI's --reply-tokens reply).
TOKEN_TEXT = (
    "Masz 7 dni na złożenie wniosku o ponowne rozpatrzenie sprawy w urzędzie skarbowym, "
    "licząc od dnia doręczenia decyzji."
)
DEFAULT_CHUNK_SIZE = 8
# A per-request directive in the last user message, e.g. "[[fake tokens=200 delay=0.05 ts=1]]".
DIRECTIVE = re.compile(r"\[\[fake((?:\s+\w+=[^\s\]]+)*)\s*\]\]")

# How often a paused handler re-checks the server's stop flag and a gate (seconds).
_POLL_INTERVAL = 0.05
_GATE_POLL_INTERVAL = 0.01

# Plausible fixed timings (nanoseconds) used to build the response counters.
_LOAD_DURATION_NS = 15_000_000
_PROMPT_EVAL_NS_PER_TOKEN = 1_000_000
_EVAL_NS_PER_TOKEN = 20_000_000

_MODEL_DETAILS: dict[str, Any] = {
    "parent_model": "",
    "format": "gguf",
    "family": "qwen2",
    "families": ["qwen2"],
    "parameter_size": "3.1B",
    "quantization_level": "Q4_K_M",
}
_MODEL_SIZE = 1_929_912_432
_MODIFIED_AT = "2026-11-20T09:15:42.417288361Z"


# --------------------------------------------------------------------------------------------
# Helpers: Go-compatible JSON and timestamps
# --------------------------------------------------------------------------------------------


_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _go_json(obj: Any) -> bytes:
    """Encode like Go's json.Marshal: compact, UTF-8, HTML-sensitive characters escaped.

    A Python str may hold lone UTF-16 surrogates (valid pairs are always combined into one code
    point), which UTF-8 cannot encode; they are written as lowercase JSON escapes like
    ``\\ud800``, as JSON producers such as Python's json module do.
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    # These characters can only occur inside JSON strings, so a plain replace is safe.
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    text = _LONE_SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
    return text.encode("utf-8")


def _now_rfc3339_nano() -> str:
    """Return the current UTC time formatted like Go's time.RFC3339Nano."""
    ns = time.time_ns()
    seconds, nanos = divmod(ns, 1_000_000_000)
    base = datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S")
    # RFC3339Nano drops trailing zeros of the fraction (and the dot when it is zero).
    fraction = f"{nanos:09d}".rstrip("0")
    return f"{base}.{fraction}Z" if fraction else f"{base}Z"


def _go_quote_char(char: str) -> str:
    """Quote a character the way Go's encoding/json does in syntax error messages."""
    if char == "'":
        return "'\\''"
    if char == '"':
        return "'\"'"
    return "'" + json.dumps(char, ensure_ascii=False)[1:-1] + "'"


def _go_syntax_error(raw: str, error: json.JSONDecodeError) -> str:
    """Translate a Python JSON error into the message Go's decoder would produce."""
    if error.pos >= len(raw) or error.msg.startswith("Unterminated"):
        return "unexpected EOF"
    char = _go_quote_char(raw[error.pos])
    if error.msg.startswith("Expecting property name"):
        return f"invalid character {char} looking for beginning of object key string"
    if error.msg.startswith("Expecting ':'"):
        return f"invalid character {char} after object key"
    if error.msg.startswith("Expecting ','"):
        return f"invalid character {char} after object key:value pair"
    if error.msg.startswith("Invalid control character"):
        return f"invalid character {char} in string literal"
    return f"invalid character {char} looking for beginning of value"


def _go_type_name(value: Any) -> str:
    """Return the JSON type name Go uses in unmarshal errors."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


# --------------------------------------------------------------------------------------------
# Structured output: build a JSON value that satisfies a JSON schema
# --------------------------------------------------------------------------------------------

_STRING_FORMATS = {
    "date": "2026-11-27",
    "date-time": "2026-11-27T14:00:00Z",
    "time": "14:00:00",
    "email": "jan.kowalski@example.pl",
    "uri": "https://example.pl/",
    "uuid": "00000000-0000-4000-8000-000000000000",
}
_MAX_SCHEMA_DEPTH = 12


def _resolve_ref(ref: str, root: dict[str, Any]) -> dict[str, Any]:
    """Resolve a local JSON pointer reference like '#/$defs/Name'."""
    if not ref.startswith("#"):
        return {}
    node: Any = root
    for part in ref.lstrip("#").split("/"):
        if not part:
            continue
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            return {}
        node = node[part]
    return node if isinstance(node, dict) else {}


def _sample_number(schema: dict[str, Any], integer: bool) -> int | float:
    """Return 1 moved into the [minimum, maximum] range of the schema."""
    value: int | float = 1
    step = 1 if integer else 0.5
    if isinstance(schema.get("minimum"), int | float):
        value = max(value, schema["minimum"])
    if isinstance(schema.get("exclusiveMinimum"), int | float):
        value = max(value, schema["exclusiveMinimum"] + step)
    if isinstance(schema.get("maximum"), int | float):
        value = min(value, schema["maximum"])
    if isinstance(schema.get("exclusiveMaximum"), int | float):
        value = min(value, schema["exclusiveMaximum"] - step)
    if integer:
        return int(value) if float(value).is_integer() else int(value) + 1
    return value


def _sample_string(schema: dict[str, Any]) -> str:
    """Return a Polish sample string respecting format, minLength and maxLength."""
    text = _STRING_FORMATS.get(str(schema.get("format", "")), SAMPLE_TEXT)
    min_length = schema.get("minLength")
    if isinstance(min_length, int) and len(text) < min_length:
        text = (text + " ") * (min_length // (len(text) + 1) + 1)
    max_length = schema.get("maxLength")
    if isinstance(max_length, int):
        text = text[:max_length]
    if isinstance(min_length, int):
        text = text[: max(min_length, len(text.rstrip()))]
    return text


def _sample(schema: Any, root: dict[str, Any], depth: int) -> Any:
    """Walk one schema node and return a conforming sample value."""
    if not isinstance(schema, dict):
        return SAMPLE_TEXT  # `true` / unknown schema: anything goes
    if "$ref" in schema:
        target = _resolve_ref(str(schema["$ref"]), root)
        merged = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
        return _sample(merged, root, depth + 1)
    if "const" in schema:
        return copy.deepcopy(schema["const"])
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return copy.deepcopy(schema["enum"][0])
    for key in ("anyOf", "oneOf"):
        options = schema.get(key)
        if isinstance(options, list) and options:
            non_null = [o for o in options if not (isinstance(o, dict) and o.get("type") == "null")]
            return _sample((non_null or options)[0], root, depth + 1)
    if isinstance(schema.get("allOf"), list):
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        for part in schema["allOf"]:
            if isinstance(part, dict) and "$ref" in part:
                part = _resolve_ref(str(part["$ref"]), root)
            if isinstance(part, dict):
                merged.setdefault("properties", {}).update(part.get("properties", {}))
                merged["required"] = [*merged.get("required", []), *part.get("required", [])]
                for key, value in part.items():
                    merged.setdefault(key, value)
        return _sample(merged, root, depth + 1)

    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind is None:
        if "properties" in schema or "required" in schema:
            kind = "object"
        elif "items" in schema:
            kind = "array"
        else:
            kind = "string"

    if kind == "object":
        properties = schema.get("properties") or {}
        required = [r for r in schema.get("required") or [] if isinstance(r, str)]
        # Past the depth limit (recursive schemas) only the required properties are emitted.
        names = list(properties) if depth < _MAX_SCHEMA_DEPTH else []
        names += [r for r in required if r not in names]
        return {name: _sample(properties.get(name, {}), root, depth + 1) for name in names}
    if kind == "array":
        min_items = schema.get("minItems") if isinstance(schema.get("minItems"), int) else 0
        max_items = schema.get("maxItems") if isinstance(schema.get("maxItems"), int) else None
        count = 2 if depth < _MAX_SCHEMA_DEPTH else 0
        count = max(count, min_items)
        if max_items is not None:
            count = min(count, max_items)
        prefix = schema.get("prefixItems") if isinstance(schema.get("prefixItems"), list) else []
        items = [_sample(p, root, depth + 1) for p in prefix[:count]]
        item_schema = schema.get("items", {})
        items += [_sample(item_schema, root, depth + 1) for _ in range(count - len(items))]
        if schema.get("uniqueItems") and all(isinstance(i, str) for i in items):
            items = [f"{item} {n + 1}" if n else item for n, item in enumerate(items)]
        return items
    if kind == "integer":
        return _sample_number(schema, integer=True)
    if kind == "number":
        return _sample_number(schema, integer=False)
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return _sample_string(schema)


def sample_from_schema(schema: Any) -> Any:
    """Build a JSON value that satisfies the given JSON schema (local $refs supported)."""
    root = schema if isinstance(schema, dict) else {}
    return _sample(schema, root, 0)


def default_structured_reply(request: dict[str, Any]) -> str:
    """Default `structured_reply`: JSON text conforming to the request's "format"."""
    fmt = request.get("format")
    if fmt == "json" or not isinstance(fmt, dict):
        return JSON_MODE_REPLY
    return json.dumps(sample_from_schema(fmt), ensure_ascii=False)


def token_chunks(count: int) -> list[str]:
    """Return `count` "tokens": the words of TOKEN_TEXT, cycled, each followed by a space."""
    words = TOKEN_TEXT.split()
    return [f"{words[i % len(words)]} " for i in range(max(0, count))]


# --------------------------------------------------------------------------------------------
# Scripted behaviour
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Step:
    """One scripted /api/chat behaviour."""

    kind: str  # "reply" | "error" | "error_body" | "midstream"
    text: str = ""
    chunk_size: int = DEFAULT_CHUNK_SIZE
    done_reason: str = "stop"
    delay: float = 0.0
    chunk_delay: float = 0.0
    status: int = 200
    message: str = ""
    # Explicit content chunks (one per NDJSON line); when None, `text` is cut by chunk_size.
    chunks: tuple[str, ...] | None = None
    byte_delay: float = 0.0
    stall_after: int | None = None
    stall: float = 0.0
    gate: threading.Event | None = None
    gate_after: int = 0
    # Streamed chunks carry their emission time instead of their text (see the module doc).
    timestamps: bool = False
    # Chunk i is due at t0 + i * chunk_delay instead of chunk_delay after the previous one.
    fixed_clock: bool = False

    def pieces(self) -> list[str]:
        """Return the content of each NDJSON content line of the stream."""
        if self.chunks is not None:
            return list(self.chunks)
        size = max(1, self.chunk_size)
        return [self.text[i : i + size] for i in range(0, len(self.text), size)]

    def eval_count(self) -> int:
        """Return the generated-token count reported for a non-streamed reply."""
        if self.chunks is not None:
            return max(1, len(self.chunks))
        return max(1, len(self.text) // 4)


class _ClientGone(Exception):
    """Raised inside a handler when the client closed the connection (or the server stops)."""


# --------------------------------------------------------------------------------------------
# HTTP plumbing
# --------------------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    """Threading HTTP server that knows its FakeOllama and keeps quiet about dropped clients."""

    daemon_threads = True
    allow_reuse_address = True
    fake: FakeOllama

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore connection errors (client went away / server stopping); report the rest."""
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError | ValueError | _ClientGone):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    """Request handler implementing the subset of the Ollama API used by the app."""

    protocol_version = "HTTP/1.1"
    server: _Server
    # Whether pauses should watch the socket for a client hang-up (off once the client sent
    # more bytes, e.g. a pipelined request, since those keep the socket readable).
    _watch_peer: bool = True

    # -- connection bookkeeping --------------------------------------------------------------

    def setup(self) -> None:
        """Register the connection so that stop() can cut it."""
        super().setup()
        self.server.fake._track_connection(self.connection)

    def finish(self) -> None:
        """Unregister the connection."""
        try:
            super().finish()
        except OSError:
            pass
        finally:
            self.server.fake._untrack_connection(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log."""

    def send_response(self, code: int, message: str | None = None) -> None:
        """Send the status line and Date header (no Server header, like Go's net/http)."""
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Date", self.date_time_string())

    # -- method entry points -----------------------------------------------------------------

    def do_GET(self) -> None:
        """Dispatch GET."""
        self._dispatch()

    def do_HEAD(self) -> None:
        """Dispatch HEAD."""
        self._dispatch()

    def do_POST(self) -> None:
        """Dispatch POST."""
        self._dispatch()

    def do_PUT(self) -> None:
        """Dispatch PUT."""
        self._dispatch()

    def do_DELETE(self) -> None:
        """Dispatch DELETE."""
        self._dispatch()

    def do_PATCH(self) -> None:
        """Dispatch PATCH."""
        self._dispatch()

    def do_OPTIONS(self) -> None:
        """Dispatch OPTIONS."""
        self._dispatch()

    # -- low-level I/O -----------------------------------------------------------------------

    def _read_body(self) -> bytes:
        """Read the request body (Content-Length or chunked)."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts = []
            while True:
                size_line = self.rfile.readline(65537)
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    # Skip trailers up to the empty line.
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                parts.append(self.rfile.read(size))
                self.rfile.readline(65537)
            return b"".join(parts)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send_bytes(self, status: int, body: bytes, content_type: str) -> None:
        """Send a complete (non-streamed) response with Content-Length."""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()

    def _send_json(self, status: int, obj: Any) -> None:
        """Send a JSON response the way gin's c.JSON does."""
        self._send_bytes(status, _go_json(obj), "application/json; charset=utf-8")

    def _send_error_json(self, status: int, message: str) -> None:
        """Send {"error": message} with the given status."""
        self._send_json(status, {"error": message})

    def _send_not_found(self) -> None:
        """Send the gin router's default 404."""
        self._send_bytes(404, b"404 page not found", "text/plain")

    def _write_chunk(self, obj: Any, byte_delay: float = 0.0) -> None:
        """Write one NDJSON line as an HTTP chunk and flush; raise _ClientGone on disconnect.

        With `byte_delay` > 0 the line is dripped: one byte per HTTP chunk, `byte_delay`
        seconds between the bytes (multi-byte UTF-8 characters get split across chunks).
        """
        data = _go_json(obj) + b"\n"
        if byte_delay <= 0:
            self._write_raw(b"%x\r\n%s\r\n" % (len(data), data))
            return
        for index in range(len(data)):
            if index:
                self._pause(byte_delay)
            self._write_raw(b"1\r\n%s\r\n" % data[index : index + 1])

    def _write_raw(self, data: bytes) -> None:
        """Write bytes to the socket, translating connection failures into _ClientGone."""
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except (OSError, ValueError) as exc:
            raise _ClientGone from exc

    def _pause(self, seconds: float) -> None:
        """Sleep `seconds`; raise _ClientGone at once when the server stops or the client hangs up.

        Like Go's net/http (which reads the idle connection in the background and cancels the
        request's context on EOF), the socket is watched during the pause, so a client that
        closed the connection is noticed without waiting for a write to fail.
        """
        stopping = self.server.fake._stopping
        deadline = time.monotonic() + max(0.0, seconds)
        while True:
            if stopping.is_set():
                raise _ClientGone("server stopping")
            remaining = deadline - time.monotonic()
            if self._watch_peer:
                wait = min(max(0.0, remaining), _POLL_INTERVAL)
                # poll() counts whole milliseconds: sleep sub-millisecond pauses separately.
                if self._peer_hung_up(wait if wait >= 0.001 else 0.0):
                    raise _ClientGone("client closed the connection")
                if 0 < wait < 0.001:
                    stopping.wait(wait)
            elif remaining > 0:
                stopping.wait(remaining)
            if time.monotonic() >= deadline:
                if stopping.is_set():
                    raise _ClientGone("server stopping")
                return

    def _wait_gate(self, gate: threading.Event) -> None:
        """Block until `gate` is set; raise _ClientGone if the server stops or the client leaves."""
        while not gate.wait(_GATE_POLL_INTERVAL):
            self._pause(0)

    def _peer_hung_up(self, timeout: float) -> bool:
        """Wait up to `timeout` for the socket to turn readable; True when the client is gone.

        Readable with EOF (or a reset) means the client closed the connection. Readable with
        data means the client sent something (a pipelined request): the connection is alive, and
        since the socket now stays readable, watching stops for the rest of this request.
        """
        conn = self.connection
        try:
            if hasattr(select, "poll"):
                poller = select.poll()
                poller.register(conn, select.POLLIN | select.POLLPRI)
                readable = bool(poller.poll(timeout * 1000))
            else:  # pragma: no cover - Windows
                readable = bool(select.select([conn], [], [], timeout)[0])
            if not readable:
                return False
            if conn.recv(1, socket.MSG_PEEK):
                self._watch_peer = False
                return False
            return True
        except (OSError, ValueError):
            return True

    # -- routing -----------------------------------------------------------------------------

    def _dispatch(self) -> None:
        """Read the request, record it and route it."""
        fake = self.server.fake
        self._watch_peer = True
        raw = self._read_body()
        path = urlsplit(self.path).path
        parsed: Any = None
        if raw.strip():
            try:
                parsed, _ = json.JSONDecoder().raw_decode(raw.decode("utf-8").lstrip())
            except (ValueError, UnicodeDecodeError):
                parsed = None
        fake._record_request(path, self.command, parsed)

        routes: dict[tuple[str, str], Callable[[bytes], None]] = {
            ("GET", "/"): self._handle_root,
            ("HEAD", "/"): self._handle_root,
            ("GET", "/api/version"): self._handle_version,
            ("HEAD", "/api/version"): self._handle_version,
            ("GET", "/api/tags"): self._handle_tags,
            ("HEAD", "/api/tags"): self._handle_tags,
            ("GET", "/api/ps"): self._handle_ps,
            ("POST", "/api/show"): self._handle_show,
            ("POST", "/api/chat"): self._handle_chat,
        }
        handler = routes.get((self.command, path))
        if handler is None:
            self._send_not_found()
            return
        try:
            handler(raw)
        except _ClientGone:
            self.close_connection = True

    def _parse_json_body(self, raw: bytes, go_type: str) -> dict[str, Any] | None:
        """Decode the body like gin's ShouldBindJSON; on failure send a 400 and return None."""
        text = raw.decode("utf-8", errors="replace")
        stripped = text.lstrip()
        if not stripped:
            self._send_error_json(400, "missing request body")
            return None
        try:
            # Go's json.Decoder reads one value and ignores trailing data.
            value, _ = json.JSONDecoder().raw_decode(stripped)
        except json.JSONDecodeError as exc:
            self._send_error_json(400, _go_syntax_error(stripped, exc))
            return None
        if not isinstance(value, dict):
            kind = _go_type_name(value)
            if kind == "null":
                return {}
            self._send_error_json(
                400, f"json: cannot unmarshal {kind} into Go value of type {go_type}"
            )
            return None
        for key, expected in (("model", str), ("messages", list)):
            field = value.get(key)
            if field is not None and not isinstance(field, expected):
                go_field = "string" if expected is str else "[]api.Message"
                self._send_error_json(
                    400,
                    f"json: cannot unmarshal {_go_type_name(field)} into Go struct field "
                    f"{go_type.split('.')[-1]}.{key} of type {go_field}",
                )
                return None
        return value

    # -- endpoints -----------------------------------------------------------------------------

    def _handle_root(self, raw: bytes) -> None:
        """GET / -> 'Ollama is running'."""
        self._send_bytes(200, b"Ollama is running", "text/plain; charset=utf-8")

    def _handle_version(self, raw: bytes) -> None:
        """GET /api/version."""
        self._send_json(200, {"version": OLLAMA_VERSION})

    def _handle_tags(self, raw: bytes) -> None:
        """GET /api/tags: the fake's model list."""
        models = [
            {
                "name": name,
                "model": name,
                "modified_at": _MODIFIED_AT,
                "size": _MODEL_SIZE,
                "digest": hashlib.sha256(name.encode()).hexdigest(),
                "details": copy.deepcopy(_MODEL_DETAILS),
            }
            for name in self.server.fake._models_snapshot()
        ]
        self._send_json(200, {"models": models})

    def _handle_ps(self, raw: bytes) -> None:
        """GET /api/ps: nothing is loaded."""
        self._send_json(200, {"models": []})

    def _handle_show(self, raw: bytes) -> None:
        """POST /api/show: model metadata or 404."""
        body = self._parse_json_body(raw, "api.ShowRequest")
        if body is None:
            return
        name = body.get("model") or body.get("name") or ""
        if not isinstance(name, str) or not name.strip():
            self._send_error_json(400, "model is required")
            return
        if not self.server.fake._has_model(name):
            self._send_error_json(404, f"model '{name}' not found")
            return
        self._send_json(
            200,
            {
                "license": "Apache License 2.0",
                "modelfile": (
                    f'# Modelfile generated by "ollama show"\nFROM {name}\n'
                    'TEMPLATE """{{ .Prompt }}"""\nPARAMETER stop <|im_end|>\n'
                ),
                "parameters": 'stop                           "<|im_end|>"',
                "template": "{{- range .Messages }}<|im_start|>{{ .Role }}\n"
                "{{ .Content }}<|im_end|>\n{{ end }}<|im_start|>assistant\n",
                "details": copy.deepcopy(_MODEL_DETAILS),
                "model_info": {
                    "general.architecture": "qwen2",
                    "general.basename": "Qwen2.5",
                    "general.parameter_count": 3_085_938_688,
                    "general.quantization_version": 2,
                    "qwen2.attention.head_count": 16,
                    "qwen2.block_count": 36,
                    "qwen2.context_length": 32768,
                    "qwen2.embedding_length": 2048,
                },
                "capabilities": ["completion"],
                "modified_at": _MODIFIED_AT,
            },
        )

    def _handle_chat(self, raw: bytes) -> None:
        """POST /api/chat: validate, then play the next scripted step (or the default reply)."""
        fake = self.server.fake
        body = self._parse_json_body(raw, "api.ChatRequest")
        if body is None:
            return
        fake._record_chat(body)
        model = body.get("model") or ""
        if not model.strip():
            self._send_error_json(400, "model is required")
            return
        if not fake._has_model(model):
            self._send_error_json(404, f"model '{model}' not found")
            return
        messages = body.get("messages") or []
        stream = body.get("stream") is not False  # Ollama streams unless told otherwise

        if not messages:
            # Ollama answers an empty chat by (un)loading the model; no script step is used.
            reason = "unload" if body.get("keep_alive") in (0, "0", "0s") else "load"
            self._send_json(200, self._envelope(model, "", done=True, done_reason=reason))
            return

        step = fake._next_step(body)
        started = time.monotonic_ns()
        self._pause(step.delay)
        prompt_tokens = max(1, sum(_content_length(m) for m in messages) // 4)

        if step.kind == "error":
            self._send_error_json(step.status, step.message)
            return
        if step.kind == "error_body":
            # Not Ollama: a proxy/server answering 200 with a whole JSON error body, even when
            # a stream was requested (Content-Length, not chunked).
            self._send_error_json(200, step.message)
            return
        if not stream:
            if step.kind == "midstream":
                self._send_error_json(500, step.message)
                return
            # The whole reply is generated before it is sent: a stall or a gate delays it all.
            self._hold(step, sent=0, total=0)
            text = "".join(step.pieces())
            response = self._envelope(model, text, done=True, done_reason=step.done_reason)
            response.update(_metrics(prompt_tokens, step.eval_count(), started))
            self._send_json(200, response)
            return
        self._stream(model, step, prompt_tokens, started)

    def _envelope(
        self, model: str, content: str, *, done: bool, done_reason: str | None = None
    ) -> dict[str, Any]:
        """Build a chat response object with Go's field order."""
        response: dict[str, Any] = {
            "model": model,
            "created_at": _now_rfc3339_nano(),
            "message": {"role": "assistant", "content": content},
        }
        if done_reason:
            response["done_reason"] = done_reason
        response["done"] = done
        return response

    def _hold(self, step: _Step, *, sent: int, total: int) -> None:
        """Stall and/or wait at the gate when `sent` content chunks (of `total`) are out.

        A `stall_after`/`gate_after` beyond the number of content chunks holds the stream just
        before its final line.
        """
        if step.stall_after is not None and min(step.stall_after, total) == sent:
            self._pause(step.stall)
        if step.gate is not None and min(step.gate_after, total) == sent:
            self._wait_gate(step.gate)

    def _timed_hold(self, step: _Step, *, sent: int, total: int) -> float:
        """`_hold`, returning the seconds it took (a stall or a gate moves the fixed clock)."""
        if step.stall_after is None and step.gate is None:
            return 0.0
        began = time.monotonic()
        self._hold(step, sent=sent, total=total)
        return time.monotonic() - began

    def _pause_until_due(self, step: _Step, clock: float, index: int) -> None:
        """Wait before line `index`: until its fixed-clock time, or `chunk_delay`."""
        if step.fixed_clock:
            self._pause(clock + index * step.chunk_delay - time.monotonic())
        else:
            self._pause(step.chunk_delay)

    def _stream(self, model: str, step: _Step, prompt_tokens: int, started: int) -> None:
        """Send an NDJSON chunked stream for a reply or mid-stream-error step."""
        fake = self.server.fake
        chunks = step.pieces()
        epoch = fake._stream_started()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/x-ndjson")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.flush()
            # The fixed clock: chunk i is due at clock + i * chunk_delay; holds shift it.
            clock = time.monotonic()
            for index, chunk in enumerate(chunks):
                clock += self._timed_hold(step, sent=index, total=len(chunks))
                if index:
                    self._pause_until_due(step, clock, index)
                if step.timestamps:
                    chunk = f"t{time.time():.6f} "
                self._write_chunk(self._envelope(model, chunk, done=False), step.byte_delay)
            clock += self._timed_hold(step, sent=len(chunks), total=len(chunks))
            self._pause_until_due(step, clock, len(chunks))
            if step.kind == "midstream":
                self._write_chunk({"error": step.message}, step.byte_delay)
            else:
                final = self._envelope(model, "", done=True, done_reason=step.done_reason)
                final.update(_metrics(prompt_tokens, max(1, len(chunks)), started))
                self._write_chunk(final, step.byte_delay)
            self._write_raw(b"0\r\n\r\n")
        except (_ClientGone, OSError) as exc:
            self.close_connection = True
            if not fake._stopping.is_set():
                fake._record_abort(epoch)
            raise _ClientGone from exc
        finally:
            fake._stream_ended(epoch)


def _directive(body: dict[str, Any]) -> dict[str, str]:
    """The "[[fake key=value ...]]" settings found in the request's last user message."""
    for message in reversed(body.get("messages") or []):
        if isinstance(message, dict) and message.get("role") == "user":
            found = DIRECTIVE.search(str(message.get("content") or ""))
            if found is None:
                return {}
            return dict(pair.split("=", 1) for pair in found.group(1).split())
    return {}


def _content_length(message: Any) -> int:
    """Return the number of characters of a chat message's content."""
    if isinstance(message, dict) and isinstance(message.get("content"), str):
        return len(message["content"])
    return 0


def _metrics(prompt_tokens: int, eval_count: int, started_ns: int) -> dict[str, int]:
    """Build Ollama's timing/count fields (integers, nanoseconds)."""
    prompt_eval_duration = prompt_tokens * _PROMPT_EVAL_NS_PER_TOKEN
    eval_duration = eval_count * _EVAL_NS_PER_TOKEN
    elapsed = time.monotonic_ns() - started_ns
    total = max(_LOAD_DURATION_NS + prompt_eval_duration + eval_duration, elapsed)
    return {
        "total_duration": total,
        "load_duration": _LOAD_DURATION_NS,
        "prompt_eval_count": prompt_tokens,
        "prompt_eval_duration": prompt_eval_duration,
        "eval_count": eval_count,
        "eval_duration": eval_duration,
    }


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


class FakeOllama:
    """In-process fake Ollama server on 127.0.0.1 with scriptable /api/chat replies.

    Counters (read them directly; `wait_until` helps with the ones set by handler threads):

    * ``aborted_streams``: /api/chat streams the client abandoned (closed the connection)
      before the end. A stream cut by `stop` is not an abort.
    * ``active_streams``: /api/chat streams being written right now.
    * ``max_active_streams``: the highest ``active_streams`` seen since the last `reset`.

    A `reset` zeroes them; streams that started before it no longer change them.
    """

    def __init__(self, models: list[str] | None = None) -> None:
        """Create a stopped fake that knows `models` (default ["qwen2.5:3b"])."""
        self._default_models: list[str] = list(models if models is not None else DEFAULT_MODELS)
        self.models: list[str] = list(self._default_models)
        self.requests: list[dict[str, Any]] = []
        self.chat_requests: list[dict[str, Any]] = []
        self.aborted_streams: int = 0
        self.active_streams: int = 0
        self.max_active_streams: int = 0
        # The reply for a chat request without a scripted step (and without "format"):
        # `default_chunks` (one NDJSON line each) when set, else `default_reply` cut into
        # `default_chunk_size`-character chunks; `default_chunk_delay` seconds between lines
        # (also for the structured reply).
        self.default_reply: str = DEFAULT_REPLY
        self.default_chunks: list[str] | None = None
        self.default_chunk_size: int = DEFAULT_CHUNK_SIZE
        self.default_chunk_delay: float = 0.0
        # Benchmark aids (see the module doc): timestamped tokens, a fixed clock for the
        # default reply, and per-request "[[fake ...]]" directives in the last user message.
        self.default_timestamps: bool = False
        self.default_fixed_clock: bool = False
        self.directives: bool = False
        self.structured_reply: Callable[[dict[str, Any]], str] | None = default_structured_reply
        self._epoch = 0  # bumped by reset(); streams from an older epoch are not counted
        self._queue: deque[_Step] = deque()
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self, port: int = 0) -> FakeOllama:
        """Bind 127.0.0.1 on `port` (0: a free one) and serve in a daemon thread; returns self."""
        if self._server is not None:
            raise RuntimeError("FakeOllama is already running")
        self._stopping.clear()
        server = _Server(("127.0.0.1", port), _Handler)
        server.fake = self
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fake-ollama-{server.server_address[1]}",
            daemon=True,
        )
        self._server, self._thread = server, thread
        thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, cut open connections (even mid-stream), join the thread, close socket."""
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if thread is not None:
            thread.join(timeout=5)
        self._server, self._thread = None, None

    def __enter__(self) -> Self:
        """Start the server (if needed) when used as a context manager."""
        if self._server is None:
            self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Stop the server."""
        self.stop()

    @property
    def url(self) -> str:
        """Base URL, e.g. "http://127.0.0.1:54321"."""
        if self._server is None:
            raise RuntimeError("FakeOllama is not running; call start() first")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # -- scripting -----------------------------------------------------------------------------

    def push_reply(
        self,
        text: str,
        *,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        done_reason: str = "stop",
        delay: float = 0.0,
        chunk_delay: float = 0.0,
        byte_delay: float = 0.0,
        stall_after: int | None = None,
        stall: float = 0.0,
        gate: threading.Event | None = None,
        gate_after: int = 0,
    ) -> None:
        """Queue a successful reply for the next /api/chat call.

        * `chunk_size`: characters of `text` per NDJSON content line when streaming.
        * `delay`: seconds before the response starts; `chunk_delay`: seconds between lines.
        * `byte_delay` > 0: every NDJSON line is dripped one byte per HTTP chunk, with
          `byte_delay` seconds between the bytes (no complete line for a long time, yet bytes
          keep arriving, so a read timeout never fires).
        * `stall_after`/`stall`: after `stall_after` content chunks, pause `stall` seconds.
        * `gate`/`gate_after`: after `gate_after` content chunks, wait until `gate` is set.

        A stall or gate count beyond the number of content chunks holds the stream just before
        its final (done) line. Stalls and gates end early when the server stops (the stream is
        then cut) or the client hangs up. A non-streamed reply is generated before it is sent,
        so a stall or a gate delays its whole response.
        """
        if stall_after is not None and stall_after < 0:
            raise ValueError("stall_after must be >= 0")
        if gate_after < 0:
            raise ValueError("gate_after must be >= 0")
        self._push(
            _Step(
                "reply",
                text=text,
                chunk_size=chunk_size,
                done_reason=done_reason,
                delay=delay,
                chunk_delay=chunk_delay,
                byte_delay=byte_delay,
                stall_after=stall_after,
                stall=stall,
                gate=gate,
                gate_after=gate_after,
            )
        )

    def push_error(self, status: int, message: str) -> None:
        """Queue an HTTP error response {"error": message} for the next /api/chat call."""
        self._push(_Step("error", status=status, message=message))

    def push_error_body(self, message: str) -> None:
        """Queue an HTTP 200 whose whole body is {"error": message}, for the next /api/chat call.

        Real Ollama never does this, but a misbehaving proxy or model server can: the answer is
        ``application/json; charset=utf-8`` with a Content-Length (not chunked), whether or not
        a stream was requested.
        """
        self._push(_Step("error_body", message=message))

    def push_midstream_error(self, partial_text: str, message: str) -> None:
        """Queue a stream that breaks with an {"error"} line (HTTP 500 when not streaming)."""
        self._push(_Step("midstream", text=partial_text, message=message))

    def reset(self) -> None:
        """Clear the queue, recorded requests and stream counters; restore models and replies.

        Streams still running from before the reset no longer touch the counters.
        """
        with self._lock:
            self._queue.clear()
            self.requests.clear()
            self.chat_requests.clear()
            self._epoch += 1
            self.aborted_streams = 0
            self.active_streams = 0
            self.max_active_streams = 0
            self.models[:] = self._default_models
            self.default_reply = DEFAULT_REPLY
            self.default_chunks = None
            self.default_chunk_size = DEFAULT_CHUNK_SIZE
            self.default_chunk_delay = 0.0
            self.default_timestamps = False
            self.default_fixed_clock = False
            self.directives = False
            self.structured_reply = default_structured_reply

    def pending_steps(self) -> int:
        """Return how many scripted steps have not been consumed yet."""
        with self._lock:
            return len(self._queue)

    def wait_until(self, predicate: Callable[[], bool], timeout: float = 2.0) -> bool:
        """Poll `predicate` until it is true or `timeout` seconds pass; return its last value."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() >= deadline:
                return predicate()
            time.sleep(0.01)
        return True

    # -- internals used by the handler ---------------------------------------------------------

    def _push(self, step: _Step) -> None:
        with self._lock:
            self._queue.append(step)

    def _next_step(self, body: dict[str, Any]) -> _Step:
        """Pop the next scripted step, or build the default reply for this request."""
        with self._lock:
            if self._queue:
                return self._queue.popleft()
            default_reply, structured = self.default_reply, self.structured_reply
            default_chunks: Sequence[str] | None = self.default_chunks
            size, chunk_delay = self.default_chunk_size, self.default_chunk_delay
            timing = {
                "timestamps": self.default_timestamps,
                "fixed_clock": self.default_fixed_clock,
            }
            directives = self.directives
        fmt = body.get("format")
        if fmt not in (None, "") and structured is not None:
            return _Step("reply", text=structured(body), chunk_size=size, chunk_delay=chunk_delay)
        if directives:
            override = _directive(body)
            if "tokens" in override:
                default_chunks = token_chunks(int(override["tokens"]))
            if "delay" in override:
                chunk_delay = float(override["delay"])
            if "ts" in override:
                timing["timestamps"] = override["ts"] not in ("0", "false", "no")
            if "clock" in override:
                timing["fixed_clock"] = override["clock"] == "fixed"
        if default_chunks is not None:
            chunks = tuple(default_chunks)
            return _Step(
                "reply", text="".join(chunks), chunks=chunks, chunk_delay=chunk_delay, **timing
            )
        return _Step(
            "reply", text=default_reply, chunk_size=size, chunk_delay=chunk_delay, **timing
        )

    def _record_request(self, path: str, method: str, body: Any) -> None:
        with self._lock:
            self.requests.append({"path": path, "method": method, "body": body})

    def _record_chat(self, body: dict[str, Any]) -> None:
        with self._lock:
            self.chat_requests.append(body)

    def _record_abort(self, epoch: int) -> None:
        with self._lock:
            if epoch == self._epoch:
                self.aborted_streams += 1

    def _stream_started(self) -> int:
        """Count a new active stream; return the epoch to hand to _stream_ended/_record_abort."""
        with self._lock:
            self.active_streams += 1
            self.max_active_streams = max(self.max_active_streams, self.active_streams)
            return self._epoch

    def _stream_ended(self, epoch: int) -> None:
        with self._lock:
            if epoch == self._epoch:
                self.active_streams -= 1

    def _models_snapshot(self) -> list[str]:
        with self._lock:
            return list(self.models)

    def _has_model(self, name: str) -> bool:
        """Match like Ollama: case-insensitive, a missing tag means ":latest"."""

        def normalize(value: str) -> str:
            value = value.strip().lower()
            return value if ":" in value.rsplit("/", 1)[-1] else f"{value}:latest"

        wanted = normalize(name)
        return any(normalize(m) == wanted for m in self._models_snapshot())

    def _track_connection(self, conn: socket.socket) -> None:
        with self._lock:
            self._connections.add(conn)
        if self._stopping.is_set():
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def _untrack_connection(self, conn: socket.socket) -> None:
        with self._lock:
            self._connections.discard(conn)


# --------------------------------------------------------------------------------------------
# Command line: run the fake in its own process
# --------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Serve a FakeOllama until SIGTERM/SIGINT; print "READY <url>" once it listens."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.fake_ollama", description="Fake Ollama server for tests/benchmarks."
    )
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: a free one)")
    parser.add_argument(
        "--reply-tokens",
        type=int,
        default=None,
        metavar="N",
        help="default reply of N tokens, one per NDJSON chunk (default: a short fixed reply)",
    )
    parser.add_argument(
        "--token-delay", type=float, default=0.0, metavar="S", help="seconds between chunks"
    )
    parser.add_argument(
        "--timestamp-tokens",
        action="store_true",
        help='each streamed token is its emission time, "t<time.time()> " (for benchmarks)',
    )
    parser.add_argument(
        "--fixed-clock",
        action="store_true",
        help="chunk i is due at t0 + i * delay (no drift when a chunk is late)",
    )
    parser.add_argument(
        "--directives",
        action="store_true",
        help='honour "[[fake tokens=N delay=S ts=0|1 clock=fixed|sleep]]" in the last user '
        "message, per request",
    )
    parser.add_argument(
        "--model",
        action="append",
        dest="models",
        metavar="NAME",
        help=f"model the fake knows (repeatable; default {', '.join(DEFAULT_MODELS)})",
    )
    args = parser.parse_args(argv)

    fake = FakeOllama(models=args.models)
    if args.reply_tokens is not None:
        fake.default_chunks = token_chunks(args.reply_tokens)
    fake.default_chunk_delay = args.token_delay
    fake.default_timestamps = args.timestamp_tokens
    fake.default_fixed_clock = args.fixed_clock
    fake.directives = args.directives

    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    fake.start(args.port)
    try:
        print(f"READY {fake.url}", flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        fake.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
