"""Storage paths cannot escape the root; writes are atomic."""

from pathlib import Path

import pytest

from app.services.storage import StorageError, render_path, resolve, write_atomic


def test_write_atomic_leaves_no_temp_files(tmp_path: Path) -> None:
    path = write_atomic(tmp_path, "renders/ab/abcdefgh.pdf", b"%PDF-1.7 data")
    assert path.read_bytes() == b"%PDF-1.7 data"
    write_atomic(tmp_path, "renders/ab/abcdefgh.pdf", b"second")
    assert path.read_bytes() == b"second"
    assert [p.name for p in path.parent.iterdir()] == ["abcdefgh.pdf"]


@pytest.mark.parametrize("relative", ["../escape.pdf", "/etc/passwd", "a/../../x"])
def test_resolve_refuses_escapes(tmp_path: Path, relative: str) -> None:
    with pytest.raises(StorageError):
        resolve(tmp_path / "root", relative)


@pytest.mark.parametrize("bad", ["../../etc", "a/b", "short", "x" * 65, "ąęśćżźńół"])
def test_render_path_refuses_unsafe_ids(bad: str) -> None:
    with pytest.raises(StorageError):
        render_path(bad)


def test_render_path_shards_by_prefix() -> None:
    assert render_path("AbCdEf123_-x") == "renders/Ab/AbCdEf123_-x.pdf"
