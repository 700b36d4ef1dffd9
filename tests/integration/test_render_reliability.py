"""Renders that never get lost: a real worker.py whose work horses are killed, a Redis that
is emptied under a queue, jobs that run out of time, and the budget of renders in flight.

Each test here runs its own worker.py on a queue of its own (MariaDB + Redis backend), so
killing its horses or emptying its queue touches nothing else.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from redis import Redis
from rq import Queue, Worker
from rq.job import Job, JobStatus

from app import create_app, messages
from app.extensions import db
from app.models import Render, RenderStatus
from app.services import renders
from app.tasks import ENQUEUE_GRACE_S, render_job_id
from tests.conftest import _test_config, _worker_env, _worker_process
from tests.fake_ollama import FakeOllama
from tests.helpers import ApiClient, wait_for

# A letter of 28 pages (about 0.9 s to render here) and one with a 290-row table (about 3 s).
PARAGRAPH = "Zgodnie z art. 505 § 1 k.p.c. wnoszę sprzeciw od nakazu zapłaty w całości. " * 6
LONG_LETTER = "<h1>Sprzeciw</h1>" + f"<p>{PARAGRAPH}</p>" * 180
ROW = "<tr>" + "<td>komórka tekstu</td>" * 8 + "</tr>"
SLOW_LETTER = "<h1>Zestawienie</h1><table>" + ROW * 290 + "</table>"


class Running:
    """A worker.py process that a test can stop and start again."""

    def __init__(self, make: Callable[[], Iterator[None]]) -> None:
        self.make = make
        self.process: Iterator[None] | None = None

    def start(self) -> None:
        self.process = self.make()
        next(self.process)

    def stop(self) -> None:
        if self.process is not None:
            next(self.process, None)
            self.process = None


@pytest.fixture
def own_worker(
    app: Flask,
    migrated: dict[str, Any],
    fake_ollama: FakeOllama,
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> Iterator[tuple[Flask, Queue, Running]]:
    """An app whose PDF jobs go to a queue of its own, and the worker.py process on it.

    Parametrize indirectly with extra worker settings (e.g. a short PDF_JOB_TIMEOUT).
    """
    if not app.config["REDIS_URL"]:
        pytest.skip("needs the queue and a real worker process (MariaDB + Redis backend)")
    settings: dict[str, str] = getattr(request, "param", {})
    name = f"test-own-{uuid.uuid4().hex[:8]}"
    config = {**_test_config(migrated, fake_ollama.url), "RQ_QUEUE": name}
    config.update({key: int(value) for key, value in settings.items()})
    own = create_app(config)
    env = {
        **_worker_env(migrated),
        "RQ_QUEUE": name,
        "STORAGE_DIR": migrated["STORAGE_DIR"],
        "PDF_JOB_TIMEOUT": "60",
        "RENDER_RECONCILE_S": "1",
        **settings,
    }
    worker = Running(lambda: _worker_process([], env, migrated, name, tmp_path_factory))
    worker.start()
    yield own, Queue(name, connection=Redis.from_url(own.config["REDIS_URL"])), worker
    worker.stop()
    with own.app_context():
        db.session.remove()
        db.engine.dispose()


def _render(api: ApiClient, html: str) -> str:
    """A new case whose letter is ``html``, and the public id of its render."""
    cid = api.start()["id"]
    saved = api.post(
        f"/api/v1/conversations/{cid}/document/versions", {"html": html, "base_version": 0}
    )
    assert saved.status_code == 201, saved.get_json()
    made = api.post(f"/api/v1/conversations/{cid}/renders", {})
    assert made.status_code == 202, made.get_json()
    return made.get_json()["id"]


def _row(app: Flask, public_id: str) -> Render:
    with app.app_context():
        render = db.session.scalar(db.select(Render).filter_by(public_id=public_id))
        db.session.expunge(render)
        db.session.remove()
        return render


def _horses(queue: Queue) -> list[int]:
    """The pids of the live work horses on the queue (each is an RQ worker)."""
    return [worker.pid for worker in Worker.all(queue=queue) if _alive(worker.pid)]


def _alive(pid: int | None) -> bool:
    status = Path(f"/proc/{pid}/stat")
    return bool(pid) and status.exists() and status.read_text().split()[2] != "Z"


def _signal_horses(queue: Queue, signum: int) -> None:
    pids = wait_for(lambda: _horses(queue))
    for pid in pids:
        os.kill(pid, signum)


def _kill_while_running(app: Flask, queue: Queue, public_id: str, after: Any = None) -> Any:
    """SIGKILL the horse while it renders this render (an attempt by another horse than
    ``after``); returns that horse's name, or None when the render finished first."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        row = _row(app, public_id)
        if row.finished:
            return None
        job = Job.fetch(render_job_id(row), connection=queue.connection)
        on_it = job.worker_name if job.get_status() == JobStatus.STARTED else None
        if row.status == RenderStatus.RUNNING and on_it and on_it != after:
            for worker in Worker.all(queue=queue):
                if worker.name == on_it:
                    os.kill(worker.pid, signal.SIGKILL)
                    return on_it
        time.sleep(0.02)
    raise AssertionError("the render never started")


