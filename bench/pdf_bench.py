"""PDF benchmark: "Utwórz PDF" to PDF ready, against WeasyPrint's own render time.

Runs the real processes on loopback: the web app under gunicorn (as `make run` does) and, in
the queued mode, `worker.py` consuming an RQ queue in the local Redis. For each of N renders of
bench/letter-3pages.html (saved as the letter of a new case each time, since the app reuses
the PDF of a version it has already rendered) it times the form POST that creates the render
until the status page says the PDF is ready (polled every 20 ms, far faster than the page's own
refresh). In the same run it times WeasyPrint rendering the same file directly in this
process, and reads the RSS of the web and worker processes from /proc.

Throughput: BURST renders queued at once (each of its own new case, posted while the worker
is paused with SIGSTOP), timed from the worker's SIGCONT until the database says all are
done, with one and with two warm work horses (`worker.py --processes N`), beside WeasyPrint
rendering the same letter BURST times back to back in this process just before and after.

Every stack gets rate-limit counters of its own (a fresh RATELIMIT_KEY_PREFIX), so the
benchmark can be run again at once.

    python bench/pdf_bench.py [--runs 20] [--burst 20] [--modes queued,embedded]

Figures are printed, never asserted. Redis must answer at REDIS_URL (default
redis://127.0.0.1:6379/14); the database is a throw-away SQLite file unless BENCH_DATABASE_URL
is set.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
LETTER = ROOT / "bench" / "letter-3pages.html"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
POLL_SECONDS = 0.02
DEFAULT_MARIADB = "mysql+pymysql://root@127.0.0.1:3306/mikroporada_bench?charset=utf8mb4"


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_kib(pid: int) -> tuple[int, int]:
    """(current RSS, peak RSS) of a process in KiB, from /proc."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return values["VmRSS"], values["VmHWM"]


def children(pid: int) -> list[int]:
    """Direct child processes of pid."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def weasyprint_once(html: str) -> float:
    """Seconds for WeasyPrint to render the letter as stored, in this process."""
    from weasyprint import HTML

    started = time.perf_counter()
    HTML(string=html).write_pdf()
    return time.perf_counter() - started


def wait_http(url: str, timeout: float = 30.0) -> None:
    """Wait until the web server answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


