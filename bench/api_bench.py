"""API benchmark: server time per JSON API request under a bounded local load, beside a
minimal endpoint of the same app that returns a constant.

Serves the real app under gunicorn with the project's own settings (docker/gunicorn.conf.py,
as `make run`: one gevent worker) on loopback, on this machine's MariaDB (database
`bench_api`, dropped, created and migrated at the start, dropped at the end) and Redis (db 13,
flushed at the start and the end). The WSGI app is create_app() plus GET /bench/constant and a
timer, both from bench/api_bench_app.py, never from the product. Rate limits are raised out
of reach through RATELIMIT_*; they are still checked (in Redis) on every request.

Three scenarios, one after the other on the same server in the same run, each driven by a
fixed number of client threads on keep-alive connections for a fixed number of requests after
a warm-up that is not counted:

1. constant: GET /bench/constant, a Flask view returning {"ok": true};
2. conversation: GET /api/v1/conversations/{cid} of a conversation with a letter and exactly
   50 messages (inserted through the models, no model called);
3. render: POST /api/v1/conversations/{cid}/renders, each on a version that has no render
   yet (conversations and versions are made through the API beforehand, untimed). The PDF
   queue has a name of its own that no worker consumes: this is the database insert and the
   enqueue, not the PDF.

Server time is what bench/api_bench_app.py's ServerTimer records inside the worker: from
the request's entry into the WSGI app to the server's close() of the response body, after its
last write (see that module). Client round trips are printed beside it for context.
Every answer is checked (status, body); one wrong answer stops the run with exit status 1.

    python bench/api_bench.py [--requests 1000] [--concurrency 4] [--json]

--requests sets the GET and constant counts; render creations are 30% of it (300 for 1000).
Figures are printed, never asserted. Other work on the machine shows up in them.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SERVER_LOG = ROOT / "bench" / "out" / "api-server.log"
DATABASE = "bench_api"
DATABASE_URL = f"mysql+pymysql://root@127.0.0.1:3306/{DATABASE}?charset=utf8mb4"
# Redis db 11 is the stream benchmark's, 14 the PDF benchmark's, 15 the tests'.
REDIS_URL = "redis://127.0.0.1:6379/13"
OUT_OF_REACH = "1000000 per minute"
APP_MODULE = "bench.api_bench_app:create_bench_app()"
CONSTANT_PATH = "/bench/constant"  # as in bench/api_bench_app.py, which imports the app
TIMINGS_PATH = "/_bench/timings"
TAG_HEADER = "X-Bench-Id"
DOCUMENT_TYPE = "sprzeciw-nakaz"
MESSAGES = 50
VERSIONS_PER_CONVERSATION = 10  # render targets: version 1 from the start, 9 made after
RENDER_SHARE = 0.3  # render creations per GET
WARMUP = 50  # requests per scenario before the counted ones
SCENARIO_BOUND_S = 30.0  # a scenario stops taking requests after this long
HTTP_TIMEOUT_S = 15.0
CLK_TCK = os.sysconf("SC_CLK_TCK")

# A person's turns and the model's replies about a payment order: a few hundred characters each.
TURNS = (
    (
        "Dzień dobry, dostałam z sądu nakaz zapłaty w postępowaniu upominawczym na 1250 zł od "
        "firmy Windykacja Szybka. Chodzi o fakturę za internet, którą zapłaciłam przelewem "
        "jeszcze w marcu, mam potwierdzenie z banku. Czy muszę coś robić, skoro już "
        "zapłaciłam, czy sąd sam to sprawdzi?",
        "Tak, trzeba działać. **Sąd nie sprawdza sam, czy dług został zapłacony**: nakaz "
        "wydaje się na podstawie twierdzeń powoda. Jeśli nie wniesiesz sprzeciwu w terminie, "
        "nakaz się uprawomocni i może trafić do komornika, choć faktura jest opłacona.\n\n"
        "Najważniejsze teraz:\n- sprawdź datę doręczenia,\n- przygotuj potwierdzenie "
        "przelewu,\n- wnieś sprzeciw w ciągu dwóch tygodni.",
    ),
    (
        "Koperta jest z Sądu Rejonowego dla Krakowa-Śródmieścia, I Wydział Cywilny. Listonosz "
        "zostawił awizo, a list odebrałam na poczcie tydzień temu. Na nakazie jest sygnatura "
        "I Nc 123/26. Od kiedy liczy się termin: od awizo czy od dnia, w którym faktycznie "
        "odebrałam list?",
        "Termin na sprzeciw wynosi **dwa tygodnie od doręczenia nakazu**. Jeśli odebrałaś list "
        "na poczcie, zanim minął czas awizo, doręczenie nastąpiło w dniu odbioru. Gdy ostatni "
        "dzień wypada w sobotę lub święto, termin przesuwa się na najbliższy dzień roboczy. "
        "Pismo wystarczy tego dnia nadać w placówce operatora wyznaczonego.",
    ),
    (
        "Rozumiem. A co mam napisać w uzasadnieniu? Przelew poszedł 3 marca, a pozew złożyli "
        "dopiero we wrześniu. Dzwoniłam też do nich w kwietniu i konsultant powiedział, że "
        "saldo wynosi zero. Niestety nie mam nagrania tej rozmowy, tylko wpis w historii "
        "połączeń w telefonie.",
        "W uzasadnieniu opisz fakty po kolei i wskaż dowody:\n\n1. Faktura została zapłacona "
        "przelewem 3 marca 2026 r. (potwierdzenie przelewu).\n2. Pozew wniesiono dopiero we "
        "wrześniu, gdy długu już nie było.\n3. Powód wiedział o zapłacie, co potwierdził jego "
        "konsultant w kwietniu.\n\nWnieś o oddalenie powództwa w całości i o zasądzenie od "
        "powoda kosztów procesu.",
    ),
    (
        "Czy sprzeciw mogę wysłać zwykłym listem, czy musi być polecony? I ile kopii mam "
        "przygotować? Powód to jedna firma, ale w nakazie wymieniony jest jeszcze pełnomocnik, "
        "kancelaria z Warszawy. Nie chcę, żeby sąd odrzucił pismo przez błąd formalny, bo "
        "drugi raz już nie zdążę.",
        "Sprzeciw najlepiej wysłać **listem poleconym za potwierdzeniem odbioru**: nadanie w "
        "placówce Poczty Polskiej jest równoznaczne z wniesieniem pisma do sądu. Dołącz jeden "
        "odpis sprzeciwu z załącznikami dla powoda. Zachowaj dowód nadania, bo to on "
        "potwierdza, że termin został dochowany.",
    ),
    (
        "Jeszcze jedno: w nakazie są koszty procesu 367 zł. Jeśli wygram, to czy te koszty też "
        "odpadną? I czy muszę wnosić jakąś opłatę od sprzeciwu? Nie stać mnie teraz na "
        "dodatkowe wydatki, a nie chciałabym, żeby sprawa utknęła przez nieopłacone pismo.",
        "Sprzeciw od nakazu zapłaty w postępowaniu upominawczym **nie wymaga opłaty**. Jeżeli "
        "sąd oddali powództwo, nakaz traci moc w całości, razem z zasądzonymi w nim kosztami, a "
        "koszty procesu poniesie powód. Możesz też wnieść o zwrot swoich kosztów, na przykład "
        "dojazdu na rozprawę.",
    ),
)


class BenchError(RuntimeError):
    """Something the benchmark cannot measure around: a wrong answer, a server that died."""


# --------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------


def pct(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def summarize(seconds: Sequence[float]) -> dict[str, float]:
    """Count, median, p99, mean and max of durations, in milliseconds."""
    if not seconds:
        return {"n": 0, **dict.fromkeys(("median_ms", "p99_ms", "mean_ms", "max_ms"), math.nan)}
    return {
        "n": len(seconds),
        "median_ms": statistics.median(seconds) * 1000,
        "p99_ms": pct(seconds, 99) * 1000,
        "mean_ms": statistics.fmean(seconds) * 1000,
        "max_ms": max(seconds) * 1000,
    }


def ratio(value: float, reference: float) -> float:
    """value / reference; NaN when the reference is not positive."""
    return value / reference if reference > 0 else math.nan


def render_count(requests: int) -> int:
    """Render creations for a given number of GETs (at least one)."""
    return max(1, round(requests * RENDER_SHARE))


# --------------------------------------------------------------------------------------------
# What the requests carry
# --------------------------------------------------------------------------------------------


def letter_fields(today: date) -> dict[str, str]:
    """The fields of a complete objection to a payment order (tests/helpers.py SAMPLE_FIELDS),
    its dates a few days back so the letter and its deadline are current."""
    return {
        "imie_nazwisko": "Anna Nowak",
        "adres": "ul. Łąkowa 5\n30-001 Kraków",
        "miejscowosc": "Kraków",
        "sad": "Sąd Rejonowy dla Krakowa-Śródmieścia w Krakowie, I Wydział Cywilny",
        "sad_adres": "ul. Przy Rondzie 7\n31-547 Kraków",
        "sygnatura": "I Nc 123/26",
        "powod": "Windykacja Szybka sp. z o.o.",
        "powod_adres": "ul. Prosta 1\n00-001 Warszawa",
        "data_nakazu": (today - timedelta(days=17)).isoformat(),
        "data_doreczenia": (today - timedelta(days=7)).isoformat(),
        "kwota": "1250.00",
        "uzasadnienie": "Zapłaciłam fakturę przed wniesieniem pozwu.\n\nPowód o tym wiedział.",
        "dowody": "potwierdzenie przelewu z 3 marca 2026 r.",
    }


def changed_fields(base: dict[str, str], number: int) -> dict[str, str]:
    """The fields of version ``number``: the justification gains a sentence each time."""
    note = f"\n\nUzupełnienie nr {number - 1}: powód potwierdził saldo zerowe."
    return {**base, "uzasadnienie": base["uzasadnienie"] + (note if number > 1 else "")}


def chat_turns(count: int) -> list[tuple[str, str]]:
    """``count`` messages as (role, text), alternating person and model, from TURNS."""
    messages: list[tuple[str, str]] = []
    while len(messages) < count:
        person, model = TURNS[(len(messages) // 2) % len(TURNS)]
        messages.append(("user", person))
        if len(messages) < count:
            messages.append(("assistant", model))
    return messages


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children(pid: int) -> list[int]:
    """Direct child processes of pid."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        return [int(p) for p in path.read_text().split()]
    except OSError:
        return []


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def bench_environment() -> dict[str, str]:
    """What the server (and this process's seeding app) read: our database, Redis db and
    queues, rate limits out of reach, no model."""
    run = uuid.uuid4().hex[:8]
    env = {
        "APP_ENV": "development",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        # Queues of their own: no worker takes the jobs, so a render stays queued.
        "RQ_QUEUE": f"bench-api-pdf-{run}",
        "RQ_LLM_QUEUE": f"bench-api-llm-{run}",
        "SECRET_KEY": "bench-" + uuid.uuid4().hex * 2,
        "OLLAMA_HOST": "http://127.0.0.1:9",  # closed; nothing here calls the model
        "STORAGE_DIR": str(ROOT / "bench" / "out" / "api-storage"),
    }
    for name in ("API", "RENDERS", "START", "SAVES"):
        env[f"RATELIMIT_{name}"] = OUT_OF_REACH
    return env


