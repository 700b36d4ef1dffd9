"""The client's commands: each takes the API, its parsed arguments and the console, and
returns the exit code (failures are raised: ApiError, CommandError, UsageError)."""

from __future__ import annotations

import io
import json
import os
import time
from argparse import Namespace
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from app.client import messages, output, replies
from app.client.http import Api, ApiError

RENDER_WAITING = ("queued", "running")
PDF_MAGIC = b"%PDF-"
LIST_PAGE = 100


class CommandError(Exception):
    """A failure on this side (a file that cannot be written, a PDF that never came)."""


class UsageError(Exception):
    """Input the person must correct before anything is sent (a bad fields file)."""


@dataclass
class Console:
    """Where the command writes: its results to ``out``, everything else to ``err``."""

    out: TextIO
    err: TextIO
    stdin: TextIO
    binary_out: BinaryIO

    def say(self, *lines: str) -> None:
        """Print result lines."""
        for line in lines:
            self.out.write(line + "\n")

    def warn(self, line: str) -> None:
        """Print a note or warning to stderr."""
        self.err.write(line + "\n")


def _text_argument(value: str | None, console: Console) -> str | None:
    """A message argument ("-" reads it from stdin); an empty one is refused here."""
    text = console.stdin.read() if value == "-" else value
    if text is not None and not text.strip():
        raise UsageError(messages.MESSAGE_EMPTY)
    return text


# -- public reads ----------------------------------------------------------------------------


def health(api: Api, args: Namespace, console: Console) -> int:
    """Whether the server works and reaches the model (exit 1 when it is degraded)."""
    answer = api.get(api.legacy("health"))
    healthy = answer.get("status") == "healthy"
    if args.json:
        console.say(output.as_json(answer))
    elif healthy:
        version = answer.get("ollama_version") or messages.UNKNOWN_VERSION
        console.say(messages.HEALTHY.format(version=version))
    else:
        console.say(messages.DEGRADED)
    return 0 if healthy else 1


def types(api: Api, args: Namespace, console: Console) -> int:
    """The catalogue's document types: key and name."""
    catalogue = api.get(api.v1("catalogue"))
    if args.json:
        console.say(output.as_json(catalogue))
        return 0
    items = catalogue.get("items") or []
    width = max((len(item["key"]) for item in items), default=0)
    console.say(*(f"{item['key']:<{width}}  {item['name']}" for item in items))
    return 0


def deadline(api: Api, args: Namespace, console: Console) -> int:
    """The last day of a document type's deadline counted from a date."""
    params = {"from": args.date}
    if args.length:
        params["length"] = args.length
    if args.event:
        params["event"] = args.event
    try:
        answer = api.get(api.v1("catalogue", args.type, "deadline"), params=params)
    except ApiError as exc:
        fields = exc.details.get("fields") if isinstance(exc.details, dict) else None
        if exc.status == 404:
            exc.hints.append(messages.TYPES_HINT)
        elif isinstance(fields, dict) and "length" in fields:
            exc.hints.append(messages.LENGTH_HINT)
        raise
    if args.json:
        console.say(output.as_json(answer))
    else:
        console.say(*output.deadline_answer_lines(answer))
    return 0


# -- conversations ---------------------------------------------------------------------------


def _follow(api: Api, reply: dict[str, Any], args: Namespace, console: Console) -> dict[str, Any]:
    """Follow a reply: printed as it is written, or quietly when JSON is wanted."""
    return replies.follow(api, reply, io.StringIO() if args.json else console.out, console.err)


def start(api: Api, args: Namespace, console: Console) -> int:
    """A new conversation; with a message, the assistant's reply as it is written."""
    body: dict[str, Any] = {}
    if args.topic:
        body["topic"] = args.topic
    message = _text_argument(args.message, console)
    if message is not None:
        body["message"] = message
    detail = api.post(api.v1("conversations"), body)
    pending = detail["messages"][-1] if message is not None and detail["messages"] else None
    if pending is None or pending.get("role") != "assistant":
        console.say(output.as_json(detail) if args.json else messages.CONVERSATION.format(**detail))
        return 0
    if not args.json:
        console.say(messages.CONVERSATION.format(id=detail["id"]))
        console.out.flush()
    final = _follow(api, pending, args, console)
    if args.json:
        console.say(output.as_json(api.get(detail["url"])))
    return replies.outcome(final, console.err)


def send(api: Api, args: Namespace, console: Console) -> int:
    """A message in a conversation; the reply as it is written."""
    message = _text_argument(args.message, console) or ""
    reply = api.post(api.v1("conversations", args.cid, "messages"), {"message": message})
    final = _follow(api, reply, args, console)
    if args.json:
        console.say(output.as_json(final))
    return replies.outcome(final, console.err)


def list_conversations(api: Api, args: Namespace, console: Console) -> int:
    """The key's conversations, newest first (one page, or all of them with --all)."""
    limit = LIST_PAGE if args.all else args.limit
    page = api.get(api.v1("conversations"), params={"limit": str(limit)})
    items = list(page.get("items") or [])
    while args.all and page.get("next_cursor"):
        params = {"limit": str(limit), "cursor": str(page["next_cursor"])}
        page = api.get(api.v1("conversations"), params=params)
        items.extend(page.get("items") or [])
    if args.json:
        console.say(output.as_json({"items": items, "next_cursor": page.get("next_cursor")}))
        return 0
    if not items:
        console.say(messages.NO_CONVERSATIONS)
    console.say(*(output.conversation_line(item) for item in items))
    if page.get("next_cursor"):
        console.warn(messages.MORE_PAGES)
    return 0