def _finished(app: Flask, public_id: str, timeout: float = 40) -> Render:
    return wait_for(lambda: (row := _row(app, public_id)).finished and row, timeout=timeout)


def test_killed_work_horses_never_leave_a_render_stuck(
    own_worker: tuple[Flask, Queue, Running],
) -> None:
    """Ten renders, each horse SIGKILLed mid-render: once (the retry finishes it) or on both
    attempts (failed, saying the process stopped). None is left queued or running."""
    own, queue, worker = own_worker
    api = ApiClient(own)
    outcomes = []
    for i in range(10):
        public_id = _render(api, LONG_LETTER)
        kills = 1 if i % 2 == 0 else 2
        killed = [_kill_while_running(own, queue, public_id)]
        if kills == 2:
            killed.append(_kill_while_running(own, queue, public_id, after=killed[0]))
        row = _finished(own, public_id)
        outcomes.append((kills, killed, row.status, row.error))
        with own.app_context():
            assert not renders.unfinished()
    for kills, killed, status, error in outcomes:
        if None not in killed and kills == 2:
            assert status == RenderStatus.FAILED and error == renders.KILLED
        elif None not in killed:
            assert status == RenderStatus.DONE
    assert sum(None not in killed for _, killed, _, _ in outcomes) >= 8, outcomes
    assert wait_for(lambda: _horses(queue))  # the supervisor started a fresh horse


@pytest.mark.parametrize("own_worker", [{"PDF_SUPERVISOR_TTL_S": "6"}], indirect=True)
def test_a_worker_killed_whole_mid_render_hands_its_render_back(
    own_worker: tuple[Flask, Queue, Running],
) -> None:
    """The supervisor and its horse SIGKILLed together mid-render (a container killed, a
    machine lost): nobody sees the horse die, yet a fresh worker hands the job back once the
    dead supervisor's key expires, and the retry finishes the render."""
    own, queue, worker = own_worker
    api = ApiClient(own)
    public_id = _render(api, SLOW_LETTER)
    deadline = time.monotonic() + 30
    horse = None
    while horse is None and time.monotonic() < deadline:
        row = _row(own, public_id)
        job = Job.fetch(render_job_id(row), connection=queue.connection)
        if row.status == RenderStatus.RUNNING and job.get_status() == JobStatus.STARTED:
            horse = next(w for w in Worker.all(queue=queue) if w.name == job.worker_name)
        time.sleep(0.02)
    assert horse is not None, "the render never started"
    supervisor = int(Path(f"/proc/{horse.pid}/stat").read_text().split()[3])
    os.kill(supervisor, signal.SIGKILL)
    os.kill(horse.pid, signal.SIGKILL)
    killed = time.monotonic()
    worker.stop()
    worker.start()
    row = _finished(own, public_id, timeout=30)
    assert row.status == RenderStatus.DONE, (row.status, row.error)
    # Not before the dead supervisor's key expired (6 s, less the time it took to notice).
    assert time.monotonic() - killed >= 3