class Server:
    """The bench's database, Redis db and gunicorn process."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log: Any = None

    def prepare(self) -> None:
        """A fresh database, migrated, and an empty Redis db."""
        sql = (
            f"DROP DATABASE IF EXISTS {DATABASE}; CREATE DATABASE {DATABASE} CHARACTER SET utf8mb4"
        )
        mysql = ["mysql", "--protocol=tcp", "-h127.0.0.1", "-uroot", "-e", sql]
        subprocess.run(mysql, check=True, capture_output=True)
        self.flush_redis()
        flask = [sys.executable, "-m", "flask", "--app", "app:create_app", "db", "upgrade"]
        subprocess.run(flask, cwd=ROOT, env=self.full_env(), check=True, capture_output=True)

    def full_env(self) -> dict[str, str]:
        """This process's environment with the bench's on top; one gunicorn worker (the
        timings live in its memory) and no proxy hops."""
        env = {**os.environ, **self.env}
        for name in ("WEB_WORKERS", "BIND", "TRUST_PROXY"):
            env.pop(name, None)
        return env

    def start(self) -> None:
        """gunicorn with docker/gunicorn.conf.py on a free loopback port; wait until it
        answers."""
        SERVER_LOG.parent.mkdir(parents=True, exist_ok=True)
        self.log = SERVER_LOG.open("wb")
        command = [sys.executable, "-m", "gunicorn", "--config", "docker/gunicorn.conf.py"]
        command += ["--bind", f"127.0.0.1:{self.port}", APP_MODULE]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.full_env(), stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(
                    f"gunicorn exited with {self.process.returncode}; see {SERVER_LOG}"
                )
            with contextlib.suppress(OSError, http.client.HTTPException):
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", CONSTANT_PATH)
                if connection.getresponse().status == 200:
                    connection.close()
                    return
            time.sleep(0.1)
        raise BenchError(f"gunicorn did not answer in 30 s; see {SERVER_LOG}")

    def worker_pid(self) -> int:
        """The gunicorn worker's pid (the master's when there is none yet)."""
        assert self.process is not None
        found = children(self.process.pid)
        return found[0] if found else self.process.pid

    def alive(self) -> bool:
        """True while the master runs."""
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        """Stop gunicorn (graceful, then killed), empty the Redis db, drop the database."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log is not None:
            self.log.close()
        with contextlib.suppress(Exception):
            self.flush_redis()
        sql = f"DROP DATABASE IF EXISTS {DATABASE}"
        mysql = ["mysql", "--protocol=tcp", "-h127.0.0.1", "-uroot", "-e", sql]
        subprocess.run(mysql, capture_output=True, timeout=60)

    def flush_redis(self) -> None:
        """Empty the bench's Redis db."""
        from redis import Redis

        client = Redis.from_url(REDIS_URL)
        try:
            client.flushdb()
        finally:
            client.close()


