"""docs/api.md is true: every ```sh block runs against a live server, and every operation of
the live OpenAPI description has a curl example in it (so the document cannot lag behind).

Blocks run in document order, each with ``bash -euo pipefail -c`` and the variables the
document describes ($BASE, $KEY, $OTHER_KEY, $CONV, $MSG, $RENDER, $PDF_ID). Words after
``sh`` in a fence's info string say how a block is run:

* ``expect-fail=STATUS:CODE``: the block shows an error on purpose; it must fail, print
  STATUS last (``-w '\\n%{http_code}\\n'``) and the error body with CODE before it;
* ``legacy-open``: runs while the app has LEGACY_API_AUTH=none.

A block is mapped to the operations of its curl commands (method from ``-X`` or a body, path
from the ``"$BASE/..."`` URL matched against the description's path templates). Blocks that
need a particular state get it just before they run: a reply being written for ``stop``, a
failed reply for ``retry``, a conversation of their own for ``DELETE``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import IN_FLIGHT, Conversation, MessageStatus
from tests.fake_ollama import FakeOllama
from tests.helpers import SAMPLE_FIELDS, ApiClient, wait_for
from tests.live import serve

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "api.md"
FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<body>.*?)^```[ \t]*$", re.M | re.S)
# Languages of blocks that are shown, not run; a shell block must say ``sh`` to be run.
SHOWN_ONLY = {"", "json", "text", "http"}
URL = re.compile(r"\$\{?BASE\}?(/[^\s\"'?)]*)")
METHOD = re.compile(r"(?:^|\s)(?:-X|--request)\s*([A-Z]+)")
BODY_OPTION = re.compile(r"(?:^|\s)(?:-d|--data(?:-binary|-raw|-urlencode)?|--json|-F)(?:\s|=)")
# Pages of the API that are not operations of the description but are documented too.
EXTRA_OPERATIONS = {("GET", "/api/v1/openapi.json"), ("GET", "/api/v1/docs")}
SLOW_REPLY = "Sprzeciw wnosi się w ciągu dwóch tygodni od doręczenia nakazu zapłaty. " * 2
BLOCK_TIMEOUT_S = 90


@dataclass
class Block:
    """One fenced ```sh block of the document."""

    line: int
    body: str
    expect: tuple[int, str] | None = None
    legacy_open: bool = False
    calls: list[tuple[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        return f"docs/api.md:{self.line}"


def _blocks() -> list[Block]:
    """Every ```sh block of docs/api.md, with its options and its curl calls."""
    text = DOC.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        words = match["info"].split()
        language = words[0] if words else ""
        line = text.count("\n", 0, match.start()) + 1
        if language != "sh":
            assert language in SHOWN_ONLY, (
                f"docs/api.md:{line}: use ```sh for shell, not {language}"
            )
            continue
        block = Block(line, match["body"], calls=curl_calls(match["body"]))
        for word in words[1:]:
            if word.startswith("expect-fail="):
                status, _, code = word.removeprefix("expect-fail=").partition(":")
                block.expect = (int(status), code)
            elif word == "legacy-open":
                block.legacy_open = True
            else:
                raise AssertionError(f"{block}: unknown option {word!r} in the info string")
        found.append(block)
    return found


def curl_commands(script: str) -> list[str]:
    """The text of every curl command of a script, continuation lines joined, comments out."""
    lines = script.replace("\\\n", " ").splitlines()
    code = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    return [re.split(r"[|\n;]|&&", part, maxsplit=1)[0] for part in re.split(r"\bcurl\b", code)[1:]]


def curl_calls(script: str) -> list[tuple[str, str]]:
    """(method, path) of every curl command of a script whose URL is "$BASE/..."."""
    calls = []
    for command in curl_commands(script):
        url = URL.search(command)
        if url is None:
            continue
        method = METHOD.search(command)
        verb = method[1] if method else ("POST" if BODY_OPTION.search(command) else "GET")
        calls.append((verb, url[1]))
    return calls


def _template_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    return re.compile(
        "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts) + "$"
    )


def operations(description: dict[str, Any]) -> set[tuple[str, str]]:
    """(METHOD, path template) of every operation of an OpenAPI description."""
    methods = {"get", "post", "put", "patch", "delete"}
    return {
        (method.upper(), path)
        for path, item in description["paths"].items()
        for method in item
        if method in methods
    }


def matching(known: Iterable[tuple[str, str]], method: str, path: str) -> set[tuple[str, str]]:
    """The operations among ``known`` that a request (or a documented URL) is an example of."""
    return {
        (verb, template)
        for verb, template in known
        if verb == method and _template_pattern(template).match(path)
    }


def _fetch_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


# -- the document covers the API -----------------------------------------------------------


def test_every_operation_has_a_curl_example(app: Flask) -> None:
    with serve(app) as base:
        described = operations(_fetch_json(f"{base}/api/v1/openapi.json"))
    known = described | EXTRA_OPERATIONS
    blocks = _blocks()
    shown: set[tuple[str, str]] = set()
    for block in blocks:
        for method, path in block.calls:
            found = matching(known, method, path)
            assert found, f"{block}: {method} {path} is no operation of the API"
            shown |= found
    missing = sorted(known - shown)
    assert not missing, f"operations without a curl example in docs/api.md: {missing}"
    for block in blocks:
        # Every call fails on an HTTP error, so a block cannot pass over a failed request.
        for command in curl_commands(block.body):
            assert "--fail-with-body" in command and "-sS" in command, f"{block}: {command!r}"
        if block.expect:
            assert "%{http_code}" in block.body, f"{block}: an expected failure prints its status"


# -- every example runs --------------------------------------------------------------------


class Recorder:
    """WSGI middleware noting (method, path, status) of the requests made while it is on."""

    def __init__(self, wsgi_app: Callable[..., Any]) -> None:
        self.wsgi_app = wsgi_app
        self.on = False
        self.seen: list[tuple[str, str, int]] = []

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        def noting(status: str, headers: list[Any], exc_info: Any = None) -> Any:
            if self.on:
                self.seen.append((environ["REQUEST_METHOD"], environ["PATH_INFO"], int(status[:3])))
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, noting)


def _statuses(app: Flask, cid: str) -> list[MessageStatus]:
    """The statuses of a conversation's messages, read fresh from the database (none once
    the conversation is deleted)."""
    with app.app_context():
        found = db.session.scalar(select(Conversation).where(Conversation.public_id == cid))
        statuses = [message.status for message in found.messages] if found else []
        db.session.remove()
        return statuses


def wait_idle(app: Flask, cid: str) -> None:
    """Wait until nothing is being written in the conversation (read from the database, so
    the waiting uses up none of the key's rate limits)."""
    wait_for(lambda: not any(s in IN_FLIGHT for s in _statuses(app, cid)), interval=0.05)


def _wait_render_done(api: ApiClient, url: str) -> dict[str, Any]:
    def done() -> dict[str, Any] | None:
        render = api.get(url).get_json()
        assert render["status"] != "failed", render
        return render if render["status"] == "done" else None

    return wait_for(done, interval=0.2)


@dataclass
class Scene:
    """The state the examples run in: keys and a conversation with a letter and a PDF."""

    app: Flask
    fake: FakeOllama
    api: ApiClient
    other: ApiClient
    env: dict[str, str]


def _prepare(app: Flask, fake: FakeOllama, base: str) -> Scene:
    """A conversation with a finished reply, a drafted letter edited once (versions 1 and 2)
    and a finished PDF of it, and a PDF made through the legacy endpoint."""
    api, other = ApiClient(app, "docs"), ApiClient(app, "docs-other")
    conversation = api.start(message="Dostałam nakaz zapłaty z sądu. Co mogę zrobić?")
    cid = conversation["id"]
    reply = api.wait_reply(conversation["messages"][-1]["url"])
    assert reply["status"] == "complete", reply
    drafted = api.post(f"/api/v1/conversations/{cid}/draft")
    assert drafted.status_code == 202, drafted.get_json()
    assert api.wait_reply(drafted.get_json()["url"])["status"] == "complete"
    schema = api.get("/api/v1/catalogue/sprzeciw-nakaz").get_json()["fields"]
    fields = {key: SAMPLE_FIELDS[key] for key in schema["properties"]}
    edited = api.post(
        f"/api/v1/conversations/{cid}/document/versions",
        {"type": "sprzeciw-nakaz", "fields": {**fields, "kwota": "1300.00"}, "base_version": 1},
    )
    assert edited.status_code == 201 and edited.get_json()["number"] == 2, edited.get_json()
    started = api.post(f"/api/v1/conversations/{cid}/renders", {})
    assert started.status_code == 202, started.get_json()
    render = _wait_render_done(api, started.headers["Location"])
    legacy = api.post(
        "/api/generate-pdf", {"html_content": "<p>Wniosek</p>", "session_id": "docs-prepare"}
    )
    assert legacy.status_code == 200, legacy.get_json()
    env = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "BASE": base,
        "KEY": api.key,
        "OTHER_KEY": other.key,
        "CONV": cid,
        "MSG": str(reply["id"]),
        "RENDER": render["id"],
        "PDF_ID": legacy.get_json()["pdf_path"].rsplit("/", 1)[-1],
        # For the `flask api-keys` examples: the served app's database and settings.
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": app.config["SECRET_KEY"],
        "STORAGE_DIR": app.config["STORAGE_DIR"],
    }
    if app.config["REDIS_URL"]:
        env["REDIS_URL"] = app.config["REDIS_URL"]
    return Scene(app, fake, api, other, env)


