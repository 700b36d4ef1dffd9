"""Streaming benchmark: how fast and how many chat replies the app relays over its websocket.

Runs the real processes on loopback, as in production: the fake Ollama of tests/ in its own
process (`python -m tests.fake_ollama --directives`: each message says how its reply streams),
the web app under gunicorn with docker/gunicorn.conf.py (one gevent worker), and `worker.py
llm` consuming the model queue in this machine's Redis (db 11, flushed) against its MariaDB
(database `bench_stream`, dropped and migrated at the start). The client is this process: a
gevent greenlet per socket over a minimal websocket client (raw frames, permessage-deflate
offered as browsers do), so the load it adds to the same cores stays small; its lag counts
against the figures. Each frame's arrival is stamped as it is read.

    python bench/stream_bench.py [--quick] [--skip-gthread] [--py-spy]

It prints, and writes to bench/out/stream.json (logs in bench/out/stream-logs/):

1. throughput: tokens/s a websocket client receives through the app from a fake emitting as
   fast as it can, against tokens/s the `ollama` client reads from the fake directly;
2. time to first token the app adds: send frame -> first token frame, minus the direct time
   to first token measured just before; sequential sends, fast fake and 20 tokens/s;
3. capacity: N conversations stream at once at 20 tokens/s each (fixed clock; the fake stamps
   every token with its emission time), N stepped up until the added delay (arrival -
   emission) p99 reaches 50 ms, errors appear or the time bound hits: (a) gevent and (c)
   gthread (`-k gthread --threads 1000 --worker-connections 2000`) with the model worker in
   the loop, (b, d) the same two with the tokens XADDed straight into Redis by this process,
   which measures the web process's relay alone;
4. landing page latency (GET /, from a separate plain client process) while 0, 12 and 100
   replies stream.

The app runs as shipped, with its own settings (plain REDIS_URL, its Redis and Ollama pools);
the model workers are `worker.py llm --threads 100` processes, one per 100 streams at once.

Figures are printed, never asserted. Other work on the machine shows up in them: the
'other%' column is the CPU the rest of the machine used meanwhile.
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import base64  # noqa: E402
import contextlib  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import signal  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
import zlib  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402
from urllib.parse import urlencode, urlsplit  # noqa: E402

import gevent  # noqa: E402
import gevent.event  # noqa: E402
import gevent.lock  # noqa: E402
import gevent.pool  # noqa: E402
from gevent import socket  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
LOGS = OUT / "stream-logs"
DATABASE = "bench_stream"
DATABASE_URL = f"mysql+pymysql://root@127.0.0.1:3306/{DATABASE}?charset=utf8mb4"
REDIS_URL = "redis://127.0.0.1:6379/11"
BUDGET_MS = 50.0  # the added inter-token delay p99 a step must stay under
REALISTIC_DELAY = 0.05  # seconds between tokens: 20 tokens/s, a 3B model on a small GPU
PUBLISH_SLOTS = 10  # relay-only steps: phases the published streams are spread over
WORKER_THREADS = 100  # per `worker.py llm` process
CLK_TCK = os.sysconf("SC_CLK_TCK")

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TOKEN_SPAN = re.compile(r'<span id="m(\d+)-text" hx-swap-oob="beforeend">([^<]*)</span>')
STAMP = re.compile(r"t(\d+\.\d{6}) ")
FINISHED = re.compile(r'<li class="message from-assistant( failed)?" id="m\d+" hx-swap-oob="true">')
SHOWN_ERROR = re.compile(r'<p id="[\w-]+-error" class="field-error" role="alert"[^>]*>([^<]+)</p>')

# The landing-page client: a separate plain process, so this one's greenlets do not skew it.
PROBE = """
import http.client, json, sys, time
port, count = int(sys.argv[1]), int(sys.argv[2])
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
times, errors = [], 0
for i in range(count + 5):
    began = time.perf_counter()
    try:
        conn.request("GET", "/")
        response = conn.getresponse()
        response.read()
        ok = response.status == 200
    except OSError:
        ok = False
        conn.close()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    elapsed = time.perf_counter() - began
    if i >= 5:  # the first few warm the connection up
        times.append(elapsed)
        errors += not ok
print(json.dumps({"times": times, "errors": errors}))
"""


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def median(values: list[float]) -> float:
    """The median; NaN for no values."""
    return statistics.median(values) if values else math.nan


def ms(seconds: float) -> str:
    """Seconds as a millisecond figure for the tables."""
    return "-" if math.isnan(seconds) else f"{seconds * 1000:.1f}"


def whole(value: float) -> str:
    """A number rounded for the tables ("-" for none)."""
    return "-" if math.isnan(value) else f"{value:.0f}"


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def machine_jiffies() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def children(pid: int) -> list[int]:
    """Direct child processes of pid."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        return [int(p) for p in path.read_text().split()]
    except OSError:
        return []


class Timer:
    """Wall time and CPU of our processes and of the whole machine over a window."""

    def __init__(self, stack: "Stack") -> None:
        self.stack = stack
        self.began = time.time()
        self.cpu = self._cpu()
        self.jiffies = machine_jiffies()

    def _cpu(self) -> dict[str, float]:
        pids = self.stack.pids()
        return {
            "web": cpu_seconds(pids["web"]),
            "workers": sum(cpu_seconds(pid) for pid in pids["workers"]),
            "fake": cpu_seconds(pids["fake"]),
            "client": cpu_seconds(os.getpid()),
        }

    def stop(self) -> dict[str, float]:
        """CPU use in % of one core per process group, and of the machine (200% = 2 cores)."""
        wall = max(1e-6, time.time() - self.began)
        now = self._cpu()
        busy, total = machine_jiffies()
        cores = os.cpu_count() or 1
        use = {name: 100 * (now[name] - self.cpu[name]) / wall for name in now}
        use["machine"] = 100 * cores * (busy - self.jiffies[0]) / max(1, total - self.jiffies[1])
        use["wall"] = wall
        return use