# --------------------------------------------------------------------------------------------
# The client
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One request to make, and what its answer must be."""

    method: str
    path: str
    body: dict[str, Any] | None = None
    expect: Callable[[int, bytes], str | None] | None = None  # None: fine, else the problem


class Client:
    """One keep-alive connection to the server with an API key."""

    def __init__(self, port: int, key: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT_S)
        self.headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}

    def send(
        self, method: str, path: str, body: dict[str, Any] | None = None, tag: str | None = None
    ) -> tuple[int, bytes, float]:
        """(status, body, seconds from sending to the last byte read)."""
        headers = dict(self.headers)
        payload = None
        if body is not None:
            payload = json.dumps(body, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json"
        if tag is not None:
            headers[TAG_HEADER] = tag
        began = time.perf_counter()
        self.connection.request(method, path, payload, headers)
        response = self.connection.getresponse()
        data = response.read()
        return response.status, data, time.perf_counter() - began

    def json(self, method: str, path: str, body: dict[str, Any] | None, status: int) -> Any:
        """The JSON answer of an untimed request that must answer ``status``."""
        got, data, _ = self.send(method, path, body)
        if got != status:
            raise BenchError(f"{method} {path} answered {got}: {data[:300]!r}")
        return json.loads(data)

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()


@dataclass
class Pass:
    """What one pass of calls produced: client seconds by tag, and whether time ran out."""

    client: dict[str, float] = field(default_factory=dict)
    body_bytes: int = 0
    bounded: bool = False
    wall_s: float = 0.0


def run_calls(
    port: int, key: str, calls: Sequence[Call], prefix: str, concurrency: int, bound_s: float
) -> Pass:
    """Make the calls from ``concurrency`` threads, each on its own keep-alive connection,
    every call tagged ``prefix:index``; stop at the first wrong answer (raised) or when
    ``bound_s`` has passed."""
    result = Pass()
    lock = threading.Lock()
    cursor = iter(range(len(calls)))
    failures: list[BaseException] = []
    stop = threading.Event()
    began = time.perf_counter()
    deadline = time.monotonic() + bound_s

    def work() -> None:
        client = Client(port, key)
        try:
            while not stop.is_set():
                if time.monotonic() > deadline:
                    result.bounded = True
                    return
                with lock:
                    index = next(cursor, None)
                if index is None:
                    return
                call, tag = calls[index], f"{prefix}:{index}"
                status, data, seconds = client.send(call.method, call.path, call.body, tag)
                problem = call.expect(status, data) if call.expect else None
                if problem:
                    raise BenchError(f"{call.method} {call.path}: {problem}")
                with lock:
                    result.client[tag] = seconds
                    result.body_bytes += len(data)
        except BaseException as exc:  # handed to the main thread
            with lock:
                failures.append(exc)
            stop.set()
        finally:
            client.close()

    threads = [threading.Thread(target=work, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            while thread.is_alive():
                thread.join(0.2)
    finally:
        stop.set()
    result.wall_s = time.perf_counter() - began
    if failures:
        raise BenchError(f"{prefix}: {failures[0]}") from failures[0]
    return result


def server_timings(port: int) -> dict[str, float]:
    """Seconds per tag recorded in the worker since the last call (then forgotten there)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT_S)
    try:
        connection.request("GET", TIMINGS_PATH)
        return json.loads(connection.getresponse().read())
    finally:
        connection.close()


