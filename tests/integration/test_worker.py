"""The production job path: a real RQ queue in Redis consumed by a real worker.py process."""

from __future__ import annotations

import pytest
from flask import Flask
from redis import Redis
from rq import Queue, Retry
from rq.registry import FinishedJobRegistry

from tests.helpers import Browser, text_of, wait_for


@pytest.fixture
def queue(app: Flask) -> Queue:
    """The test run's PDF queue (MariaDB + Redis backend only)."""
    if not app.config["REDIS_URL"]:
        pytest.skip("the embedded backend runs PDF jobs in a thread, not on a queue")
    return Queue(app.config["RQ_QUEUE"], connection=Redis.from_url(app.config["REDIS_URL"]))


def test_job_is_enqueued_and_run_by_the_worker_process(
    app: Flask, browser: Browser, queue: Queue, jobs: None
) -> None:
    registry = FinishedJobRegistry(queue=queue)
    before = set(registry.get_job_ids())
    url = browser.start()
    browser.post(f"{url}/document", {"html": "<p>Zażółć gęślą jaźń</p>", "base_version": "0"})
    status_url = browser.post(f"{url}/renders").headers["Location"]
    wait_for(lambda: "PDF jest gotowy" in text_of(browser.get(status_url)))
    new = wait_for(lambda: set(registry.get_job_ids()) - before)
    [job_id] = new
    job = queue.fetch_job(job_id)
    assert job is not None
    assert job.func_name == "app.tasks.render.render_pdf"
    assert job.timeout == app.config["PDF_JOB_TIMEOUT"]
    assert job.retries_left == 1 and job.get_retry_interval() == 0  # requeued, not scheduled
    assert job.worker_name  # executed by the worker.py process, not in this one


def test_work_horses_have_a_hard_memory_limit(app: Flask, queue: Queue, jobs: None) -> None:
    job = queue.enqueue("tests.jobs.address_space_limit", job_timeout=30)
    wait_for(lambda: job.get_status(refresh=True) in ("finished", "failed"))
    limit = app.config["PDF_MEMORY_LIMIT_MB"] * 1024 * 1024
    assert job.return_value() == (limit, limit)


def test_a_timed_out_job_is_retried_without_a_scheduler(queue: Queue, jobs: None) -> None:
    """Like a render (Retry(max=1), no interval): the worker.py process runs no scheduler, yet
    the retry runs, and after it the job is failed for good."""
    job = queue.enqueue("tests.jobs.sleep", 30, job_timeout=1, retry=Retry(max=1))

    def failed_for_good() -> bool:
        job.refresh()
        # The retry was used (requeued, not scheduled) and the second attempt ran and failed.
        return job.get_status() == "failed" and job.retries_left == 0

    wait_for(failed_for_good, 30)
    result = job.latest_result()
    assert result is not None and "JobTimeoutException" in (result.exc_string or "")


def test_work_horses_have_a_hard_time_limit(queue: Queue, jobs: None) -> None:
    """RQ's job timeout stops a job in a worker.py work horse (PDF jobs are enqueued with
    PDF_JOB_TIMEOUT, checked above); a hang inside C code is caught by the render deadline."""
    job = queue.enqueue("tests.jobs.sleep", 30, job_timeout=1)
    wait_for(lambda: job.get_status(refresh=True) == "failed", timeout=20)
    result = job.latest_result()
    assert result is not None and "JobTimeoutException" in (result.exc_string or "")