class Stack:
    """The web process (and the worker in queued mode) for one benchmark mode."""

    def __init__(
        self, mode: str, workdir: Path, horses: int = 1, database: str | None = None
    ) -> None:
        self.mode = mode
        self.horses = horses
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        database = (
            database or os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'bench.db'}"
        )
        self.env = {
            **os.environ,
            "DATABASE_URL": database,
            "STORAGE_DIR": str(workdir / "storage"),
            "SECRET_KEY": "bench-" + uuid.uuid4().hex * 2,
            "RATELIMIT_RENDERS": "100000 per minute",
            "RATELIMIT_START": "100000 per minute",
            "RATELIMIT_SAVES": "100000 per minute",
            "RATELIMIT_KEY_PREFIX": f"bench-{uuid.uuid4().hex[:12]}",
            "RENDERS_IN_FLIGHT": "100000",
            "OLLAMA_HOST": "http://127.0.0.1:9",
        }
        self.env.pop("REDIS_URL", None)
        if mode == "queued":
            self.env["REDIS_URL"] = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14")
            self.env["RQ_QUEUE"] = f"bench-{uuid.uuid4().hex[:8]}"
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def start(self) -> None:
        """Migrate, then start gunicorn (and worker.py)."""
        python = sys.executable
        flask = [python, "-m", "flask", "--app", "app:create_app", "db", "upgrade"]
        subprocess.run(flask, cwd=ROOT, env=self.env, check=True, capture_output=True)
        gunicorn = [python, "-m", "gunicorn", "--workers", "1", "--threads", "8"]
        gunicorn += ["--bind", f"127.0.0.1:{self.port}", "app:create_app()"]
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        self.processes["web"] = subprocess.Popen(gunicorn, cwd=ROOT, env=self.env, **quiet)
        if self.mode == "queued":
            worker = [python, "worker.py", "--processes", str(self.horses)]
            self.processes["worker"] = subprocess.Popen(worker, cwd=ROOT, env=self.env, **quiet)
        wait_http(self.base + "/")

    def pids(self) -> dict[str, int]:
        """The pids whose memory we report: gunicorn's worker and the RQ worker."""
        pids = {}
        web_children = children(self.processes["web"].pid)
        pids["web"] = web_children[0] if web_children else self.processes["web"].pid
        if "worker" in self.processes:
            supervisor = self.processes["worker"].pid
            pids["worker supervisor"] = supervisor
            horses = children(supervisor)
            if horses:  # the work horse (the busiest child)
                pids["work horse"] = max(horses, key=lambda pid: rss_kib(pid)[0])
        return pids

    def pause_worker(self, signum: int) -> None:
        """SIGSTOP or SIGCONT the worker's supervisor and its horses."""
        supervisor = self.processes["worker"].pid
        for pid in [supervisor, *children(supervisor)]:
            os.kill(pid, signum)

    def stop(self) -> None:
        """Stop every process of the stack."""
        for process in self.processes.values():
            process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def recorded_renders(database_url: str) -> tuple[float, float, int]:
    """Median render_ms recorded by the job itself, the median time from the render's row
    being queued to its PDF recorded (ms; the queue and the job around the render), and the
    page count of the last PDF."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    query = text("SELECT render_ms, queued_at, finished_at, pages FROM renders ORDER BY id")
    with engine.connect() as connection:
        rows = connection.execute(query).all()[1:]  # the first is the warm-up
    engine.dispose()
    spans = [(_when(row[2]) - _when(row[1])).total_seconds() * 1000 for row in rows]
    return statistics.median(row[0] for row in rows), statistics.median(spans), rows[-1][3]


def _when(value: object) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def new_case_with_letter(client: httpx.Client, token: str, html: str) -> str:
    """Start a conversation and save the reference letter as its document; return its URL."""
    started = client.post("/conversations", data={"csrf_token": token, "topic": "mandat"})
    case = started.headers["location"]
    body = {"csrf_token": token, "html": html, "base_version": "0"}
    saved = client.post(f"{case}/document", data=body)
    if saved.status_code != 302:
        raise RuntimeError(f"saving the letter failed: {saved.status_code}")
    return case


def time_renders(stack: Stack, runs: int) -> tuple[list[float], list[float]]:
    """Seconds from the "Utwórz PDF" POST to a ready status page, for each run, and the
    reference: WeasyPrint alone in this process, one render just before each app render so
    both see the same machine noise."""
    html = LETTER.read_text()
    with httpx.Client(base_url=stack.base, timeout=30.0) as client:
        token = CSRF.search(client.get("/").text).group(1)  # type: ignore[union-attr]
        times, reference = [], []
        for run in range(runs + 1):  # the first round is a warm-up
            # A new case each time: the app reuses the PDF of a version it has rendered.
            case = new_case_with_letter(client, token, html)
            alone = weasyprint_once(html)
            began = time.perf_counter()
            status_url = client.post(f"{case}/renders", data={"csrf_token": token})
            location = status_url.headers["location"]
            while True:
                page = client.get(location).text
                if "PDF jest gotowy" in page:
                    break
                if "render-failed" in page:
                    raise RuntimeError("render failed")
                time.sleep(POLL_SECONDS)
            if run:
                times.append(time.perf_counter() - began)
                reference.append(alone)
        pdf = client.get(f"{location}/pdf")
        if not pdf.content.startswith(b"%PDF-"):
            raise RuntimeError("no PDF came back")
    return times, reference


def done_renders(engine: Engine) -> int:
    """How many renders are done."""
    from sqlalchemy import text

    with engine.connect() as connection:
        done = connection.execute(text("SELECT COUNT(*) FROM renders WHERE status = 'done'"))
        return int(done.scalar() or 0)


def weasyprint_back_to_back(count: int) -> float:
    """PDFs per second rendering the letter ``count`` times in a row in this process."""
    html = LETTER.read_text()
    weasyprint_once(html)  # warm-up
    started = time.perf_counter()
    for _ in range(count):
        weasyprint_once(html)
    return count / (time.perf_counter() - started)


def burst_throughput(stack: Stack, count: int) -> float:
    """PDFs per second for ``count`` renders posted at once (new cases made beforehand)."""
    from sqlalchemy import create_engine

    html = LETTER.read_text()
    database = create_engine(stack.env["DATABASE_URL"])
    with httpx.Client(base_url=stack.base, timeout=60.0) as client:
        token = CSRF.search(client.get("/").text).group(1)  # type: ignore[union-attr]
        warm = new_case_with_letter(client, token, html)
        client.post(f"{warm}/renders", data={"csrf_token": token})
        while done_renders(database) < 1:
            time.sleep(POLL_SECONDS)
        cases = [new_case_with_letter(client, token, html) for _ in range(count)]
        # Queue all of them while the worker is paused, then time the worker alone.
        stack.pause_worker(signal.SIGSTOP)
        try:
            for case in cases:
                client.post(f"{case}/renders", data={"csrf_token": token})
        finally:
            stack.pause_worker(signal.SIGCONT)
        began = time.perf_counter()
        while done_renders(database) < count + 1:
            time.sleep(POLL_SECONDS)
        elapsed = time.perf_counter() - began
    database.dispose()
    return count / elapsed


def fresh_mariadb(url: str) -> str:
    """Drop and create the benchmark's own MariaDB database; returns its URL."""
    from sqlalchemy import create_engine, make_url, text

    name = make_url(url).database
    if not name or not name.replace("_", "").isalnum():
        raise RuntimeError(f"unexpected benchmark database name {name!r}")
    server = create_engine(make_url(url).set(database=""))
    with server.begin() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        connection.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
    server.dispose()
    return url