def _writing(scene: Scene) -> dict[str, str]:
    """A conversation (of the other key) whose reply is being written, slowly, right now."""
    scene.fake.push_reply(SLOW_REPLY, chunk_size=4, chunk_delay=0.1)
    cid = scene.other.start(message="Jak napisać sprzeciw?")["id"]
    wait_for(lambda: MessageStatus.STREAMING in _statuses(scene.app, cid), interval=0.02)
    return {"KEY": scene.other.key, "CONV": cid}


def _failed(scene: Scene) -> dict[str, str]:
    """A conversation (of the other key) whose last reply failed."""
    scene.fake.push_error(500, "model crashed")
    cid = scene.other.start(message="Co z mandatem?")["id"]
    wait_idle(scene.app, cid)
    assert _statuses(scene.app, cid)[-1] == MessageStatus.ERROR
    return {"KEY": scene.other.key, "CONV": cid}


def _disposable(scene: Scene) -> dict[str, str]:
    """A conversation (of the other key) to delete."""
    return {"KEY": scene.other.key, "CONV": scene.other.start(topic="mandat")["id"]}


def _streams_a_new_reply(scene: Scene) -> dict[str, str]:
    """A reply slow enough that its stream carries chunks."""
    scene.fake.push_reply(SLOW_REPLY, chunk_size=6, chunk_delay=0.05)
    return {}