def test_a_failed_kill_says_so_on_the_page(own_worker: tuple[Flask, Queue, Running]) -> None:
    own, queue, worker = own_worker
    api = ApiClient(own)
    public_id = _render(api, LONG_LETTER)
    first = _kill_while_running(own, queue, public_id)
    assert first is not None
    assert _kill_while_running(own, queue, public_id, after=first) is not None
    row = _finished(own, public_id)
    with own.app_context():
        assert renders.error_code(row) == renders.KILLED
        assert renders.user_error(row) == messages.RENDER_KILLED


@pytest.mark.parametrize("own_worker", [{"PDF_JOB_TIMEOUT": "1"}], indirect=True)
def test_a_timed_out_render_is_retried_then_failed_with_the_timeout_message(
    own_worker: tuple[Flask, Queue, Running],
) -> None:
    own, _, _ = own_worker
    api = ApiClient(own)
    public_id = _render(api, SLOW_LETTER)
    row = _finished(own, public_id)
    assert row.status == RenderStatus.FAILED and row.error == renders.TIMED_OUT
    job = Job.fetch(render_job_id(row), connection=Redis.from_url(own.config["REDIS_URL"]))
    assert job.retries_left == 0  # two attempts ran
    cid = api.get("/api/v1/conversations").get_json()["items"][0]["id"]
    status = api.get(f"/api/v1/conversations/{cid}/renders/{public_id}").get_json()
    assert status["problem"] == {"code": "timed_out", "message": messages.RENDER_TIMED_OUT}


def test_renders_come_back_after_redis_is_emptied(
    own_worker: tuple[Flask, Queue, Running],
) -> None:
    """While the first of three renders runs, the queue and every job vanish (as after a
    Redis restart without persistence): the worker's reconciliation enqueues the rows again
    and all three are rendered."""
    own, queue, _ = own_worker
    api = ApiClient(own)
    redis = queue.connection
    made = [_render(api, LONG_LETTER) for _ in range(3)]
    wait_for(lambda: _row(own, made[0]).status == RenderStatus.RUNNING)
    redis.delete(queue.key, *(Job.key_for(f"render-{public_id}") for public_id in made))
    assert queue.count == 0
    for public_id in made:
        row = _finished(own, public_id, timeout=60)
        assert row.status == RenderStatus.DONE, row.error


def test_a_stuck_render_is_not_handed_back(own_worker: tuple[Flask, Queue, Running]) -> None:
    """A queued render whose job vanished is failed as lost when the person clicks again, and
    a new render is made at once (not the same stuck one for minutes)."""
    own, queue, worker = own_worker
    api = ApiClient(own)
    worker.stop()
    cid = api.start()["id"]
    api.post(
        f"/api/v1/conversations/{cid}/document/versions",
        {"html": "<h1>Pismo</h1><p>Treść.</p>", "base_version": 0},
    )
    first = api.post(f"/api/v1/conversations/{cid}/renders", {}).get_json()["id"]
    again = api.post(f"/api/v1/conversations/{cid}/renders", {}).get_json()["id"]
    assert again == first  # its job is waiting in the queue: the same render
    queue.connection.delete(Job.key_for(f"render-{first}"))
    again = api.post(f"/api/v1/conversations/{cid}/renders", {}).get_json()["id"]
    assert again == first  # too young to tell from a click not yet enqueued
    with own.app_context():
        row = db.session.scalar(db.select(Render).filter_by(public_id=first))
        row.queued_at -= timedelta(seconds=ENQUEUE_GRACE_S + 1)
        db.session.commit()
    second = api.post(f"/api/v1/conversations/{cid}/renders", {}).get_json()["id"]
    assert second != first
    lost = _row(own, first)
    assert lost.status == RenderStatus.FAILED and lost.error == renders.LOST
    with own.app_context():
        assert renders.user_error(lost) == messages.RENDER_LOST
    worker.start()
    assert _finished(own, second).status == RenderStatus.DONE


