"""Content-hashed static names (app/assets.py): what the image build makes and serves."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from app import create_app
from app.assets import compile_static
from tests.conftest import _test_config
from tests.fake_ollama import FakeOllama

ROOT = Path(__file__).resolve().parents[2]
LINKED = re.compile(r'(?:href|src)="(/static/[^"]+)"')
HASHED = re.compile(r"-[0-9a-f]{32}\.[a-z]+$")
SHELL = re.compile(r"var SHELL = \[OFFLINE\]\.concat\((\[.*?\])\);", re.S)
VERSION = re.compile(r'var VERSION = "([0-9a-f]{12})";')


def _app(migrated: dict[str, Any], fake_ollama: FakeOllama, static: Path | None) -> Flask:
    config = {**_test_config(migrated, fake_ollama.url), "TESTING": True}
    if static is not None:
        config["STATIC_FOLDER"] = str(static)
    return create_app(config)


@pytest.fixture
def compiled(tmp_path: Path) -> Path:
    folder = tmp_path / "static"
    shutil.copytree(ROOT / "static", folder)
    compile_static(folder)
    return folder


def _worker(app: Flask) -> tuple[list[str], str]:
    source = app.test_client().get("/sw.js").get_data(as_text=True)
    return json.loads(SHELL.search(source).group(1)), VERSION.search(source).group(1)


def test_compiled_pages_link_hashed_names_cached_for_a_year(
    migrated: dict[str, Any], fake_ollama: FakeOllama, compiled: Path
) -> None:
    app = _app(migrated, fake_ollama, compiled)
    client = app.test_client()
    page = client.get("/").get_data(as_text=True)
    linked = LINKED.findall(page)
    assert len(linked) >= 6 and all(HASHED.search(url) for url in linked), linked
    for url in linked:
        response = client.get(url)
        assert response.status_code == 200, url
        original = HASHED.sub("", url.removeprefix("/static/")) + "." + url.rsplit(".", 1)[1]
        assert response.data == (ROOT / "static" / original).read_bytes(), url
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        response.close()
    # The plain name still answers, revalidated on every use.
    plain = client.get("/static/css/app.css")
    assert plain.status_code == 200 and "immutable" not in plain.headers["Cache-Control"]
    assert "X-Static-Fallback" not in plain.headers
    plain.close()
    # Every shell file is a hashed name that answers.
    shell, _ = _worker(app)
    assert "/offline" not in shell and len(shell) >= 15
    for url in shell:
        assert HASHED.search(url), url
        assert client.get(url).status_code == 200, url
    # The PDF viewer links its print styles, pdf.js and its worker by the hashed names too.
    viewer = (ROOT / "templates/renders/viewer.html").read_text()
    assert viewer.count("static_url_for('static'") == 4


def test_a_changed_file_gets_a_new_name_and_a_new_shell(
    migrated: dict[str, Any], fake_ollama: FakeOllama, compiled: Path, tmp_path: Path
) -> None:
    before, version_before = _worker(_app(migrated, fake_ollama, compiled))
    changed = tmp_path / "changed"
    shutil.copytree(ROOT / "static", changed)
    with (changed / "css/app.css").open("a") as css:
        css.write("\n/* a new release */\n")
    compile_static(changed)
    after, version_after = _worker(_app(migrated, fake_ollama, changed))
    assert version_after != version_before
    assert set(before) ^ set(after) == {
        next(u for u in before if "/css/app-" in u),
        next(u for u in after if "/css/app-" in u),
    }
    # Unchanged files keep their names: browsers keep them cached across the release.
    assert sum(1 for url in after if url in before) == len(after) - 1


def test_without_a_manifest_the_plain_names_are_used(
    migrated: dict[str, Any], fake_ollama: FakeOllama
) -> None:
    app = _app(migrated, fake_ollama, None)
    page = app.test_client().get("/").get_data(as_text=True)
    assert '<link rel="stylesheet" href="/static/css/app.css">' in page
    shell, _ = _worker(app)
    assert "/static/css/app.css" in shell and not any(HASHED.search(url) for url in shell)
    assert not (ROOT / "static/cache_manifest.json").exists()


def test_a_hashed_name_of_another_release_gets_the_plain_file_uncached(
    migrated: dict[str, Any], fake_ollama: FakeOllama, compiled: Path
) -> None:
    """While two releases run behind one Service, a page of one may ask the other for a
    hashed name it does not have: it gets the file of that plain name, revalidated."""
    client = _app(migrated, fake_ollama, compiled).test_client()
    other = client.get(f"/static/css/app-{'0' * 32}.css")
    assert other.status_code == 200
    assert other.data == (ROOT / "static/css/app.css").read_bytes()
    assert "no-cache" in other.headers["Cache-Control"]
    assert "immutable" not in other.headers["Cache-Control"]
    assert other.headers["X-Static-Fallback"] == "1"  # the service worker will not keep it
    other.close()
    assert client.get(f"/static/css/nothing-{'0' * 32}.css").status_code == 404
    assert client.get("/static/css/nothing.css").status_code == 404