def show(api: Api, args: Namespace, console: Console) -> int:
    """One conversation with its messages, letter and deadline."""
    detail = api.get(api.v1("conversations", args.cid))
    console.say(
        output.as_json(detail) if args.json else "\n".join(output.conversation_lines(detail))
    )
    return 0


def delete(api: Api, args: Namespace, console: Console) -> int:
    """Delete a conversation with its letter, versions and PDFs."""
    api.delete(api.v1("conversations", args.cid))
    if not args.json:
        console.say(messages.DELETED.format(id=args.cid))
    return 0


# -- letters ---------------------------------------------------------------------------------


def read_fields(path: str, console: Console) -> dict[str, str]:
    """The fields from a JSON file ("-": stdin): an object of texts."""
    try:
        raw = console.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise UsageError(messages.FIELDS_UNREADABLE.format(path=path, reason=reason)) from exc
    try:
        found = json.loads(raw)
    except ValueError as exc:
        raise UsageError(messages.FIELDS_INVALID_JSON.format(path=path, reason=exc)) from exc
    if not isinstance(found, dict):
        raise UsageError(messages.FIELDS_NOT_OBJECT.format(path=path))
    for name, value in found.items():
        if not isinstance(value, str):
            raise UsageError(messages.FIELD_NOT_TEXT.format(path=path, name=name))
    return found


def fill(api: Api, args: Namespace, console: Console) -> int:
    """A new conversation whose letter is made from a document type and fields from a file."""
    fields = read_fields(args.file, console)
    document = {"type": args.type, "fields": fields, "allow_blanks": args.allow_blanks}
    detail = api.post(api.v1("conversations"), {"document": document})
    if args.json:
        console.say(output.as_json(detail))
        return 0
    console.say(
        messages.CONVERSATION.format(id=detail["id"]),
        *output.letter_lines(detail.get("document")),
        output.deadline_line(detail),
    )
    return 0


def _blanks_of(api: Api, cid: str, version: int | None, error: ApiError) -> list[str]:
    """The placeholders that stopped a render: from the error, else from the version."""
    details = error.details if isinstance(error.details, dict) else {}
    if isinstance(details.get("blanks"), list):
        return [str(blank) for blank in details["blanks"]]
    try:
        if version is None:
            found = (api.get(api.v1("conversations", cid, "document")) or {}).get("current")
        else:
            found = api.get(api.v1("conversations", cid, "document", "versions", str(version)))
    except ApiError:
        return []
    return list((found or {}).get("blanks") or [])


def _start_render(api: Api, args: Namespace) -> dict[str, Any]:
    body: dict[str, Any] = {"allow_blanks": args.allow_blanks}
    if args.version is not None:
        body["version"] = args.version
    try:
        return api.post(api.v1("conversations", args.cid, "renders"), body)
    except ApiError as exc:
        if exc.code == "BLANKS_LEFT":
            blanks = _blanks_of(api, args.cid, args.version, exc)
            exc.hints.append(messages.BLANKS_HINT.format(blanks=", ".join(blanks) or "?"))
        raise


def wait_render(
    api: Api, render: dict[str, Any], timeout: float, console: Console
) -> dict[str, Any]:
    """Poll a render until it is done or failed; CommandError after ``timeout`` seconds."""
    give_up = time.monotonic() + timeout
    pause = 0.2
    if render["status"] in RENDER_WAITING:
        console.warn(messages.RENDER_WAITING)
    while render["status"] in RENDER_WAITING:
        if time.monotonic() > give_up:
            raise CommandError(messages.RENDER_TIMEOUT.format(seconds=int(timeout)))
        time.sleep(pause)
        pause = min(pause * 1.5, 1.0)
        render = api.poll(render["url"]) or render
    return render


def pdf_target(chosen: str | None, server_name: str | None, render_id: str) -> Path:
    """Where the PDF goes: the chosen path, else the server's name without any directory."""
    if chosen:
        return Path(chosen)
    name = Path(server_name or "").name
    if name.startswith(".") or not name.lower().endswith(".pdf"):
        name = f"pismo-{render_id}.pdf"
    return Path(name)


def save(content: bytes, target: Path) -> None:
    """Write the file whole or not at all (a temporary file, then a rename)."""
    partial = target.with_name(f".{target.name}.part")
    try:
        partial.write_bytes(content)
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        reason = exc.strerror or exc
        raise CommandError(messages.SAVE_FAILED.format(path=target, reason=reason)) from exc


def pdf(api: Api, args: Namespace, console: Console) -> int:
    """The letter as a PDF: start a render, wait for it, download the file."""
    render = wait_render(api, _start_render(api, args), args.timeout, console)
    if render["status"] != "done":
        problem = (render.get("problem") or {}).get("message") or ""
        raise CommandError(messages.RENDER_FAILED.format(message=problem))
    found = api.download(render["pdf_url"])
    if found.media_type != "application/pdf" or not found.content.startswith(PDF_MAGIC):
        raise CommandError(messages.NOT_PDF)
    if args.output == "-":
        console.binary_out.write(found.content)
        console.binary_out.flush()
        return 0
    target = pdf_target(args.output, found.filename, render["id"])
    save(found.content, target)
    size = max(1, round(len(found.content) / 1024))
    saved = messages.SAVED.format(path=target, pages=render.get("pages") or "?", size=size)
    console.say(output.as_json(render) if args.json else saved)
    return 0
