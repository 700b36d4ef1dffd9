"""The workers: PDF renders (the default) or model calls (``python worker.py llm``).

``python worker.py`` builds the app once, preloads WeasyPrint and runs an RQ worker whose
work horses each render one PDF under a hard memory limit (PDF_MEMORY_LIMIT_MB) and the
job's timeout (PDF_JOB_TIMEOUT), so hostile documents cannot take the worker down.

``python worker.py llm [--threads N]`` consumes the model queue with N RQ workers in threads
of one process: a generation is network I/O (streaming from Ollama, publishing to Redis), so
threads share one Ollama client and one database and Redis pool instead of forking per job.
N should match how many requests Ollama serves at once (OLLAMA_NUM_PARALLEL). The two queues
have separate workers, so a long PDF never waits behind a chat and the other way round.

The PDF worker also deletes cases untouched for RETENTION_DAYS, once an hour, from RQ's own
maintenance step in its main loop: no RQ scheduler process (which does not survive every
Redis restart) and no extra thread beside the forking work horses.
"""

from __future__ import annotations

import logging
import os
import resource
import signal
import socket
import sys
import threading
import time
from types import FrameType

from flask import Flask, current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, SimpleWorker, Worker
from rq.exceptions import StopRequested
from rq.timeouts import TimerDeathPenalty
from sqlalchemy.exc import SQLAlchemyError

from app import clients, create_app
from app.commands import purge_old_cases_of
from app.extensions import db
from app.services import pdf

LLM_WORKER_TTL = 20
# An idle model worker looks for a stop request this often (seconds).
STOP_POLL_S = 2
# How often the PDF worker deletes cases untouched for RETENTION_DAYS (seconds).
PURGE_INTERVAL_S = 3600


class PdfWorker(Worker):
    """An RQ worker whose work horses run with a memory limit and fresh DB connections."""

    memory_limit_mb: int = 1024
    _last_purge: float | None = None

    def main_work_horse(self, job, queue):  # type: ignore[no-untyped-def]
        """Runs in the forked child: limit its memory, drop inherited DB connections."""
        limit = self.memory_limit_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        db.engine.dispose(close=False)
        return super().main_work_horse(job, queue)

    def run_maintenance_tasks(self) -> None:
        """RQ's own upkeep (at start, then every 10 minutes between jobs), then the purge."""
        super().run_maintenance_tasks()
        self.purge_old_cases()

    def purge_old_cases(self) -> None:
        """Delete cases untouched for RETENTION_DAYS, at most once per PURGE_INTERVAL_S.

        Runs in the worker's main process inside the app context; a failure is logged and
        tried again at the next interval, never allowed to stop the worker.
        """
        now = time.monotonic()
        if self._last_purge is not None and now - self._last_purge < PURGE_INTERVAL_S:
            return
        self._last_purge = now
        try:
            deleted = purge_old_cases_of(current_app._get_current_object())  # type: ignore[attr-defined]
            if deleted.cases:
                self.log.info("retention: deleted %s cases, %s files", deleted.cases, deleted.files)
        except (SQLAlchemyError, RedisError, OSError):
            # The database, Redis or the disk failed: try again at the next interval.
            self.log.exception("retention purge failed")
        finally:
            db.session.remove()


class ThreadWorker(SimpleWorker):
    """An RQ worker that runs jobs in its own thread; the main thread handles signals."""

    death_penalty_class = TimerDeathPenalty

    def _install_signal_handlers(self) -> None:
        """Signals can only be handled by the main thread, which stops every worker."""

    def dequeue_job_and_maintain_ttl(self, timeout, max_idle_time=None):  # type: ignore[no-untyped-def]
        """Wait for a job in short slices, so a stop request is seen within seconds.

        RQ looks at the stop flag only between jobs; an idle worker would otherwise sit in
        one long blocking wait and ignore SIGTERM.
        """
        if timeout is None:  # burst mode: one look, no waiting
            return super().dequeue_job_and_maintain_ttl(timeout, max_idle_time)
        while not self._stop_requested:
            found = super().dequeue_job_and_maintain_ttl(timeout, max_idle_time=STOP_POLL_S)
            if found is not None:
                return found
        raise StopRequested


def run_pdf_worker(app: Flask, burst: bool) -> None:
    """Render PDFs until told to stop."""
    with app.app_context():
        pdf.warm_up()
        PdfWorker.memory_limit_mb = app.config["PDF_MEMORY_LIMIT_MB"]
        queue = Queue(app.config["RQ_QUEUE"], connection=clients.redis_client(app))
        # No scheduler: nothing is scheduled (retries are requeued at once).
        PdfWorker([queue]).work(with_scheduler=False, burst=burst)


def run_llm_workers(app: Flask, threads: int, burst: bool) -> None:
    """Generate replies with ``threads`` workers until told to stop (warm: jobs finish)."""
    connection: Redis = clients.redis_client(app)
    queue = Queue(app.config["RQ_LLM_QUEUE"], connection=connection)
    prefix = f"llm-{socket.gethostname()}-{os.getpid()}"
    workers = [
        ThreadWorker(
            [queue], connection=connection, name=f"{prefix}-{i}", worker_ttl=LLM_WORKER_TTL
        )
        for i in range(threads)
    ]

    def serve(worker: ThreadWorker) -> None:
        with app.app_context():
            worker.work(burst=burst, logging_level="WARNING")

    def stop(signum: int, frame: FrameType | None) -> None:
        for worker in workers:
            worker._stop_requested = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    running = [threading.Thread(target=serve, args=(w,), name=w.name) for w in workers]
    for thread in running:
        thread.start()
    for thread in running:
        while thread.is_alive():
            thread.join(timeout=1)


def _threads(argv: list[str]) -> int:
    if "--threads" in argv:
        return max(1, int(argv[argv.index("--threads") + 1]))
    return 4


def main(argv: list[str]) -> int:
    """Run the PDF worker, or the model workers with ``llm``."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = create_app()
    if not app.config["REDIS_URL"]:
        print("REDIS_URL is not set: jobs run inside the web process.", file=sys.stderr)
        return 2
    burst = "--burst" in argv
    if argv and argv[0] == "llm":
        run_llm_workers(app, _threads(argv), burst)
    else:
        run_pdf_worker(app, burst)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
