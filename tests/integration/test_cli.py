"""The ``mikroporada`` command-line client, run as a real process against the app served over
real HTTP (model replies from the fake Ollama; PDFs by the real job path of the backend)."""

from __future__ import annotations

import io
import json
import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from pypdf import PdfReader

from app import messages
from app.client.main import build_parser
from app.legal.documents import DOCUMENT_TYPES, document_type
from tests.fake_ollama import FakeOllama
from tests.helpers import SAMPLE_FIELDS, ApiClient, wait_for
from tests.live import serve

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / ".venv" / "bin" / "mikroporada"
# The installed console script when `make` has made it, else the same code as a module.
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "app.client"]
CONVERSATION_LINE = re.compile(r"^Rozmowa: (\S+)$", re.M)
NO_KEY = ""


@dataclass
class Cli:
    """The client pointed at the served app, with a key of its own and an empty home; ``api``
    is the same key over the test client, to set up and check things without the client."""

    base: str
    api: ApiClient
    home: Path
    env: dict[str, str] = field(init=False)

    @property
    def key(self) -> str:
        """The client's API key."""
        return self.api.key

    def __post_init__(self) -> None:
        # Nothing from the developer's own environment or ~/.config leaks into a run.
        self.env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(self.home),
            "PYTHONPATH": str(ROOT),
            "LANG": "C.UTF-8",
            "MIKROPORADA_URL": self.base,
        }

    def environment(self, key: str | None, extra: dict[str, str] | None) -> dict[str, str]:
        """The process environment: the key (None: this client's, "": none) and ``extra``."""
        env = dict(self.env)
        chosen = self.key if key is None else key
        if chosen:
            env["MIKROPORADA_API_KEY"] = chosen
        env.update(extra or {})
        return {name: value for name, value in env.items() if value}

    def launch(
        self,
        *args: str,
        key: str | None = None,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
    ) -> subprocess.Popen[str]:
        """Start ``mikroporada ARGS`` (independent runs may go side by side)."""
        return subprocess.Popen(
            [*COMMAND, *args],
            env=self.environment(key, env),
            cwd=cwd or self.home,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run(self, *args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
        """Run ``mikroporada ARGS`` to its end."""
        return finish(self.launch(*args, **kwargs))

    def ok(self, *args: str, **kwargs: Any) -> str:
        """Run a command that must succeed; return its stdout."""
        return succeeded(self.run(*args, **kwargs))

    def failing(self, code: int, *args: str, **kwargs: Any) -> str:
        """Run a command that must fail with exit ``code``; return its stderr."""
        return failed(code, self.run(*args, **kwargs))


def finish(process: subprocess.Popen[str]) -> subprocess.CompletedProcess[str]:
    """Wait for a launched run; return what it printed."""
    try:
        stdout, stderr = process.communicate(timeout=90)
    finally:
        if process.poll() is None:
            process.kill()
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def succeeded(done: subprocess.CompletedProcess[str]) -> str:
    """The stdout of a run that must have succeeded."""
    assert done.returncode == 0, (done.args, done.returncode, done.stdout, done.stderr)
    return done.stdout


def failed(code: int, done: subprocess.CompletedProcess[str]) -> str:
    """The stderr of a run that must have failed with exit ``code``."""
    assert done.returncode == code, (done.args, done.returncode, done.stdout, done.stderr)
    return done.stderr


@pytest.fixture
def cli(app: Flask, tmp_path: Path) -> Iterator[Cli]:
    """The app served over HTTP and a client with a fresh key."""
    api = ApiClient(app, "cli")
    home = tmp_path / "home"
    home.mkdir()
    with serve(app) as base:
        yield Cli(base, api, home)


def _conversation_id(stdout: str) -> str:
    found = CONVERSATION_LINE.search(stdout)
    assert found, stdout
    return found.group(1)


def _fields_file(folder: Path, fields: dict[str, str]) -> Path:
    path = folder / "pola.json"
    path.write_text(json.dumps(fields, ensure_ascii=False), encoding="utf-8")
    return path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# -- public reads ----------------------------------------------------------------------------


def test_health_types_and_deadlines_need_no_key(cli: Cli) -> None:
    runs = [
        cli.launch("health", key=NO_KEY),
        cli.launch("types", key=NO_KEY),
        cli.launch("deadline", "sprzeciw-nakaz", "2026-12-10", key=NO_KEY),
        cli.launch("deadline", "odpowiedz-na-pozew", "2026-11-02", "--length", "21 dni", "--json"),
        cli.launch("deadline", "prywatny-akt-oskarzenia", "2024-01-15", "--event", "data_czynu"),
        cli.launch("deadline", "sprzeciw-nakaz", "2026-13-45", key=NO_KEY),
    ]
    health, types, moved, court, act, wrong = (finish(run) for run in runs)
    assert succeeded(health).startswith("Serwer działa (model: Ollama ")
    lines = succeeded(types).splitlines()
    assert len(lines) == len(DOCUMENT_TYPES)
    assert re.search(r"^sprzeciw-nakaz\s+Sprzeciw od nakazu zapłaty$", "\n".join(lines), re.M)
    # Delivered Thu 10.12.2026: 2 weeks end Thu 24.12, a holiday; 25-27 too: Mon 28.12.
    assert succeeded(moved).splitlines() == [
        "Ostatni dzień: 2026-12-28 (poniedziałek)",
        "Termin przesunięty z 2026-12-24 (czwartek), bo to dzień wolny od pracy.",
        "Termin: 2 tygodnie; art. 502 § 1 k.p.c.",
    ]
    assert json.loads(succeeded(court))["last_day"] == "2026-11-23"
    assert succeeded(act).startswith("Ostatni dzień: 2027-01-15 ")
    refused = failed(1, wrong)
    assert refused.startswith(f"Błąd: {messages.API_INVALID}") and "from" in refused


# -- conversations ---------------------------------------------------------------------------


def test_start_streams_the_reply_and_send_too(cli: Cli, fake_ollama: FakeOllama) -> None:
    text = "Sprzeciw wnosisz w ciągu dwóch tygodni od doręczenia nakazu. " * 3
    # About 2.5 s of writing: long enough to see the text arrive before the reply ends.
    fake_ollama.push_reply(text, chunk_size=6, chunk_delay=0.08)
    process = subprocess.Popen(
        [*COMMAND, "start", "Dostałam nakaz zapłaty. Co teraz?"],
        env=cli.environment(None, None),
        cwd=cli.home,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    received = bytearray()
    reader = threading.Thread(target=lambda: _read_all(process.stdout, received), daemon=True)
    reader.start()
    try:
        wait_for(lambda: text[:12].encode() in received, timeout=20, interval=0.01)
        assert process.poll() is None, "the reply was printed only at its end"
        assert process.wait(timeout=30) == 0, process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
    reader.join(timeout=5)
    stdout = received.decode()
    cid = _conversation_id(stdout)
    assert stdout == f"Rozmowa: {cid}\n{text}\n"
    stored = cli.api.get(f"/api/v1/conversations/{cid}").get_json()["messages"][-1]
    assert stored["role"] == "assistant" and stored["status"] == "complete"
    assert stored["content"] == text

    fake_ollama.push_reply("Tak, przez Portal Informacyjny też można.", chunk_size=4)
    assert cli.ok("send", cid, "A elektronicznie?") == "Tak, przez Portal Informacyjny też można.\n"
    # A reply that breaks off: what came is printed, the reason goes to stderr, exit 1.
    fake_ollama.push_midstream_error("Zacznij od", "model crashed")
    broken = cli.run("send", cid, "A dalej?")
    assert broken.returncode == 1 and broken.stdout == "Zacznij od\n"
    assert broken.stderr.startswith("Odpowiedź niepełna: Model "), broken.stderr


def _read_all(stream: io.BufferedReader, into: bytearray) -> None:
    while chunk := stream.read1(1024):
        into.extend(chunk)


def test_list_show_and_delete(cli: Cli) -> None:
    first = cli.api.start(topic="nakaz-zaplaty")["id"]
    second = cli.api.start(topic="mandat")["id"]
    listed, shown = (finish(run) for run in (cli.launch("list"), cli.launch("show", first)))
    assert [line.split()[0] for line in succeeded(listed).splitlines()] == [second, first]
    page = succeeded(shown)
    assert page.startswith(f"Rozmowa: {first}\nTytuł: ") and "Pismo: jeszcze go nie ma" in page
    assert cli.ok("delete", first) == f"Usunięto rozmowę {first}.\n"
    gone, remaining = (
        finish(run) for run in (cli.launch("show", first), cli.launch("list", "--json"))
    )
    assert failed(1, gone) == f"Błąd: {messages.API_NOT_FOUND}\n"
    assert [item["id"] for item in json.loads(succeeded(remaining))["items"]] == [second]


# -- letters and PDFs ------------------------------------------------------------------------


def test_fill_from_a_file_and_download_the_pdf(cli: Cli, jobs: None) -> None:
    keys = [item.key for item in document_type("sprzeciw-nakaz").fields]
    fields = _fields_file(cli.home, {key: SAMPLE_FIELDS[key] for key in keys})
    filled = cli.ok("fill", "sprzeciw-nakaz", str(fields))
    cid = _conversation_id(filled)
    assert "Pismo: Sprzeciw od nakazu zapłaty" in filled and "(wersja 1)" in filled
    assert "Puste miejsca: brak" in filled
    # Delivered 20.11.2026: two weeks, to Friday 4.12.2026.
    assert re.search(r"^Termin: (do|minął) 2026-12-04 \(piątek\)", filled, re.M), filled

    target = cli.home / "sprzeciw.pdf"
    saved = cli.ok("pdf", cid, "-o", str(target))
    assert saved.startswith(f"Zapisano {target} (stron: ")
    reader = PdfReader(io.BytesIO(target.read_bytes()))
    text = reader.pages[0].extract_text()
    assert "sprzeciw od nakazu zapłaty" in text.casefold() and "I Nc 123/26" in text
    # Without -o: the same render again, under the server's file name, in the working folder.
    folder = cli.home / "pobrane"
    folder.mkdir()
    cli.ok("pdf", cid, cwd=folder)
    (named,) = folder.iterdir()
    assert re.fullmatch(r"sprzeciw-od-nakazu-zaplaty-\d{4}-\d\d-\d\d\.pdf", named.name)
    assert named.read_bytes() == target.read_bytes()


def test_blanks_are_refused_unless_allowed(cli: Cli) -> None:
    some = _fields_file(cli.home, {"sygnatura": "I Nc 123/26"})
    not_object = cli.home / "lista.json"
    not_object.write_text('["lista"]', encoding="utf-8")
    runs = [
        cli.launch("fill", "sprzeciw-nakaz", str(some)),
        cli.launch("fill", "sprzeciw-nakaz", str(some), "--allow-blanks"),
        cli.launch("fill", "sprzeciw-nakaz", str(not_object)),
    ]
    refused, allowed, bad_file = (finish(run) for run in runs)
    fields = failed(1, refused)
    assert fields.startswith("Błąd: ") and "  – imie_nazwisko: " in fields
    assert "musi zawierać obiekt JSON" in failed(2, bad_file)
    blanks = cli.failing(1, "pdf", _conversation_id(succeeded(allowed)))
    assert blanks.startswith(f"Błąd: {messages.API_BLANKS_LEFT}") and "--allow-blanks" in blanks
    assert "Puste miejsca w piśmie: [" in blanks


# -- keys and configuration ------------------------------------------------------------------


def test_bad_missing_and_command_line_keys_are_refused(cli: Cli) -> None:
    wrong = "mkp_000000000000_" + "A" * 43
    closed = f"http://127.0.0.1:{_free_port()}"
    on_command_line = [("--key", cli.key, "list"), ("list", f"--api-key={cli.key}")]
    runs = [
        cli.launch("list", key=wrong),
        cli.launch("list", key=NO_KEY),
        cli.launch("health", env={"MIKROPORADA_URL": closed}),
        *(cli.launch(*argv, key=NO_KEY) for argv in on_command_line),
    ]
    bad, missing, unreachable, *refusals = (finish(run) for run in runs)
    assert failed(1, bad) == f"Błąd: {messages.API_UNAUTHORIZED}\n"
    assert "MIKROPORADA_API_KEY" in failed(2, missing)
    assert failed(1, unreachable).startswith(f"Błąd: Nie można połączyć się z serwerem {closed}: ")
    for refusal in refusals:
        said = failed(2, refusal)
        assert "nie podaje się w wierszu poleceń" in said and cli.key not in said
        assert refusal.stdout == ""


def test_the_key_and_url_from_a_config_file(cli: Cli) -> None:
    no_env = {"MIKROPORADA_URL": ""}
    default = cli.home / ".config" / "mikroporada" / "config.toml"
    default.parent.mkdir(parents=True)
    default.write_text(f'url = "{cli.base}"\nkey = "{cli.key}"\n', encoding="utf-8")
    default.chmod(0o600)
    # Named by MIKROPORADA_CONFIG and readable by others: it works, with a warning.
    named = cli.home / "inny.toml"
    named.write_text(default.read_text(encoding="utf-8"), encoding="utf-8")
    named.chmod(0o644)
    runs = [
        cli.launch("list", key=NO_KEY, env=no_env),
        cli.launch("list", key=NO_KEY, env={**no_env, "MIKROPORADA_CONFIG": str(named)}),
        cli.launch("list", key=NO_KEY, env={"MIKROPORADA_CONFIG": str(cli.home / "brak.toml")}),
    ]
    private, shared, missing = (finish(run) for run in runs)
    assert succeeded(private) == "Nie masz jeszcze żadnej rozmowy.\n" and private.stderr == ""
    assert succeeded(shared) == "Nie masz jeszcze żadnej rozmowy.\n"
    assert shared.stderr.startswith(f"Uwaga: plik {named} z kluczem API mogą czytać inni")
    assert "Nie ma pliku konfiguracji" in failed(2, missing)


def test_ids_that_begin_with_a_dash_are_ids() -> None:
    for cid in ("-8EwcUI-467IoFk9sf41Og", "--wcUI-467IoFk9sf41Og_"):
        assert build_parser().parse_args(["show", cid]).cid == cid
        found = build_parser().parse_args(["pdf", cid, "-o", "x.pdf", "--json"])
        assert (found.cid, found.output, found.json) == (cid, "x.pdf", True)
        assert build_parser().parse_args(["send", cid, "Pytanie"]).message == "Pytanie"


def test_the_module_runs_the_same_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "app.client", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and done.stdout.startswith("Użycie: mikroporada ")
    assert "--key" not in done.stdout
