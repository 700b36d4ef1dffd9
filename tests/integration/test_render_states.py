"""A render only moves forward, by conditional updates, and a version has one live render,
decided by the database: a double click, a late worker or a reader cannot undo a state."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import Conversation, Render, RenderStatus
from app.services import renders
from tests.helpers import NAKAZ_FIELDS, ApiClient


def _version_id(app: Flask) -> tuple[ApiClient, int]:
    api = ApiClient(app)
    cid = api.start(document={"type": "sprzeciw-nakaz", "fields": dict(NAKAZ_FIELDS)})["id"]
    with app.app_context():
        conversation = db.session.scalar(select(Conversation).filter_by(public_id=cid))
        return api, conversation.document.current.id


def _version(version_id: int) -> Any:
    from app.models import DocumentVersion

    return db.session.get(DocumentVersion, version_id)


def test_a_double_click_makes_one_render(app: Flask) -> None:
    _, version_id = _version_id(app)
    made: list[tuple[str, bool]] = []
    start = threading.Barrier(4)

    def click() -> None:
        with app.app_context():
            start.wait()
            render, created = renders.create(_version(version_id))
            made.append((render.public_id, created))
            db.session.remove()

    clicks = [threading.Thread(target=click) for _ in range(4)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join(timeout=30)
    assert len(made) == 4 and len({public_id for public_id, _ in made}) == 1
    assert sum(created for _, created in made) == 1
    with app.app_context():
        assert db.session.query(Render).count() == 1


def test_a_failed_render_stays_failed_and_frees_its_version(app: Flask, tmp_path: Path) -> None:
    _, version_id = _version_id(app)
    with app.app_context():
        render, _ = renders.create(_version(version_id))
        assert renders.mark_failed(render, "timed out")
        assert not renders.mark_failed(render, "lost")  # a finished render never changes
        assert render.status == RenderStatus.FAILED and render.error == "timed out"
        assert render.live is None
        # A late worker finds it failed: it does not run, and nothing is written.
        renders.run(render.id, str(tmp_path))
        db.session.refresh(render)
        assert render.status == RenderStatus.FAILED and not list(tmp_path.rglob("*.pdf"))
        again, created = renders.create(_version(version_id))
        assert created and again.id != render.id


def test_a_render_failed_while_running_keeps_no_file(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, version_id = _version_id(app)
    with app.app_context():
        render, _ = renders.create(_version(version_id))
        real = renders.pdf.render_letter

        def slow(*args: Any, **kwargs: Any) -> Any:
            # The status page fails it as past its deadline while the worker still renders.
            renders.mark_failed(db.session.get(Render, render.id), "timed out")
            return real(*args, **kwargs)

        monkeypatch.setattr(renders.pdf, "render_letter", slow)
        renders.run(render.id, str(tmp_path))
        db.session.refresh(render)
        assert render.status == RenderStatus.FAILED and render.error == "timed out"
        assert not list(tmp_path.rglob("*.pdf"))


def test_a_broken_letter_fails_for_good_and_other_trouble_reaches_the_queue(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, version_id = _version_id(app)

    class JobTimeout(Exception):
        """Stands for RQ's JobTimeoutException: not a document's fault."""

    with app.app_context():
        first, _ = renders.create(_version(version_id))
        monkeypatch.setattr(
            renders.pdf, "render_letter", lambda *a, **k: (_ for _ in ()).throw(RecursionError())
        )
        renders.run(first.id, str(tmp_path))
        db.session.refresh(first)
        assert first.status == RenderStatus.FAILED and first.error.startswith(
            "render_failed: RecursionError"
        )

        second, _ = renders.create(_version(version_id))

        def timed_out(*args: Any, **kwargs: Any) -> Any:
            raise JobTimeout

        monkeypatch.setattr(renders.pdf, "render_letter", timed_out)
        with pytest.raises(JobTimeout):
            renders.run(second.id, str(tmp_path))
        db.session.refresh(second)
        # Left running for the queue's retry (or the deadline), not recorded as a success.
        assert second.status == RenderStatus.RUNNING


def test_old_pdfs_are_deleted_and_can_be_made_again(app: Flask, tmp_path: Path) -> None:
    from datetime import timedelta

    from app.models.base import utcnow

    _, version_id = _version_id(app)
    storage = str(tmp_path)
    with app.app_context():
        render, _ = renders.create(_version(version_id))
        renders.run(render.id, storage)
        db.session.refresh(render)
        path = tmp_path / render.file_path
        assert render.status == RenderStatus.DONE and path.is_file()
        assert renders.expire_files(storage, 7) == 0  # made just now
        assert renders.expire_files(storage, 0) == 0  # 0 keeps them
        render.finished_at = utcnow() - timedelta(days=8)
        db.session.commit()
        assert renders.expire_files(storage, 7) == 1
        db.session.refresh(render)
        assert not path.exists() and render.file_path is None and render.live is None
        again, created = renders.create(_version(version_id))
        assert created and again.id != render.id


def test_the_last_failed_attempt_says_what_happened(app: Flask) -> None:
    """RQ's failure callback: nothing while a retry is left; then the cause, as a code."""
    from rq.timeouts import JobTimeoutException

    from app.tasks.render import render_failed

    class Attempt:
        def __init__(self, render_id: int, retry: bool) -> None:
            self.args, self.should_retry = [render_id], retry

    _, version_id = _version_id(app)
    with app.app_context():
        outcomes = {}
        for kind in (JobTimeoutException, MemoryError, RuntimeError):
            render, _ = renders.create(_version(version_id))
            render_failed(Attempt(render.id, True), None, kind, kind(), None)  # type: ignore[arg-type]
            db.session.refresh(render)
            assert not render.finished
            render_failed(Attempt(render.id, False), None, kind, kind(), None)  # type: ignore[arg-type]
            db.session.refresh(render)
            outcomes[kind.__name__] = (render.status, renders.error_code(render))
    assert outcomes == {
        "JobTimeoutException": (RenderStatus.FAILED, renders.TIMED_OUT),
        "MemoryError": (RenderStatus.FAILED, renders.MEMORY),
        "RuntimeError": (RenderStatus.FAILED, renders.BROKEN),
    }