# --------------------------------------------------------------------------------------------
# Checks of the answers
# --------------------------------------------------------------------------------------------


def expect_constant(status: int, data: bytes) -> str | None:
    """The constant endpoint's answer."""
    if status != 200 or json.loads(data) != {"ok": True}:
        return f"answered {status}: {data[:200]!r}"
    return None


def expect_conversation(cid: str) -> Callable[[int, bytes], str | None]:
    """A check of GET conversation: 200, this conversation, 50 messages, letter, deadline."""

    def check(status: int, data: bytes) -> str | None:
        if status != 200:
            return f"answered {status}: {data[:200]!r}"
        found = json.loads(data)
        if found.get("id") != cid or len(found.get("messages", ())) != MESSAGES:
            return f"not the conversation of {MESSAGES} messages: {len(found.get('messages', ()))}"
        if not (found.get("document") or {}).get("current"):
            return "the letter is missing"
        if not (found.get("deadline") or {}).get("last_day"):
            return "the deadline is missing"
        return None

    return check


class RenderCheck:
    """Checks render creations: 202, queued (enqueued, not failed), of the version asked for,
    and never a render handed out twice (a reused render would not be a creation)."""

    def __init__(self) -> None:
        self.seen: set[str] = set()
        self.lock = threading.Lock()

    def expect(self, version: int) -> Callable[[int, bytes], str | None]:
        """The check of a render creation of this version."""

        def check(status: int, data: bytes) -> str | None:
            if status != 202:
                return f"answered {status}: {data[:200]!r}"
            found = json.loads(data)
            if found.get("status") != "queued" or found.get("version") != version:
                return f"not a queued render of version {version}: {data[:200]!r}"
            with self.lock:
                if found["id"] in self.seen:
                    return f"render {found['id']} was reused"
                self.seen.add(found["id"])
            return None

        return check