def throughput_figures(burst: int) -> None:
    """One and two warm work horses against WeasyPrint back to back, in one run: the
    reference is measured just before and just after each stack, so it shares its noise.

    On MariaDB (BENCH_MARIADB_URL), as in production: SQLite serializes the horses' writes
    behind its file lock, which is not what a second horse is for."""
    url = os.environ.get("BENCH_MARIADB_URL", DEFAULT_MARIADB)
    rates, references = {}, {}
    for horses in (1, 2):
        before = weasyprint_back_to_back(burst)
        with tempfile.TemporaryDirectory(prefix="mikroporada-bench-") as tmp:
            stack = Stack("queued", Path(tmp), horses=horses, database=fresh_mariadb(url))
            stack.start()
            try:
                rates[horses] = burst_throughput(stack, burst)
            finally:
                stack.stop()
        references[horses] = (before + weasyprint_back_to_back(burst)) / 2
    print(f"throughput, {burst} renders queued at once (PDFs per second):")
    for horses, rate in rates.items():
        alone = references[horses]
        print(
            f"  {horses} work horse(s): {rate:.2f}; WeasyPrint back to back in the bench "
            f"process around it: {alone:.2f}; ratio {rate / alone:.2f}"
        )
    print(f"  2 horses / 1 horse: {rates[2] / rates[1]:.2f}x")


def main() -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--modes", default="queued,embedded")
    parser.add_argument("--burst", type=int, default=20, help="renders queued at once (0: skip)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))

    print(f"reference: {LETTER.relative_to(ROOT)}, {args.runs} runs per figure")
    for mode in args.modes.split(","):
        with tempfile.TemporaryDirectory(prefix="mikroporada-bench-") as tmp:
            stack = Stack(mode, Path(tmp))
            stack.start()
            try:
                times, reference = time_renders(stack, args.runs)
                memory = {name: rss_kib(pid) for name, pid in stack.pids().items()}
            finally:
                stack.stop()
            in_job, queued_to_done, pages = recorded_renders(stack.env["DATABASE_URL"])
        median, weasy = statistics.median(times), statistics.median(reference)
        print(f"{mode}: WeasyPrint alone in the bench process: median {weasy * 1000:.0f} ms")
        print(
            f"{mode}: 'Utwórz PDF' -> ready: median {median * 1000:.0f} ms "
            f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}); "
            f"ratio to WeasyPrint alone {median / weasy:.2f}"
        )
        print(f"  render inside the job (render_ms): median {in_job:.0f} ms; PDF has {pages} pages")
        overhead = queued_to_done - in_job
        print(
            f"  row queued -> PDF recorded: median {queued_to_done:.0f} ms; the queue and job "
            f"around the render: {overhead:.0f} ms = {overhead / in_job:.0%} of the render"
        )
        for name, (rss, peak) in memory.items():
            print(f"  {name} process RSS {rss / 1024:.0f} MiB (peak {peak / 1024:.0f} MiB)")
    if args.burst and "queued" in args.modes:
        throughput_figures(args.burst)
    return 0


if __name__ == "__main__":
    sys.exit(main())