# --------------------------------------------------------------------------------------------
# The client: browser sessions over http.client and a minimal websocket client
# --------------------------------------------------------------------------------------------


class Closed(Exception):
    """The socket closed; ``code`` is the close code (1006 when it just dropped)."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class Browser:
    """One browser session: its cookies and CSRF token."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.token = ""

    def cookie_header(self) -> str:
        """The Cookie header of this session."""
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, http.client.HTTPMessage, str]:
        """One request on a fresh connection; remembers cookies."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": self.cookie_header()} if self.cookies else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body, headers)
            response = conn.getresponse()
            text = response.read().decode()
        finally:
            conn.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers, text

    def start_conversation(self) -> str:
        """GET / then POST /conversations; return the conversation's path."""
        status, _, page = self.request("GET", "/")
        found = CSRF.search(page)
        if status != 200 or not found:
            raise RuntimeError(f"GET / answered {status}")
        self.token = found.group(1)
        form = {"csrf_token": self.token, "message": "", "topic": "mandat"}
        status, headers, _ = self.request("POST", "/conversations", form)
        if status != 302:
            raise RuntimeError(f"POST /conversations answered {status}")
        return urlsplit(headers["Location"]).path


class Websocket:
    """A minimal RFC 6455 client: handshake, masked sends, permessage-deflate on receive."""

    def __init__(self, port: int, path: str, cookie: str) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.lock = gevent.lock.Semaphore()
        key = base64.b64encode(os.urandom(16)).decode()
        handshake = (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
            f"Origin: http://127.0.0.1:{port}\r\nCookie: {cookie}\r\n\r\n"
        )
        self.sock.sendall(handshake.encode())
        buffer = b""
        while b"\r\n\r\n" not in buffer:
            data = self.sock.recv(65536)
            if not data:
                raise Closed(1006)
            buffer += data
        head, _, rest = buffer.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        if " 101 " not in lines[0] + " ":
            raise RuntimeError(f"handshake refused: {lines[0]}")
        extensions = ""
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "sec-websocket-extensions":
                extensions = value.lower()
        self.deflate = "permessage-deflate" in extensions
        bits = re.search(r"server_max_window_bits=(\d+)", extensions)
        self.window_bits = int(bits.group(1)) if bits else 15
        self.fresh_context = "server_no_context_takeover" in extensions
        self.inflater = zlib.decompressobj(-self.window_bits)
        self.buffer = bytearray(rest)
        self.sock.settimeout(None)

    def _need(self, count: int) -> None:
        while len(self.buffer) < count:
            data = self.sock.recv(262144)
            if not data:
                raise Closed(1006)
            self.buffer += data

    def receive(self) -> str:
        """The next text message (pings are answered here); raises Closed."""
        parts: list[bytes] = []
        compressed = False
        while True:
            self._need(2)
            first, second = self.buffer[0], self.buffer[1]
            length, start = second & 0x7F, 2
            if length == 126:
                self._need(4)
                length, start = int.from_bytes(self.buffer[2:4], "big"), 4
            elif length == 127:
                self._need(10)
                length, start = int.from_bytes(self.buffer[2:10], "big"), 10
            self._need(start + length)
            payload = bytes(self.buffer[start : start + length])
            del self.buffer[: start + length]
            opcode = first & 0x0F
            if opcode == 0x9:
                self._send(0xA, payload)
                continue
            if opcode == 0xA:
                continue
            if opcode == 0x8:
                code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else 1005
                raise Closed(code)
            if opcode in (0x1, 0x2):
                compressed, parts = bool(first & 0x40), [payload]
            else:
                parts.append(payload)
            if first & 0x80:
                data = b"".join(parts)
                if compressed:
                    if self.fresh_context:
                        self.inflater = zlib.decompressobj(-self.window_bits)
                    data = self.inflater.decompress(data + b"\x00\x00\xff\xff")
                return data.decode()

    def send_text(self, text: str) -> None:
        """One masked text frame."""
        self._send(0x1, text.encode())

    def _send(self, opcode: int, payload: bytes) -> None:
        size = len(payload)
        header = bytearray([0x80 | opcode])
        if size < 126:
            header.append(0x80 | size)
        elif size < 65536:
            header.append(0x80 | 126)
            header += size.to_bytes(2, "big")
        else:
            header.append(0x80 | 127)
            header += size.to_bytes(8, "big")
        key = os.urandom(4)
        mask = (key * (size // 4 + 1))[:size]
        masked = (int.from_bytes(payload, "big") ^ int.from_bytes(mask, "big")).to_bytes(
            size, "big"
        )
        with self.lock:
            self.sock.sendall(bytes(header) + key + masked)

    def close(self) -> None:
        """Close without waiting for the server's answer."""
        with contextlib.suppress(OSError):
            self._send(0x8, (1000).to_bytes(2, "big"))
        self.sock.close()


@dataclass
class Turn:
    """What one send produced, as the socket saw it."""

    stamped: bool
    sent_at: float = 0.0
    accepted_at: float | None = None  # the answer to the send frame (the composer's fragments)
    first_token_at: float | None = None
    last_token_at: float | None = None
    done_at: float | None = None
    message_id: int | None = None
    tokens: int = 0
    frames: int = 0
    token_frames: int = 0
    # (emission, delay) of each stamped token: emission by the fake's clock, delay = arrival -
    # emission on the same machine clock.
    delays: list[tuple[float, float]] = field(default_factory=list)
    token_frame_times: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    done: gevent.event.Event = field(default_factory=gevent.event.Event)

    def on_frame(self, arrived: float, frame: str) -> None:
        """Account for one frame from the server."""
        self.frames += 1
        if self.accepted_at is None and 'id="composer-' in frame:
            self.accepted_at = arrived
        spans = TOKEN_SPAN.findall(frame)
        if spans:
            if self.first_token_at is None:
                self.first_token_at = arrived
            self.last_token_at = arrived
            self.token_frames += 1
            self.token_frame_times.append(arrived)
            if self.message_id is None:
                self.message_id = int(spans[0][0])
            for _, text in spans:
                if self.stamped:
                    for stamp in STAMP.findall(text):
                        emitted = float(stamp)
                        self.delays.append((emitted, arrived - emitted))
                        self.tokens += 1
                else:
                    self.tokens += text.count(" ")
        shown = SHOWN_ERROR.search(frame)
        if shown:
            self.errors.append(f"shown: {shown.group(1).strip()}")
            self.done.set()
        finished = FINISHED.search(frame)
        if finished:
            if finished.group(1):
                self.errors.append("reply failed")
            self.done_at = arrived
            self.done.set()

    def fail(self, reason: str) -> None:
        """The socket broke under this turn."""
        self.errors.append(reason)
        self.done.set()


class Chat:
    """One conversation of one browser session, with its socket open and read by a greenlet."""

    def __init__(self, port: int) -> None:
        self.browser = Browser(port)
        self.path = self.browser.start_conversation()
        self.ws = Websocket(port, self.path + "/ws", self.browser.cookie_header())
        snapshot = self.ws.receive()
        if 'id="messages"' not in snapshot:
            raise RuntimeError("the first frame is not the snapshot")
        self.turn: Turn | None = None
        self.closed: int | None = None
        self.reader = gevent.spawn(self._read)

    def _read(self) -> None:
        try:
            while True:
                frame = self.ws.receive()
                arrived = time.time()
                if self.turn is not None:
                    self.turn.on_frame(arrived, frame)
        except Closed as closed:
            self.closed = closed.code
        except OSError:
            self.closed = 1006
        if self.turn is not None and not self.turn.done.is_set():
            self.turn.fail(f"socket closed ({self.closed})")

    def send(self, message: str, stamped: bool) -> Turn:
        """Send a message the way the page's form does; return its turn."""
        turn = Turn(stamped)
        if self.closed is not None:
            turn.fail(f"socket closed ({self.closed})")
            return turn
        self.turn = turn
        frame = {"csrf_token": self.browser.token, "action": "send", "message": message}
        text = json.dumps({**frame, "HEADERS": {}})
        turn.sent_at = time.time()
        try:
            self.ws.send_text(text)
        except OSError as exc:
            turn.fail(f"send failed: {exc}")
        return turn

    def stop(self) -> None:
        """Press Stop."""
        frame = {"csrf_token": self.browser.token, "action": "stop", "HEADERS": {}}
        with contextlib.suppress(OSError):
            self.ws.send_text(json.dumps(frame))

    def close(self) -> None:
        """Close the socket and stop reading."""
        self.ws.close()
        self.reader.kill(block=False)


def stuck_reason(turn: Turn) -> str:
    """How far a reply that never finished got."""
    if turn.accepted_at is None:
        return "the send got no answer"
    if turn.first_token_at is None:
        return "no token came"
    return "no final frame came"


def directive(tokens: int, delay: float, stamped: bool) -> str:
    """A message whose reply the fake shapes: N tokens, the delay, stamped or words."""
    return f"[[fake tokens={tokens} delay={delay} ts={int(stamped)} clock=fixed]]"


# --------------------------------------------------------------------------------------------
# The processes
# --------------------------------------------------------------------------------------------


class Stack:
    """The fake Ollama, the web process and the model workers."""

    def __init__(self) -> None:
        self.queue = f"bench-stream-{uuid.uuid4().hex[:8]}"
        self.env = {
            **os.environ,
            "APP_ENV": "production",
            "DATABASE_URL": DATABASE_URL,
            "REDIS_URL": REDIS_URL,
            "RQ_LLM_QUEUE": self.queue,
            "RQ_QUEUE": self.queue + "-pdf",
            "SECRET_KEY": "bench-" + uuid.uuid4().hex * 2,
            # Production refuses to start without keys; one for the run, shared by every process.
            "ENCRYPTION_KEYS": os.environ.get("ENCRYPTION_KEYS")
            or base64.urlsafe_b64encode(os.urandom(32)).decode(),
            "STORAGE_DIR": str(OUT / "stream-storage"),
            "GENERATION_QUEUE_LIMIT": "100000",
            "RATELIMIT_MESSAGES": "100000 per minute",
            "RATELIMIT_START": "100000 per minute",
            "RATELIMIT_SOCKET": "100000 per minute",
            "PYTHONUNBUFFERED": "1",
            "OLLAMA_MODEL": "qwen2.5:3b",  # the model the fake knows
            "WEB_WORKERS": "1",
        }
        self.fake: subprocess.Popen[bytes] | None = None
        self.web: subprocess.Popen[bytes] | None = None
        self.web_kind = ""
        self.workers: list[subprocess.Popen[bytes]] = []
        self.port = 0
        self.fake_url = ""
        self.logs: list[Any] = []

    def _log(self, name: str) -> Any:
        handle = open(LOGS / f"{name}.log", "ab")  # noqa: SIM115 - closed in stop()
        self.logs.append(handle)
        return handle

    def prepare(self) -> None:
        """A fresh database, an empty Redis db, the fake."""
        LOGS.mkdir(parents=True, exist_ok=True)
        for old in LOGS.glob("*"):
            old.unlink()
        sql = (
            f"DROP DATABASE IF EXISTS {DATABASE}; CREATE DATABASE {DATABASE} CHARACTER SET utf8mb4"
        )
        mysql = ["mysql", "--protocol=tcp", "-h127.0.0.1", "-uroot", "-e", sql]
        subprocess.run(mysql, check=True, capture_output=True)
        flask = [sys.executable, "-m", "flask", "--app", "app:create_app", "db", "upgrade"]
        subprocess.run(flask, cwd=ROOT, env=self.env, check=True, capture_output=True)
        from redis import Redis

        Redis.from_url(REDIS_URL).flushdb()
        command = [sys.executable, "-m", "tests.fake_ollama", "--port", "0", "--directives"]
        command += ["--reply-tokens", "20", "--fixed-clock"]
        self.fake = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=self._log("fake")
        )
        assert self.fake.stdout is not None
        with gevent.Timeout(20, RuntimeError("the fake Ollama did not start")):
            line = self.fake.stdout.readline().decode()
        if not line.startswith("READY "):
            raise RuntimeError(f"the fake Ollama said {line!r}")
        self.fake_url = line.split()[1]
        self.env["OLLAMA_HOST"] = self.fake_url

    def start_web(self, kind: str) -> None:
        """gunicorn with the production config (gevent), or the gthread alternative."""
        self.stop_web()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        command = [sys.executable, "-m", "gunicorn", "--config", "docker/gunicorn.conf.py"]
        command += ["--bind", f"127.0.0.1:{self.port}"]
        if kind == "gthread":
            command += ["-w", "1", "-k", "gthread", "--threads", "1000"]
            command += ["--worker-connections", "2000"]
        command.append("app:create_app()")
        log = self._log(f"web-{kind}")
        self.web = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=log)
        self.web_kind = kind
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/")
                if conn.getresponse().status == 200 and children(self.web.pid):
                    conn.close()
                    return
            except OSError:
                pass
            if time.monotonic() > deadline or self.web.poll() is not None:
                raise RuntimeError(f"gunicorn ({kind}) did not start: see {LOGS}")
            gevent.sleep(0.2)

    def ensure_workers(self, streams: int) -> None:
        """Enough `worker.py llm --threads 100` processes for this many streams at once."""
        wanted = max(1, math.ceil(streams / WORKER_THREADS))
        if len(self.workers) >= wanted:
            return
        command = [sys.executable, "worker.py", "llm", "--threads", str(WORKER_THREADS)]
        while len(self.workers) < wanted:
            log = self._log(f"worker-{len(self.workers)}")
            self.workers.append(
                subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=log)
            )
        from redis import Redis
        from rq import Queue, Worker

        connection = Redis.from_url(REDIS_URL)
        queue = Queue(self.queue, connection=connection)
        deadline = time.monotonic() + 60
        while Worker.count(queue=queue) < wanted * WORKER_THREADS:
            if time.monotonic() > deadline or any(w.poll() is not None for w in self.workers):
                raise RuntimeError(f"the model workers did not start: see {LOGS}")
            gevent.sleep(0.2)

    def pids(self) -> dict[str, Any]:
        """Pids to read CPU from: gunicorn's worker, the model workers, the fake."""
        assert self.web is not None and self.fake is not None
        web = children(self.web.pid)
        return {
            "web": web[0] if web else self.web.pid,
            "workers": [w.pid for w in self.workers],
            "fake": self.fake.pid,
        }

    def stop_web(self) -> None:
        """Quick shutdown of gunicorn (SIGINT: it does not wait for open sockets)."""
        if self.web is not None and self.web.poll() is None:
            self.web.send_signal(signal.SIGINT)
            try:
                self.web.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.web.kill()
                self.web.wait()
        self.web = None

    def stop(self) -> None:
        """Stop everything this benchmark started."""
        self.stop_web()
        for process in [*self.workers, self.fake]:
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in [*self.workers, self.fake]:
            if process is None:
                continue
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.workers = []
        self.fake = None
        for handle in self.logs:
            handle.close()
        self.logs = []


