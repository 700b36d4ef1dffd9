"""The PDF worker: builds the app once, preloads WeasyPrint, then runs an RQ worker.

Each job runs in a forked work horse with a hard memory limit (PDF_MEMORY_LIMIT_MB) and the
job's timeout (PDF_JOB_TIMEOUT), so hostile documents cannot take the worker down.
"""

from __future__ import annotations

import logging
import resource
import sys

from redis import Redis
from rq import Queue, Worker

from app import create_app
from app.extensions import db
from app.services import pdf


class PdfWorker(Worker):
    """An RQ worker whose work horses run with a memory limit and fresh DB connections."""

    memory_limit_mb: int = 1024

    def main_work_horse(self, job, queue):  # type: ignore[no-untyped-def]
        """Runs in the forked child: limit its memory, drop inherited DB connections."""
        limit = self.memory_limit_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        db.engine.dispose(close=False)
        return super().main_work_horse(job, queue)


def main() -> int:
    """Run the worker until it is told to stop (or until the queue is empty with --burst)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = create_app()
    if not app.config["REDIS_URL"]:
        print("REDIS_URL is not set: PDF jobs run inside the web process.", file=sys.stderr)
        return 2
    connection = Redis.from_url(app.config["REDIS_URL"])
    with app.app_context():
        pdf.warm_up()
        PdfWorker.memory_limit_mb = app.config["PDF_MEMORY_LIMIT_MB"]
        worker = PdfWorker([Queue(app.config["RQ_QUEUE"], connection=connection)])
        worker.work(with_scheduler=True, burst="--burst" in sys.argv[1:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