# --------------------------------------------------------------------------------------------
# Setting the scene (untimed)
# --------------------------------------------------------------------------------------------


def seeding_app() -> Any:
    """An app in this process on the bench's database, for what the API cannot do."""
    if str(ROOT) not in sys.path:  # run as a script, only bench/ is on the path
        sys.path.insert(0, str(ROOT))
    from app import create_app

    return create_app()


def create_key(app: Any) -> str:
    """A new API key; returns the key itself."""
    from app.services import api_keys

    with app.app_context():
        _row, raw = api_keys.create(f"bench-{uuid.uuid4().hex[:8]}")
    return raw


def add_messages(app: Any, cid: str, count: int) -> None:
    """``count`` finished chat messages in the conversation, as the chat leaves them."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Conversation, Message, MessageKind, MessageStatus, Role
    from app.models.base import utcnow
    from app.services.markdown import render_markdown

    with app.app_context():
        conversation = db.session.scalar(select(Conversation).where(Conversation.public_id == cid))
        if conversation is None:
            raise BenchError(f"conversation {cid} not in the database")
        start = utcnow() - timedelta(minutes=count)
        for index, (role, text) in enumerate(chat_turns(count)):
            at = start + timedelta(minutes=index)
            message = Message(
                conversation=conversation,
                role=Role(role),
                content=text,
                status=MessageStatus.COMPLETE,
                kind=MessageKind.CHAT,
                created_at=at,
                finished_at=at,
            )
            if role == "assistant":
                message.html = render_markdown(text)
                message.model = "qwen2.5:3b"
                message.prompt_tokens, message.completion_tokens = 900 + index * 40, 180
                message.eval_ms, message.total_ms, message.wall_ms = 9000, 9800, 10100
                message.ttft_ms, message.tokens_per_s = 700, 20.0
                message.started_at = at
            db.session.add(message)
        db.session.commit()
        db.engine.dispose()


def new_conversation(client: Client, fields: dict[str, str]) -> str:
    """A conversation whose letter is made from the fields (version 1); returns its id."""
    body = {"document": {"type": DOCUMENT_TYPE, "fields": fields}}
    return client.json("POST", "/api/v1/conversations", body, 201)["id"]


def render_targets(port: int, key: str, count: int, concurrency: int) -> list[tuple[str, int]]:
    """(conversation id, version) pairs without a render, ``count`` of them: conversations of
    VERSIONS_PER_CONVERSATION versions, ordered so that calls in a row hit different ones."""
    base = letter_fields(date.today())
    conversations = math.ceil(count / VERSIONS_PER_CONVERSATION)
    made: list[str] = []
    lock = threading.Lock()
    failures: list[BaseException] = []
    cursor = iter(range(conversations))

    def claim() -> bool:
        with lock:
            return next(cursor, None) is not None and not failures

    def work() -> None:
        client = Client(port, key)
        try:
            while claim():
                cid = new_conversation(client, changed_fields(base, 1))
                path = f"/api/v1/conversations/{cid}/document/versions"
                for number in range(2, VERSIONS_PER_CONVERSATION + 1):
                    body = {
                        "type": DOCUMENT_TYPE,
                        "fields": changed_fields(base, number),
                        "base_version": number - 1,
                    }
                    if client.json("POST", path, body, 201)["number"] != number:
                        raise BenchError(f"{cid}: version {number} was not made")
                with lock:
                    made.append(cid)
        except BaseException as exc:  # handed to the main thread
            with lock:
                failures.append(exc)
        finally:
            client.close()

    threads = [threading.Thread(target=work, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        while thread.is_alive():
            thread.join(0.2)
    if failures:
        raise BenchError(f"preparing render targets: {failures[0]}") from failures[0]
    pairs = [(cid, v) for v in range(1, VERSIONS_PER_CONVERSATION + 1) for cid in sorted(made)]
    return pairs[:count]


def queued_jobs(queue: str) -> int:
    """Jobs waiting in an RQ queue of the bench's Redis db."""
    from redis import Redis
    from rq import Queue

    client = Redis.from_url(REDIS_URL)
    try:
        return Queue(queue, connection=client).count
    finally:
        client.close()


# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------


@dataclass
class Scenario:
    """A named list of calls: the first WARMUP warm the server up, the rest are counted."""

    name: str
    label: str
    calls: list[Call]


def measure(
    server: Server, key: str, scenario: Scenario, concurrency: int, warmup: int
) -> dict[str, Any]:
    """Warm up, then time the counted calls: server and client figures, worker CPU."""
    warm, counted = scenario.calls[:warmup], scenario.calls[warmup:]
    run_calls(server.port, key, warm, f"{scenario.name}-warm", concurrency, SCENARIO_BOUND_S)
    server_timings(server.port)  # forget the warm-up
    worker = server.worker_pid()
    cpu_before = cpu_seconds(worker)
    done = run_calls(server.port, key, counted, scenario.name, concurrency, SCENARIO_BOUND_S)
    cpu = cpu_seconds(worker) - cpu_before
    recorded = server_timings(server.port)
    missing = [tag for tag in done.client if tag not in recorded]
    if missing:
        raise BenchError(f"{scenario.name}: the server recorded no time for {len(missing)} calls")
    server_s = [recorded[tag] for tag in done.client]
    count = len(server_s)
    return {
        "name": scenario.name,
        "label": scenario.label,
        "requests": count,
        "bounded": done.bounded,
        "server": summarize(server_s),
        "client": summarize(list(done.client.values())),
        "worker_cpu_ms_per_request": cpu * 1000 / count if count else math.nan,
        "requests_per_s": count / done.wall_s if done.wall_s else math.nan,
        "response_bytes_mean": done.body_bytes / count if count else math.nan,
    }


