"""The workers: PDF renders (the default) or model calls (``python worker.py llm``).

``python worker.py [--processes N]`` runs the PDF worker (app/workers/pdf.py): a supervisor
that keeps N warm work horses (PDF_WORKERS, default 1) rendering job after job, each under
a hard memory limit (PDF_MEMORY_LIMIT_MB) and the job's timeout (PDF_JOB_TIMEOUT), replaces
any that dies, fails or retries its job through RQ, reconciles render rows with the queue,
and deletes cases untouched for RETENTION_DAYS once an hour. No RQ scheduler process runs
(one was seen left dead after a Redis restart): retries are requeued at once.

``python worker.py llm [--threads N]`` consumes the model queue with N RQ workers in threads
of one process: a generation is network I/O (streaming from Ollama, publishing to Redis), so
threads share one Ollama client and one database and Redis pool instead of forking per job.
N should match how many requests Ollama serves at once (OLLAMA_NUM_PARALLEL). The two queues
have separate workers, so a long PDF never waits behind a chat and the other way round.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import threading
import uuid
from types import FrameType

from flask import Flask
from redis import Redis
from rq import Queue, SimpleWorker
from rq.exceptions import StopRequested
from rq.timeouts import TimerDeathPenalty

from app import clients, create_app
from app.observability import metrics
from app.workers import pdf as pdf_worker

LLM_WORKER_TTL = 20
# An idle model worker looks for a stop request this often (seconds).
STOP_POLL_S = 2
# How often the PDF worker deletes cases untouched for RETENTION_DAYS (seconds).
PURGE_INTERVAL_S = 3600


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


def run_llm_workers(app: Flask, threads: int, burst: bool) -> None:
    """Generate replies with ``threads`` workers until told to stop (warm: jobs finish)."""
    connection: Redis = clients.redis_client(app)
    queue = Queue(app.config["RQ_LLM_QUEUE"], connection=connection)
    # The random part keeps a restarted container's names (same hostname, same pid) apart
    # from those its dead predecessor left registered in Redis.
    prefix = f"llm-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
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


def _processes(argv: list[str], default: int) -> int:
    if "--processes" in argv:
        return max(1, int(argv[argv.index("--processes") + 1]))
    return max(1, int(default))


def main(argv: list[str]) -> int:
    """Run the PDF worker, or the model workers with ``llm``."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = create_app()
    if not app.config["REDIS_URL"]:
        print("REDIS_URL is not set: jobs run inside the web process.", file=sys.stderr)
        return 2
    burst = "--burst" in argv
    # Before the PDF worker forks its horses: they record into the same multiprocess dir.
    metrics.serve_worker(app.config["METRICS_PORT"], app.config["METRICS_ADDR"])
    if argv and argv[0] == "llm":
        run_llm_workers(app, _threads(argv), burst)
    else:
        pdf_worker.run(app, _processes(argv, app.config["PDF_WORKERS"]), burst)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