# --------------------------------------------------------------------------------------------
# The measurements
# --------------------------------------------------------------------------------------------


class Bench:
    """The phases, sharing one stack and a pool of open chats."""

    def __init__(self, stack: Stack, quick: bool, py_spy: bool) -> None:
        import ollama

        self.stack = stack
        self.quick = quick
        self.py_spy = py_spy
        self.chats: list[Chat] = []
        self.direct = ollama.Client(host=stack.fake_url, timeout=60)
        self.results: dict[str, Any] = {}

    # -- helpers -------------------------------------------------------------------------------

    def ensure_chats(self, count: int) -> list[Chat]:
        """At least `count` open chats in the pool (opened 20 at a time); the first `count`."""
        self.chats = [chat for chat in self.chats if chat.closed is None]
        missing = count - len(self.chats)
        if missing > 0:
            pool = gevent.pool.Pool(20)
            self.chats += pool.map(lambda _: Chat(self.stack.port), range(missing))
        return self.chats[:count]

    def close_chats(self) -> None:
        """Close every pooled socket."""
        for chat in self.chats:
            chat.close()
        self.chats = []

    def direct_stream(self, message: str) -> tuple[float, float, int]:
        """(time to first content, time to last content, content chunks) straight from the fake."""
        began = time.perf_counter()
        first = last = math.nan
        count = 0
        messages = [{"role": "user", "content": message}]
        for part in self.direct.chat(model="qwen2.5:3b", messages=messages, stream=True):
            if part.message.content:
                last = time.perf_counter() - began
                if count == 0:
                    first = last
                count += 1
        return first, last, count

    def run_turn(self, chat: Chat, message: str, stamped: bool, timeout: float) -> Turn:
        """Send and wait until the reply is stored (or the timeout passes)."""
        turn = chat.send(message, stamped)
        if not turn.done.wait(timeout):
            turn.errors.append(f"stuck: {stuck_reason(turn)}")
            chat.stop()  # else every later send of this chat is refused as busy
            turn.done.wait(10)
        return turn

    # -- 1. throughput -------------------------------------------------------------------------

    def throughput(self) -> None:
        """Tokens/s through the app versus straight from the fake; fast fake, medians."""
        tokens, reps = (1000, 3) if self.quick else (2000, 5)
        message = directive(tokens, 0, stamped=False)
        chat = Chat(self.stack.port)
        self.run_turn(chat, message, False, 60)  # warm-up
        direct, app, frames, lost, errors = [], [], [], 0, 0
        web_cpu = llm_cpu = 0.0
        for _ in range(reps):
            _, last, count = self.direct_stream(message)
            direct.append(count / last)
            timer = Timer(self.stack)
            turn = self.run_turn(chat, message, False, 60)
            use = timer.stop()
            web_cpu += use["web"] / 100 * use["wall"]
            llm_cpu += use["workers"] / 100 * use["wall"]
            errors += bool(turn.errors)
            lost += tokens - turn.tokens
            if turn.last_token_at is not None:
                app.append(turn.tokens / (turn.last_token_at - turn.sent_at))
            frames.append(turn.token_frames)
        chat.close()
        result = {
            "tokens_per_reply": tokens,
            "repetitions": reps,
            "direct_tokens_per_s": statistics.median(direct),
            "app_tokens_per_s": median(app),
            "token_frames_per_reply": statistics.median(frames),
            "web_cpu_ms_per_1000_tokens": 1e6 * web_cpu / (reps * tokens),
            "llm_cpu_ms_per_1000_tokens": 1e6 * llm_cpu / (reps * tokens),
            "tokens_lost": lost,
            "errors": errors,
            "direct_all": direct,
            "app_all": app,
        }
        result["ratio"] = result["app_tokens_per_s"] / result["direct_tokens_per_s"]
        self.results["throughput"] = result
        print(
            f"\n1. Throughput, fake at full speed, {tokens} tokens a reply, request to last "
            f"token, median of {reps}"
        )
        print(f"   {'path':<34}{'tokens/s':>10}")
        print(f"   {'ollama client <- fake (direct)':<34}{result['direct_tokens_per_s']:>10.0f}")
        print(f"   {'websocket <- app <- fake':<34}{result['app_tokens_per_s']:>10.0f}")
        print(
            f"   ratio app/direct {result['ratio']:.2f}; token frames per reply "
            f"{result['token_frames_per_reply']:.0f}; tokens lost {lost}; errors {errors}"
        )
        print(
            f"   CPU per 1000 tokens relayed: web {result['web_cpu_ms_per_1000_tokens']:.0f} ms, "
            f"model worker {result['llm_cpu_ms_per_1000_tokens']:.0f} ms"
        )

    # -- 2. time to first token ----------------------------------------------------------------

    def first_token(self) -> None:
        """Send frame -> first token frame, minus the direct time to first token, paired."""
        count = 10 if self.quick else 50
        rows = {}
        for label, delay in (("fast", 0.0), ("20 tok/s", REALISTIC_DELAY)):
            chat = Chat(self.stack.port)
            message = directive(3, delay, stamped=False)
            for _ in range(3):  # warm-up
                self.run_turn(chat, message, False, 30)
            added, app, direct, accepted, errors = [], [], [], [], 0
            web_cpu = llm_cpu = 0.0
            for _ in range(count):
                first, _, _ = self.direct_stream(message)
                timer = Timer(self.stack)
                turn = self.run_turn(chat, message, False, 30)
                use = timer.stop()
                web_cpu += use["web"] / 100 * use["wall"]
                llm_cpu += use["workers"] / 100 * use["wall"]
                if turn.errors or turn.first_token_at is None or turn.accepted_at is None:
                    errors += 1
                    continue
                to_first = turn.first_token_at - turn.sent_at
                app.append(to_first)
                direct.append(first)
                added.append(to_first - first)
                accepted.append(turn.accepted_at - turn.sent_at)
            chat.close()
            rows[label] = {
                "sends": count,
                "added_p50_s": median(added),
                "added_p99_s": pct(added, 99),
                "app_p50_s": median(app),
                "direct_p50_s": median(direct),
                "accepted_p50_s": median(accepted),
                "web_cpu_per_turn_s": web_cpu / count,
                "llm_cpu_per_turn_s": llm_cpu / count,
                "errors": errors,
            }
        self.results["first_token"] = rows
        print(f"\n2. Time to first token the app adds ({count} sequential sends each, ms)")
        print(
            "   app = send frame -> first token frame; direct = ollama client -> first chunk; "
            "accepted = send frame -> the web's answer to it"
        )
        header = f"   {'fake':<10}{'added p50':>10}{'added p99':>10}{'app p50':>9}"
        print(
            header + f"{'direct p50':>11}{'accepted p50':>13}{'errors':>7}"
            f"{'web CPU/turn':>13}{'llm CPU/turn':>13}"
        )
        for label, row in rows.items():
            print(
                f"   {label:<10}{ms(row['added_p50_s']):>10}{ms(row['added_p99_s']):>10}"
                f"{ms(row['app_p50_s']):>9}{ms(row['direct_p50_s']):>11}"
                f"{ms(row['accepted_p50_s']):>13}{row['errors']:>7}"
                f"{ms(row['web_cpu_per_turn_s']):>13}{ms(row['llm_cpu_per_turn_s']):>13}"
            )

    # -- 3. capacity ---------------------------------------------------------------------------

    def stream_all(
        self, chats: list[Chat], message: str, ramp: float, wait_s: float, during: Any = None
    ) -> list[Turn]:
        """Every chat sends `message` (spread evenly over `ramp` s); `during(turns)` runs once
        all sent; then wait up to `wait_s` for every reply. Stuck ones get Stop pressed."""
        turns: list[Turn] = [Turn(True) for _ in chats]

        def send(index: int, chat: Chat) -> None:
            gevent.sleep(index * ramp / len(chats))
            turns[index] = chat.send(message, True)

        gevent.joinall([gevent.spawn(send, i, chat) for i, chat in enumerate(chats)])
        if during is not None:
            during(turns)
        deadline = time.time() + wait_s
        for turn in turns:
            turn.done.wait(max(0.0, deadline - time.time()))
        for turn, chat in zip(turns, chats, strict=False):
            if not turn.done.is_set():
                turn.errors.append(f"stuck: {stuck_reason(turn)}")
                chat.stop()
        return turns

    def publish(self, chats: list[Chat], turns: list[Turn], tokens: int, delay: float) -> float:
        """Relay-only steps: XADD stamped tokens into every reply's stream on a fixed clock,
        as the model worker would; then press Stop. Returns when publishing began."""
        from redis import Redis

        deadline = time.time() + 30
        while any(t.message_id is None and not t.done.is_set() for t in turns):
            if time.time() > deadline:
                break
            gevent.sleep(0.05)
        keys = [f"mikroporada:gen:{t.message_id}" for t in turns if t.message_id is not None]
        gevent.sleep(1.0)  # past the burst of starts: this measures the sustained relay
        redis = Redis.from_url(REDIS_URL)
        began = time.time()
        # Each reply on its own phase, as replies that started at different times have: the
        # streams are split into PUBLISH_SLOTS groups, one group every delay / PUBLISH_SLOTS.
        for index in range(tokens * PUBLISH_SLOTS):
            gevent.sleep(max(0.0, began + index * delay / PUBLISH_SLOTS - time.time()))
            pipe = redis.pipeline(transaction=False)
            for key in keys[index % PUBLISH_SLOTS :: PUBLISH_SLOTS]:
                pipe.xadd(key, {"k": "token", "d": f"t{time.time():.6f} "})
            pipe.execute()
        redis.close()
        gevent.sleep(1.0)  # let the relay deliver the last ones before the done notice
        for chat in chats:
            chat.stop()
        return began

    def capacity_step(
        self,
        count: int,
        tokens: int,
        ramp: float,
        relay_only: bool = False,
    ) -> dict[str, Any]:
        """One step: `count` replies streaming together at 20 tokens/s each; the figures.

        `relay_only`: the fake sends a word a second, and the measured tokens come from this
        process straight into Redis, so the model worker does little and the web process's
        relay is measured on its own."""
        delay = REALISTIC_DELAY
        self.stack.ensure_workers(count)
        chats = self.ensure_chats(count)
        timer = Timer(self.stack)
        spy = None
        if self.py_spy:
            spy = gevent.spawn_later(ramp + tokens * delay / 2, self.spy, count)
        if relay_only:
            began: list[float] = []
            # The fake writes a word a second meanwhile (not stamped, so not measured): on Stop
            # the worker closes its HTTP stream at the next chunk. A reply held silent would
            # keep its connection of the worker's pool until the read timeout (120 s).
            message = "Pytanie " + directive(1000, 1.0, stamped=False)
            publish = lambda turns: began.append(self.publish(chats, turns, tokens, delay))  # noqa: E731
            turns = self.stream_all(chats, message, ramp, 30, publish)
            for turn in turns:  # only the tokens this process published
                turn.delays = [(e, d) for e, d in turn.delays if began and e >= began[0]]
        else:
            message = "Pytanie " + directive(tokens, delay, stamped=True)
            turns = self.stream_all(chats, message, ramp, tokens * delay + 30)
        use = timer.stop()
        use["other"] = use["machine"] - sum(use[k] for k in ("web", "workers", "fake", "client"))
        if spy is not None:
            spy.join()
        stuck = [t for t in turns if not t.done.is_set()]
        if stuck:  # Stop was pressed: give them a moment to end before the next step
            gevent.joinall([gevent.spawn(t.done.wait, 10) for t in stuck])
        delays = [delay for turn in turns for _, delay in turn.delays]
        firsts = [turn.delays[0][0] for turn in turns if turn.delays]
        lasts = [turn.delays[-1][0] for turn in turns if turn.delays]
        steady: list[float] = []
        frames_per_s = math.nan
        if len(firsts) == len(turns) and max(firsts) < min(lasts):
            low, high = max(firsts), min(lasts)
            steady = [d for turn in turns for e, d in turn.delays if low <= e <= high]
            frames = sum(low <= t <= high for turn in turns for t in turn.token_frame_times)
            frames_per_s = frames / max(1e-3, high - low)
        # The model worker's share: when Redis took each token (the stream entry's id is Redis's
        # clock in ms, the same machine's) minus its emission; the rest is the relay's.
        to_redis: list[float] = []
        if steady and not relay_only:
            to_redis = self.redis_lags(turns[:100], low, high)
        starts = [t.first_token_at - t.sent_at for t in turns if t.first_token_at is not None]
        errors = sum(bool(turn.errors) for turn in turns)
        reasons = sorted({reason for turn in turns for reason in turn.errors})
        return {
            "streams": count,
            "steady_p50_s": pct(steady, 50),
            "steady_p99_s": pct(steady, 99),
            "steady_to_redis_p50_s": pct(to_redis, 50),
            "steady_to_redis_p99_s": pct(to_redis, 99),
            "steady_tokens": len(steady),
            "all_p99_s": pct(delays, 99),
            "all_max_s": max(delays) if delays else math.nan,
            "start_p50_s": pct(starts, 50),
            "start_p99_s": pct(starts, 99),
            "steady_token_frames_per_s": frames_per_s,
            "tokens_lost": count * tokens - len(delays),
            "errors": errors,
            "error_kinds": reasons[:5],
            "llm_worker_processes": len(self.stack.workers),
            "cpu_percent": {k: v for k, v in use.items() if k != "wall"},
            "wall_s": use["wall"],
        }

    def redis_lags(self, turns: list[Turn], low: float, high: float) -> list[float]:
        """Emission -> XADD delays of the turns' tokens emitted between low and high."""
        from redis import Redis

        redis = Redis.from_url(REDIS_URL)
        lags = []
        for turn in turns:
            if turn.message_id is None:
                continue
            for entry_id, fields in redis.xrange(f"mikroporada:gen:{turn.message_id}"):
                added = int(entry_id.split(b"-")[0]) / 1000
                for stamp in STAMP.findall(fields.get(b"d", b"").decode()):
                    if low <= float(stamp) <= high:
                        lags.append(added - float(stamp))
        redis.close()
        return lags

    def spy(self, count: int) -> None:
        """py-spy dumps of the web process and one model worker, mid-step."""
        pids = self.stack.pids()
        for name, pid in (("web", pids["web"]), ("worker", pids["workers"][0])):
            command = [str(ROOT / ".venv" / "bin" / "py-spy"), "dump", "--pid", str(pid)]
            done = subprocess.run(command, capture_output=True, text=True, timeout=60)
            path = LOGS / f"py-spy-{self.stack.web_kind}-{count}-{name}.txt"
            path.write_text(done.stdout + done.stderr)

    def capacity(self, label: str, kind: str, time_bound: float, relay_only: bool) -> None:
        """Step N up until p99 >= 50 ms, errors, or the time bound."""
        if relay_only:
            steps = [50, 100] if self.quick else [25, 50, 100, 150, 200, 300, 400, 600, 800]
            tokens, ramp = (60, 1.0) if self.quick else (200, 2.0)
        elif self.quick:
            steps, tokens, ramp = [10, 50], 80, 1.0
        else:
            steps, tokens, ramp = [10, 25, 50, 75, 100, 150, 200, 300, 400, 600, 800], 300, 3.0
        if self.stack.web_kind != kind:
            self.close_chats()
            self.stack.start_web(kind)
        began = time.monotonic()
        rows = []
        if relay_only:
            print(
                f"\n{label}. Relay only, {kind} web worker: N replies at 20 tokens/s each "
                f"({tokens} tokens, sends spread over {ramp:.1f} s), the tokens XADDed by this "
                "process\n   into each reply's Redis stream (the model worker idle): the web "
                "process alone"
            )
            print(
                "   added delay = token arrival at the client - its XADD by this process (ms); "
                "client% includes that publishing"
            )
        else:
            print(
                f"\n{label}. Capacity, {kind} web worker: N replies at 20 tokens/s each "
                f"({tokens} tokens, sends spread over {ramp:.1f} s)"
            )
            print(
                "   added delay = token arrival at the client - its emission by the fake (ms); "
                "p50/p99 while all N stream ('p99 all': every token);\n   'llm p99': the model "
                "worker's part (emission -> XADD); 'start p99': send -> first token; 'frames/s': "
                "token frames received while all N stream; CPU in % of one core over the step"
            )
        print(
            f"   {'N':>5}{'p50':>7}{'p99':>7}{'llm p99':>8}{'p99 all':>8}{'max':>7}"
            f"{'start p99':>10}"
            f"{'frames/s':>9}{'lost':>6}{'errors':>7}{'web%':>6}{'llm%':>6}{'fake%':>6}"
            f"{'client%':>8}{'other%':>7}"
        )
        for count in steps:
            if time.monotonic() - began > time_bound:
                print(f"   (time bound of {time_bound:.0f} s reached)")
                break
            row = self.capacity_step(count, tokens, ramp, relay_only=relay_only)
            rows.append(row)
            cpu = row["cpu_percent"]
            print(
                f"   {count:>5}{ms(row['steady_p50_s']):>7}{ms(row['steady_p99_s']):>7}"
                f"{ms(row['steady_to_redis_p99_s']):>8}"
                f"{ms(row['all_p99_s']):>8}{ms(row['all_max_s']):>7}{ms(row['start_p99_s']):>10}"
                f"{whole(row['steady_token_frames_per_s']):>9}{row['tokens_lost']:>6}"
                f"{row['errors']:>7}"
                f"{cpu['web']:>6.0f}{cpu['workers']:>6.0f}{cpu['fake']:>6.0f}"
                f"{cpu['client']:>8.0f}{cpu['other']:>7.0f}"
            )
            if row["error_kinds"]:
                print(f"         errors: {'; '.join(row['error_kinds'])}")
            if row["errors"] or not row["steady_p99_s"] * 1000 < BUDGET_MS:
                break
        good = [
            r["streams"] for r in rows if not r["errors"] and r["steady_p99_s"] * 1000 < BUDGET_MS
        ]
        best = max(good) if good else 0
        print(f"   largest N with p99 < {BUDGET_MS:.0f} ms and no errors: {best}")
        name = f"{kind}-relay-only" if relay_only else kind
        self.results.setdefault("capacity", {})[name] = {
            "tokens_per_reply": tokens,
            "ramp_s": ramp,
            "steps": rows,
            "largest_n_under_budget": best,
        }

    # -- 4. landing page -----------------------------------------------------------------------

    def landing(self) -> None:
        """GET / latency from a separate process while 0, 12 and 100 replies stream."""
        count = 50 if self.quick else 200
        if self.stack.web_kind != "gevent":
            self.close_chats()
            self.stack.start_web("gevent")
        rows = []
        for streams in (0, 12, 100):
            self.stack.ensure_workers(streams)
            chats = self.ensure_chats(streams)
            message = "Pytanie " + directive(2400, REALISTIC_DELAY, stamped=True)
            turns = []
            for index, chat in enumerate(chats):
                turns.append(chat.send(message, True))
                if index % 10 == 9:
                    gevent.sleep(0.1)
            deadline = time.time() + 30
            while any(t.first_token_at is None and not t.done.is_set() for t in turns):
                if time.time() > deadline:
                    break
                gevent.sleep(0.1)
            gevent.sleep(1.0)
            began = time.time()
            command = [sys.executable, "-c", PROBE, str(self.stack.port), str(count)]
            probe = json.loads(subprocess.run(command, capture_output=True, check=True).stdout)
            ended = time.time()
            for chat in chats:
                chat.stop()
            deadline = time.time() + 30
            for turn in turns:
                turn.done.wait(max(0.0, deadline - time.time()))
            during = [d for t in turns for e, d in t.delays if began <= e <= ended]
            streaming = sum(t.first_token_at is not None for t in turns)
            rows.append(
                {
                    "streams": streams,
                    "streaming": streaming,
                    "requests": count,
                    "p50_s": statistics.median(probe["times"]),
                    "p95_s": pct(probe["times"], 95),
                    "max_s": max(probe["times"]),
                    "errors": probe["errors"],
                    "stream_p99_s": pct(during, 99),
                    "stream_errors": sum(
                        bool([e for e in t.errors if e != "reply failed"]) for t in turns
                    ),
                }
            )
        self.results["landing"] = rows
        print(f"\n4. Landing page GET / ({count} requests, one keep-alive connection, ms)")
        print(
            f"   {'replies streaming':>18}{'p50':>7}{'p95':>7}{'max':>7}{'errors':>7}"
            f"{'token delay p99 meanwhile':>27}"
        )
        for row in rows:
            print(
                f"   {row['streaming']:>18}{ms(row['p50_s']):>7}{ms(row['p95_s']):>7}"
                f"{ms(row['max_s']):>7}{row['errors']:>7}{ms(row['stream_p99_s']):>27}"
            )