@pytest.mark.parametrize("own_worker", [{"RENDERS_IN_FLIGHT": "2"}], indirect=True)
def test_renders_in_flight_have_a_budget_per_person(
    own_worker: tuple[Flask, Queue, Running],
) -> None:
    own, _, worker = own_worker
    api, other = ApiClient(own), ApiClient(own, name="other")
    worker.stop()
    made = [_render(api, f"<h1>Pismo {i}</h1><p>Treść.</p>") for i in range(2)]
    cid = api.start()["id"]
    api.post(
        f"/api/v1/conversations/{cid}/document/versions",
        {"html": "<h1>Trzecie</h1><p>Treść.</p>", "base_version": 0},
    )
    refused = api.post(f"/api/v1/conversations/{cid}/renders", {})
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "RENDERS_BUSY"
    assert refused.get_json()["error"]["message"] == messages.RENDERS_BUSY
    _render(other, "<h1>Cudze</h1><p>Treść.</p>")  # another person has a budget of their own
    worker.start()
    for public_id in made:
        _finished(own, public_id)
    assert api.post(f"/api/v1/conversations/{cid}/renders", {}).status_code == 202


def test_a_lost_job_is_handed_back_by_one_supervisor_only(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every PDF worker looks for jobs of dead workers; the first to claim one hands it back
    (RQ's retry must be spent once, not once per worker that saw it)."""
    if not app.config["REDIS_URL"]:
        pytest.skip("needs the queue (MariaDB + Redis backend)")
    from rq.registry import StartedJobRegistry

    from app.workers.pdf import Supervisor

    queue = Queue(
        f"test-claim-{uuid.uuid4().hex[:8]}", connection=Redis.from_url(app.config["REDIS_URL"])
    )
    job = queue.enqueue("app.tasks.render.render_failed", 0)
    job.worker_name = "pdf-gone-4242-r0dead0-0-1"  # a supervisor without a live key
    job.save()
    registry = StartedJobRegistry(queue=queue)
    queue.connection.zadd(registry.key, {f"{job.id}:exec-1": time.time() + 600})
    handed: list[tuple[str, str]] = []
    try:
        for _ in range(3):
            supervisor = Supervisor(app)
            supervisor.queue = queue
            monkeypatch.setattr(
                supervisor,
                "fail_orphan",
                lambda name, job_id, execution_id, reason: handed.append((job_id, execution_id)),
            )
            supervisor.hand_back_lost_jobs()
    finally:
        queue.connection.delete(registry.key, f"mikroporada:pdf-hand-back:{job.id}:exec-1")
        job.delete()
    assert handed == [(job.id, "exec-1")]


def test_the_supervisors_loop_touches_its_liveness_file(app: Flask, tmp_path: Path) -> None:
    """What the PDF worker's liveness probe reads (compose healthcheck, Kubernetes)."""
    if not app.config["REDIS_URL"]:
        pytest.skip("needs the queue (MariaDB + Redis backend)")
    from app.workers.pdf import Supervisor

    alive = tmp_path / "alive"
    app.config["PDF_ALIVE_FILE"] = str(alive)
    supervisor = Supervisor(app)
    supervisor.beat()
    assert time.time() - alive.stat().st_mtime < 5
    os.utime(alive, (0, 0))
    supervisor.beat()  # within the second: no new beat yet
    assert alive.stat().st_mtime == 0
    supervisor.last_beat -= 1.0
    supervisor.beat()
    assert time.time() - alive.stat().st_mtime < 5
