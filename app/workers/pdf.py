"""The PDF worker: warm work horses under a supervisor.

``python worker.py`` runs this supervisor. It builds the app and warms WeasyPrint once, then
forks ``processes`` long-lived work horses. Each horse is an RQ ``SimpleWorker`` that renders
job after job in its own process, so no job pays for a fork and a new database connection
(the forking worker cost about 110 ms a job beside a ~100 ms render). The hard limits stay:

- memory: the horse runs under RLIMIT_AS (PDF_MEMORY_LIMIT_MB); a job that reaches it fails
  with MemoryError and the horse then exits, to be replaced by a fresh one;
- time: RQ's job timeout (SIGALRM in the horse) fails a job that runs too long; a horse stuck
  in native code past the timeout plus KILL_GRACE_S is killed by the supervisor;
- crashes: a horse that dies mid-job (SIGKILL, OOM killer, segfault) is replaced, and its job
  goes through RQ's failure handling, so the retry policy holds; after the last attempt the
  render is failed with what happened (killed, timed out);
- freshness: a horse retires after PDF_WORKER_MAX_JOBS jobs.

The supervisor also reconciles the render rows with the queue every RENDER_RECONCILE_S
(rows whose job vanished are re-enqueued, those past their deadline failed) and deletes cases
untouched for RETENTION_DAYS once an hour. No RQ scheduler runs: retries are requeued at once.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
import resource
import signal
import socket
import time
import uuid
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from multiprocessing.sharedctypes import Synchronized, SynchronizedString
from pathlib import Path
from types import FrameType

from flask import Flask
from redis.exceptions import RedisError
from rq import Queue, SimpleWorker
from rq.exceptions import NoSuchJobError
from rq.executions import Execution
from rq.job import Job, JobStatus
from rq.registry import StartedJobRegistry
from rq.worker import WorkerStatus
from sqlalchemy.exc import SQLAlchemyError

from app import clients, crypto, tasks
from app.commands import purge_old_cases_of
from app.extensions import db
from app.services import pdf, renders

log = logging.getLogger("mikroporada.pdf_worker")

# How often the supervisor purges old cases (s); it reconciles every RENDER_RECONCILE_S.
PURGE_INTERVAL_S = 3600
# One slice of a purge; the supervisor's key lives PDF_SUPERVISOR_TTL_S (30 s) without a beat.
PURGE_SLICE_S = 5
# A horse still on one job this long after the job's timeout is killed (native code that
# never returns to Python, where RQ's alarm cannot reach).
KILL_GRACE_S = 15
# A horse that dies this soon after starting, without a job, counts as a crash; repeated
# crashes back off up to MAX_BACKOFF_S before the next start.
CRASH_WINDOW_S = 5
# Every supervisor keeps a key alive in Redis while it runs (refreshed every loop, about once
# a second, living PDF_SUPERVISOR_TTL_S): a started job whose horse belongs to a supervisor
# without one was lost with its whole worker (a container killed, a machine gone) and is
# handed back at once, instead of after RQ's own heartbeat expiry (three minutes here) and
# registry cleanup (ten).
SUPERVISOR_KEY = "mikroporada:pdf-supervisor:{}"
# Claimed (SET NX) by the one supervisor that hands back a lost job's execution.
HAND_BACK_KEY = "mikroporada:pdf-hand-back:{}:{}"
# Long enough for one hand-back; short, so a claim whose hand-back failed soon lapses.
HAND_BACK_CLAIM_S = 120
# The run id in a horse's name: "r" and six hex digits (a pid never starts with a letter).
RUN_ID = re.compile(r"r[0-9a-f]{6}")
MAX_BACKOFF_S = 30
FORK = multiprocessing.get_context("fork")
# What the supervisor's own work (reconciliation, retention, failing a dead horse's job) may
# meet and outlive: the database, Redis or the disk down, or a value no key opens.
UPKEEP_ERRORS = (
    SQLAlchemyError,
    RedisError,
    OSError,
    crypto.DecryptionError,
    crypto.KeyringError,
)


class PdfWorker(SimpleWorker):
    """A warm RQ worker: jobs run in this process, one after another.

    It tells its supervisor which job it is on (``current``: "job_id execution_id") and
    since when (``since``), so that a job whose horse dies can be failed or retried.
    """

    current: SynchronizedString | None = None
    since: Synchronized | None = None

    def execute_job(self, job: Job, queue: Queue) -> None:
        """Run the job here (as SimpleWorker does), announcing it to the supervisor, in a
        database session of its own (a long-lived session would keep reading the snapshot
        of its first transaction)."""
        self.prepare_execution(job)
        self._announce(f"{job.id} {self.execution.id if self.execution else ''}", time.time())
        db.session.remove()
        try:
            self.perform_job(job, queue)
        finally:
            db.session.remove()
            self._announce("", 0.0)
        self.set_state(WorkerStatus.IDLE)

    def handle_exception(self, job: Job, *exc_info) -> None:  # type: ignore[no-untyped-def]
        """After a job ran out of memory, finish it and retire this horse."""
        if exc_info and isinstance(exc_info[1], MemoryError):
            self._stop_requested = True
        super().handle_exception(job, *exc_info)

    def _announce(self, value: str, since: float) -> None:
        if self.current is not None and self.since is not None:
            self.current.value = value.encode("ascii")[:190]
            self.since.value = since


@dataclass
class Horse:
    """One work horse slot: the process in it and what it is doing."""

    index: int
    current: SynchronizedString = field(default_factory=lambda: FORK.Array("c", 200))
    since: Synchronized = field(default_factory=lambda: FORK.Value("d", 0.0))
    process: multiprocessing.process.BaseProcess | None = None
    name: str = ""
    started: float = 0.0
    kill_reason: str | None = None
    crashes: int = 0
    not_before: float = 0.0
    finished: bool = False

    def job(self) -> tuple[str, str] | None:
        """The job id and execution id the horse is on, if any."""
        value = self.current.value.decode("ascii")
        if not value:
            return None
        job_id, _, execution_id = value.partition(" ")
        return job_id, execution_id


@dataclass
class Supervisor:
    """Keeps ``processes`` warm horses running and the render rows honest."""

    app: Flask
    processes: int = 1
    burst: bool = False
    horses: list[Horse] = field(default_factory=list)
    stopping: bool = False
    last_reconcile: float = 0.0
    last_purge: float | None = None
    # Where a purge that ran out of its slice goes on (a case id; 0: a new round).
    purge_cursor: int = 0

    def __post_init__(self) -> None:
        self.horses = [Horse(index) for index in range(self.processes)]
        self.queue = tasks.queue_for(self.app)
        self.timeout = int(self.app.config["PDF_JOB_TIMEOUT"])
        self.generation = 0
        # A container restarted after a crash has the same hostname and the same small pids,
        # while the dead horses' names stay registered in Redis for minutes: a word of its
        # own per start keeps the new names apart from theirs.
        self.run_id = "r" + uuid.uuid4().hex[:6]
        self.last_beat = 0.0

    # Horses ------------------------------------------------------------------------------

    def start(self, horse: Horse) -> None:
        """Fork a fresh horse into the slot."""
        self.generation += 1
        horse.name = (
            f"pdf-{socket.gethostname()}-{os.getpid()}-{self.run_id}"
            f"-{horse.index}-{self.generation}"
        )
        horse.current.value = b""
        horse.since.value = 0.0
        horse.kill_reason = None
        horse.started = time.monotonic()
        horse.process = FORK.Process(
            target=_horse_main,
            args=(self.app, horse.name, horse.current, horse.since, self.burst),
            name=horse.name,
            daemon=False,
        )
        horse.process.start()

    def check(self, horse: Horse) -> None:
        """Replace a horse that ended, kill one stuck past its job's time limit."""
        process = horse.process
        if process is None:
            return
        if process.is_alive():
            since = horse.since.value
            if since and time.time() - since > self.timeout + KILL_GRACE_S:
                log.warning("horse %s: stuck past the time limit, killing it", horse.name)
                horse.kill_reason = renders.TIMED_OUT
                process.kill()
            return
        process.join()
        ran = time.monotonic() - horse.started
        orphan = horse.job()
        if orphan is not None:
            reason = horse.kill_reason or renders.KILLED
            log.warning(
                "horse %s died on job %s (exit %s)", horse.name, orphan[0], process.exitcode
            )
            try:
                self.fail_orphan(horse.name, *orphan, reason=reason)
            except UPKEEP_ERRORS:
                # Redis or the database is down: RQ's cleanup of its started jobs and the
                # reconciliation settle the render later.
                log.exception("could not fail the job of horse %s", horse.name)
        horse.process = None
        if self.stopping or (self.burst and process.exitcode == 0):
            horse.finished = True
            return
        crashed = orphan is None and process.exitcode != 0 and ran < CRASH_WINDOW_S
        horse.crashes = horse.crashes + 1 if crashed else 0
        horse.not_before = time.monotonic() + min(MAX_BACKOFF_S, 2**horse.crashes - 1)

    def fail_orphan(self, worker_name: str, job_id: str, execution_id: str, reason: str) -> None:
        """The job of a horse that died: through RQ's failure handling (a retry if any is
        left, else failed), and a render out of attempts is failed with the reason."""
        connection = self.queue.connection
        try:
            job = Job.fetch(job_id, connection=connection)
        except NoSuchJobError:
            return  # gone from Redis too: reconciliation re-enqueues its render
        if job.get_status() != JobStatus.STARTED:
            return  # RQ had already recorded its end (the horse died just after)
        worker = PdfWorker([self.queue], connection=connection, name=worker_name)
        if execution_id:
            try:
                worker.execution = Execution.fetch(execution_id, job.id, connection=connection)
            except ValueError:
                return  # the attempt was already closed by RQ
        retry = job.should_retry
        worker.handle_job_failure(job, self.queue, exc_string=f"work horse died: {reason}")
        worker.register_death()
        if not retry and job.args:
            with self.app.app_context():
                try:
                    renders.fail_by_id(int(job.args[0]), reason)
                finally:
                    db.session.remove()

    # Upkeep ------------------------------------------------------------------------------

    def upkeep(self) -> None:
        """Reconcile render rows with the queue, and purge old cases, when they are due."""
        now = time.monotonic()
        if now - self.last_reconcile >= self.app.config["RENDER_RECONCILE_S"]:
            self.last_reconcile = now
            self.reconcile()
        # A round left unfinished (a cursor) goes on at the next turn of the loop.
        due = self.last_purge is None or now - self.last_purge >= PURGE_INTERVAL_S
        if due or self.purge_cursor:
            if not self.purge_cursor:
                self.last_purge = now  # a new round starts
            self.purge()

    def reconcile(self) -> None:
        """Hand back jobs of workers that died, re-enqueue renders whose job vanished, fail
        those past their deadline; a failure is logged and tried again at the next interval.

        A whole worker that dies mid-job (its container killed, its machine lost) leaves the
        job "started" in Redis, and no supervisor sees a horse of its own die: the job is
        handed back once the dead supervisor's key expires (PDF_SUPERVISOR_TTL_S). RQ's own
        cleanup of expired jobs runs here too (RQ does it only every ten minutes).
        """
        with self.app.app_context():
            try:
                self.hand_back_lost_jobs()
                StartedJobRegistry(queue=self.queue).cleanup()
                done = tasks.reconcile_renders(self.app)
                if done.requeued or done.failed:
                    log.info("reconcile: %s requeued, %s failed", done.requeued, done.failed)
            except UPKEEP_ERRORS:
                log.exception("render reconciliation failed")
            finally:
                db.session.remove()

    def beat(self) -> None:
        """Tell the other supervisors this one (and so its horses) is alive, and the
        container's liveness probe that this loop turns (PDF_ALIVE_FILE's time)."""
        now = time.monotonic()
        if now - self.last_beat < 1.0:
            return
        self.last_beat = now
        try:
            Path(self.app.config["PDF_ALIVE_FILE"]).touch()
        except OSError:
            log.warning("could not touch the liveness file", exc_info=True)
        try:
            ttl = self.app.config["PDF_SUPERVISOR_TTL_S"]
            self.queue.connection.set(SUPERVISOR_KEY.format(self.run_id), 1, ex=ttl)
        except RedisError:
            log.warning("could not refresh the supervisor's key", exc_info=True)

    def hand_back_lost_jobs(self) -> None:
        """Fail, through RQ (so the retry policy holds), the started jobs of horses whose
        supervisor is gone; this supervisor's own horses are watched by check()."""
        connection = self.queue.connection
        registry = StartedJobRegistry(queue=self.queue)
        for member in connection.zrange(registry.key, 0, -1):
            job_id, _, execution_id = member.decode().partition(":")
            try:
                job = Job.fetch(job_id, connection=connection)
            except NoSuchJobError:
                continue
            name = job.worker_name or ""
            parts = name.rsplit("-", 3)
            if not name.startswith("pdf-") or len(parts) != 4:
                continue
            run_id = parts[1]
            if not RUN_ID.fullmatch(run_id) or run_id == self.run_id:
                continue
            if connection.exists(SUPERVISOR_KEY.format(run_id)):
                continue
            # Every supervisor looks: the first to claim this execution hands it back.
            claim = HAND_BACK_KEY.format(job_id, execution_id)
            if not connection.set(claim, self.run_id, nx=True, ex=HAND_BACK_CLAIM_S):
                continue
            log.warning("job %s: its worker %s is gone, handing it back", job_id, name)
            try:
                self.fail_orphan(name, job_id, execution_id, reason=renders.KILLED)
            except UPKEEP_ERRORS:
                connection.delete(claim)  # the next reconciliation tries again
                raise

    def purge(self) -> None:
        """Delete cases untouched for RETENTION_DAYS and PDFs older than PDF_RETENTION_DAYS;
        a failure is logged and tried again an hour later, never allowed to stop the worker.

        A backlog is deleted PURGE_SLICE_S at a time (``purge_cursor`` says where the next
        slice goes on), so the loop keeps the supervisor's key alive and watches its horses
        in between.
        """
        deleted = None
        with self.app.app_context():
            try:
                expired = 0
                if not self.purge_cursor:  # a new round, not the rest of one
                    expired = renders.expire_files(
                        self.app.config["STORAGE_DIR"], self.app.config["PDF_RETENTION_DAYS"]
                    )
                deleted = purge_old_cases_of(
                    self.app, until=time.monotonic() + PURGE_SLICE_S, after=self.purge_cursor
                )
                if deleted.cases or expired:
                    log.info(
                        "retention: %s cases, %s files; %s old PDFs",
                        deleted.cases,
                        deleted.files,
                        expired,
                    )
            except UPKEEP_ERRORS:
                log.exception("retention purge failed")
            finally:
                db.session.remove()
        self.purge_cursor = deleted.cursor if deleted is not None and deleted.more else 0

    # The loop ----------------------------------------------------------------------------

    def stop(self, signum: int, frame: FrameType | None) -> None:
        """Warm shutdown: every horse finishes its job, then exits."""
        self.stopping = True
        for horse in self.horses:
            if horse.process is not None:
                horse.process.terminate()  # SIGTERM; nothing if it has already been reaped

    def run(self) -> None:
        """Supervise until stopped (or, in burst mode, until every horse is done)."""
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        with self.app.app_context():
            db.engine.dispose()  # no connection of ours is inherited by the horses
        while not all(horse.finished for horse in self.horses):
            for horse in self.horses:
                self.check(horse)
                due = horse.process is None and not horse.finished and not self.stopping
                if due and time.monotonic() >= horse.not_before:
                    self.start(horse)
                    if self.stopping and horse.process is not None:
                        horse.process.terminate()  # the stop came while it was starting
            self.beat()  # while stopping too: the horses finish their jobs meanwhile
            if not self.stopping:
                self.upkeep()
            if self.stopping and all(h.process is None for h in self.horses):
                break
            sentinels = [h.process.sentinel for h in self.horses if h.process is not None]
            if sentinels:
                wait(sentinels, timeout=1.0)
            else:
                time.sleep(0.5)


def _horse_main(
    app: Flask, name: str, current: SynchronizedString, since: Synchronized, burst: bool
) -> None:
    """A work horse: limit its memory, drop inherited connections, render until told."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the supervisor, which stops us
    limit = app.config["PDF_MEMORY_LIMIT_MB"] * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    connection = clients.redis_client(app)
    connection.connection_pool.reset()
    with app.app_context():
        db.engine.dispose(close=False)
        queue = Queue(app.config["RQ_QUEUE"], connection=connection)
        worker = PdfWorker([queue], connection=connection, name=name)
        worker.current, worker.since = current, since
        worker.work(
            burst=burst,
            max_jobs=app.config["PDF_WORKER_MAX_JOBS"],
            with_scheduler=False,
            logging_level="WARNING",
        )


def run(app: Flask, processes: int, burst: bool) -> None:
    """Render PDFs with ``processes`` warm horses until told to stop."""
    with app.app_context():
        pdf.warm_up()
    Supervisor(app, processes=processes, burst=burst).run()