def app_commit() -> str:
    """The commit measured (the app changes under a long run when others commit)."""
    git = ["git", "-C", str(ROOT), "describe", "--always", "--dirty"]
    done = subprocess.run(git, capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


def main() -> int:
    """Run the benchmark, print the figures, write bench/out/stream.json."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a ~2 minute run")
    parser.add_argument("--skip-gthread", action="store_true", help="measure gevent only")
    parser.add_argument(
        "--py-spy", action="store_true", help="py-spy dumps mid-step into bench/out/stream-logs"
    )
    args = parser.parse_args()
    started = time.monotonic()
    limit = 140 if args.quick else 570  # seconds for the whole run, roughly

    def terminate() -> None:
        gevent.get_hub().parent.throw(SystemExit(143))

    gevent.signal_handler(signal.SIGTERM, terminate)
    stack = Stack()
    results: dict[str, Any] = {}
    try:
        stack.prepare()
        stack.start_web("gevent")
        stack.ensure_workers(1)
        bench = Bench(stack, args.quick, args.py_spy)
        results = bench.results
        load = os.getloadavg()
        results["commit"] = commit = app_commit()
        print(
            f"stream benchmark at {commit}: {os.cpu_count()} cores, load average {load[0]:.2f} "
            "at start; "
            f"client: gevent + raw websocket in this process; "
            f"model workers: processes of {WORKER_THREADS} threads"
        )
        print(
            "   (other work on this machine adds noise: CPU columns are % of one core, "
            f"{100 * (os.cpu_count() or 1)}% = all cores; 'other%' = everything but our processes)"
        )
        print(f"   (app as shipped: REDIS_URL={REDIS_URL}, worker.py llm unmodified)")
        bench.throughput()
        bench.first_token()
        reserve = 25 if args.quick else 50  # seconds kept for 4 (landing), roughly
        sweeps = [("3a", "gevent", False), ("3b", "gevent", True)]
        if not args.skip_gthread:
            sweeps += [("3c", "gthread", False), ("3d", "gthread", True)]
        for index, (label, kind, relay_only) in enumerate(sweeps):
            remaining = limit - reserve - (time.monotonic() - started)
            bound = remaining / (len(sweeps) - index)
            if bound < 15:
                print(f"\n{label}. ({kind}{' relay only' if relay_only else ''}: out of time)")
                continue
            bench.capacity(label, kind, bound, relay_only)
        bench.landing()
        if (at_end := app_commit()) != commit:
            results["commit_at_end"] = at_end
            print(f"\n(the code changed during the run: {commit} -> {at_end})")
        bench.close_chats()
    finally:
        stack.stop()
        if results:
            results["meta"] = {
                "quick": args.quick,
                "cores": os.cpu_count(),
                "load_average_end": os.getloadavg(),
                "duration_s": time.monotonic() - started,
                "client": "gevent greenlets + minimal websocket client (permessage-deflate)",
                "llm_worker_threads_per_process": WORKER_THREADS,
            }
            OUT.mkdir(parents=True, exist_ok=True)
            (OUT / "stream.json").write_text(json.dumps(results, indent=2, default=str))
    elapsed = time.monotonic() - started
    print(f"\nwritten to {(OUT / 'stream.json').relative_to(ROOT)} in {elapsed:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