def add_ratios(results: list[dict[str, Any]]) -> None:
    """Each scenario's server median and p99 over the constant endpoint's."""
    floor = results[0]["server"]
    for row in results:
        row["server"]["median_x_constant"] = ratio(row["server"]["median_ms"], floor["median_ms"])
        row["server"]["p99_x_constant"] = ratio(row["server"]["p99_ms"], floor["p99_ms"])


def app_commit() -> str:
    """The commit measured."""
    git = ["git", "-C", str(ROOT), "describe", "--always", "--dirty"]
    done = subprocess.run(git, capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


def print_report(report: dict[str, Any]) -> None:
    """The figures as a table."""
    meta = report["meta"]
    print(
        f"API benchmark at {meta['commit']}: {meta['cores']} cores, load average "
        f"{meta['load_average_start']:.2f} at start, {meta['duration_s']:.0f} s in all"
    )
    print(
        "   server: gunicorn --config docker/gunicorn.conf.py (1 gevent worker, access log on), "
        f"create_app() + GET {CONSTANT_PATH}; MariaDB `{DATABASE}`, Redis db 13"
    )
    print(
        f"   load: {meta['concurrency']} client thread(s) on keep-alive loopback connections; "
        f"{meta['warmup']} warm-up requests per scenario not counted; rate limits checked but "
        "out of reach"
    )
    print(
        "   server time = WSGI entry -> the server's close() of the response body after its "
        "last write, recorded in the worker (bench/api_bench_app.py)"
    )
    print(
        f"   render = database insert + enqueue on queue {meta['pdf_queue']!r}, which no worker "
        f"consumes: no PDF is made ({meta['jobs_queued']} jobs were left queued, as expected)"
    )
    print(
        f"\n   {'':34}{'n':>6}  {'server ms: median':>17}{'p99':>7}{'mean':>7}{'max':>7}"
        f"  {'x constant: median':>18}{'p99':>6}  {'client ms: median':>17}{'p99':>7}"
        f"  {'CPU ms/req':>10}{'req/s':>7}{'bytes':>7}"
    )
    for row in report["scenarios"]:
        server, client = row["server"], row["client"]
        print(
            f"   {row['label']:34}{row['requests']:>6}  {server['median_ms']:>17.2f}"
            f"{server['p99_ms']:>7.2f}{server['mean_ms']:>7.2f}{server['max_ms']:>7.1f}"
            f"  {server['median_x_constant']:>18.1f}{server['p99_x_constant']:>6.1f}"
            f"  {client['median_ms']:>17.2f}{client['p99_ms']:>7.2f}"
            f"  {row['worker_cpu_ms_per_request']:>10.2f}{row['requests_per_s']:>7.0f}"
            f"{row['response_bytes_mean']:>7.0f}"
            + ("  (time bound reached)" if row["bounded"] else "")
        )
    print(
        "\n   CPU ms/req: the gunicorn worker's CPU over the counted requests (access log "
        "included) / n; req/s: counted requests / wall time;\n   bytes: mean response body. "
        "One worker process serves the clients' requests in turn, so under N clients a "
        "CPU-bound\n   request's server time includes waiting for the others' CPU: it "
        "approaches N x CPU ms/req (--concurrency 1: none of that waiting)."
    )


def run(args: argparse.Namespace, note: Callable[[str], None]) -> dict[str, Any]:
    """Set up, measure the three scenarios, tear down; the report."""
    started = time.monotonic()
    load = os.getloadavg()[0]
    env = bench_environment()
    os.environ.update(env)  # the seeding app in this process reads the same settings
    server = Server(env)
    try:
        note(f"preparing database {DATABASE} and Redis db 13")
        server.prepare()
        app = seeding_app()
        key = create_key(app)
        note("starting gunicorn")
        server.start()
        setup = Client(server.port, key)
        try:
            cid = new_conversation(setup, letter_fields(date.today()))
        finally:
            setup.close()
        add_messages(app, cid, MESSAGES)
        renders = render_count(args.requests)
        note(f"preparing {renders + WARMUP} versions to render")
        targets = render_targets(server.port, key, renders + WARMUP, args.concurrency)
        checker = RenderCheck()
        constant = Call("GET", CONSTANT_PATH, expect=expect_constant)
        conversation = Call("GET", f"/api/v1/conversations/{cid}", expect=expect_conversation(cid))
        scenarios = [
            Scenario("constant", f"GET {CONSTANT_PATH}", [constant] * (args.requests + WARMUP)),
            Scenario(
                "conversation",
                f"GET conversation ({MESSAGES} messages)",
                [conversation] * (args.requests + WARMUP),
            ),
            Scenario(
                "render",
                "POST render (insert + enqueue)",
                [
                    Call(
                        "POST",
                        f"/api/v1/conversations/{target}/renders",
                        {"version": version},
                        checker.expect(version),
                    )
                    for target, version in targets
                ],
            ),
        ]
        results = []
        for scenario in scenarios:
            note(f"measuring {scenario.name}")
            results.append(measure(server, key, scenario, args.concurrency, WARMUP))
            if not server.alive():
                raise BenchError(f"gunicorn exited; see {SERVER_LOG}")
        add_ratios(results)
        jobs = queued_jobs(env["RQ_QUEUE"])
        expected = results[-1]["requests"] + WARMUP
        if jobs != expected:
            raise BenchError(f"{jobs} render jobs queued, {expected} expected")
    finally:
        server.stop()
    return {
        "meta": {
            "commit": app_commit(),
            "cores": os.cpu_count(),
            "load_average_start": load,
            "load_average_end": os.getloadavg()[0],
            "duration_s": time.monotonic() - started,
            "concurrency": args.concurrency,
            "warmup": WARMUP,
            "server": "gunicorn --config docker/gunicorn.conf.py (gevent, 1 worker)",
            "server_time": "WSGI entry to close() of the response body after its last write",
            "pdf_queue": env["RQ_QUEUE"],
            "jobs_queued": jobs,
        },
        "scenarios": results,
    }


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--requests",
        type=int,
        default=1000,
        help="counted GETs per scenario (renders: 30%% of it); default 1000",
    )
    parser.add_argument("--concurrency", type=int, default=4, help="client threads; default 4")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.requests < 1 or not 1 <= args.concurrency <= 64:
        parser.error("--requests must be >= 1 and --concurrency between 1 and 64")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the figures; 1 when an answer was wrong."""
    args = parse_args(argv)

    def terminate(_signum: int, _frame: Any) -> None:
        raise SystemExit(143)

    signal.signal(signal.SIGTERM, terminate)

    def note(text: str) -> None:
        print(f"... {text}", file=sys.stderr, flush=True)

    try:
        report = run(args, note)
    except BenchError as exc:
        print(f"api bench failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("api bench interrupted; server stopped, database dropped", file=sys.stderr)
        return 130
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