# What a block calling one of these operations needs, made just before it runs.
SETUPS: dict[tuple[str, str], Callable[[Scene], dict[str, str]]] = {
    ("POST", "/api/v1/conversations/{cid}/stop"): _writing,
    ("POST", "/api/v1/conversations/{cid}/retry"): _failed,
    ("DELETE", "/api/v1/conversations/{cid}"): _disposable,
}
SEND = ("POST", "/api/v1/conversations/{cid}/messages")


def _block_env(scene: Scene, block: Block, known: set[tuple[str, str]]) -> dict[str, str]:
    """The variables for one block, after making the state it needs."""
    env = dict(scene.env)
    called = set().union(*(matching(known, method, path) for method, path in block.calls))
    for operation in called & SETUPS.keys():
        env.update(SETUPS[operation](scene))
    if SEND in called and "application/x-ndjson" in block.body:
        env.update(_streams_a_new_reply(scene))
    return env


@contextmanager
def _legacy_open(app: Flask, block: Block) -> Iterator[None]:
    """LEGACY_API_AUTH=none while a ``legacy-open`` block runs (read per request)."""
    if not block.legacy_open:
        yield
        return
    app.config["LEGACY_API_AUTH"] = "none"
    try:
        yield
    finally:
        app.config["LEGACY_API_AUTH"] = "key"


def _run(block: Block, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block.body],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=BLOCK_TIMEOUT_S,
    )


def _check_failure(
    block: Block, done: subprocess.CompletedProcess[str], answered: list[int]
) -> None:
    """An ``expect-fail`` block failed with its status (answered by the server, printed
    last) and its error body."""
    assert block.expect is not None
    status, code = block.expect
    assert done.returncode != 0, f"{block} was expected to fail:\n{done.stdout}"
    assert status in answered, f"{block}: the server answered {answered}"
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    assert lines and lines[-1] == str(status), f"{block}: {done.stdout}\n{done.stderr}"
    error = json.loads(lines[-2])["error"]
    assert error["message"], f"{block}: {error}"
    if code:
        assert error["code"] == code, f"{block}: {error}"


def _check_stream(block: Block, output: str, sent: bool) -> None:
    """NDJSON printed by a block: reply, then chunks (when the reply was new), then done."""
    events = [json.loads(line) for line in output.splitlines() if line.startswith('{"event"')]
    assert events and events[0]["event"] == "reply", f"{block}: {output}"
    assert events[-1]["event"] == "done", f"{block}: the stream ended early:\n{output}"
    chunks = [event["text"] for event in events if event["event"] == "chunk"]
    if sent:
        assert chunks, f"{block}: no chunks streamed"
        assert "".join(chunks) == events[-1]["reply"]["content"]


def test_every_example_runs(
    app: Flask, fake_ollama: FakeOllama, jobs: None, tmp_path: Path
) -> None:
    recorder = Recorder(app.wsgi_app)
    app.wsgi_app = recorder  # type: ignore[method-assign]
    with serve(app) as base:
        known = operations(_fetch_json(f"{base}/api/v1/openapi.json")) | EXTRA_OPERATIONS
        scene = _prepare(app, fake_ollama, base)
        succeeded: set[tuple[str, str]] = set()
        for block in _blocks():
            env = _block_env(scene, block, known)
            recorder.seen.clear()
            recorder.on = True
            with _legacy_open(app, block):
                done = _run(block, env, tmp_path)
            recorder.on = False
            # What a block started (a reply, a draft) finishes before the next one runs.
            wait_idle(app, env["CONV"])
            if block.expect:
                _check_failure(block, done, [status for _, _, status in recorder.seen])
                continue
            assert done.returncode == 0, (
                f"{block} failed ({done.returncode}):\n{block.body}\n"
                f"stdout: {done.stdout[-3000:]}\nstderr: {done.stderr[-3000:]}"
            )
            if "application/x-ndjson" in block.body:
                sent = any(SEND in matching(known, *call) for call in block.calls)
                _check_stream(block, done.stdout, sent)
            for method, path, status in recorder.seen:
                if status < 400:
                    succeeded |= matching(known, method, path)
    missing = sorted(known - succeeded)
    assert not missing, f"operations no example of docs/api.md used successfully: {missing}"
    for pdf in tmp_path.glob("*.pdf"):
        assert pdf.read_bytes().startswith(b"%PDF-"), pdf.name
