"""Files on disk under STORAGE_DIR: atomic writes, paths that cannot escape the root, and
encryption at rest (a stored PDF is the Fernet token of its bytes, app/crypto.py)."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from app import crypto

SAFE_NAME = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


class StorageError(ValueError):
    """A path that would leave the storage root, or a name that is not ours."""


def render_path(public_id: str) -> str:
    """The storage-relative path of a render's PDF."""
    if not SAFE_NAME.match(public_id):
        raise StorageError("unsafe render id")
    return f"renders/{public_id[:2]}/{public_id}.pdf"


def resolve(root: str | Path, relative: str) -> Path:
    """The absolute path of a stored file, refusing anything outside the root."""
    base = Path(root).resolve()
    target = (base / relative).resolve()
    if base != target and base not in target.parents:
        raise StorageError("path escapes the storage root")
    return target


def write_atomic(root: str | Path, relative: str, data: bytes) -> Path:
    """Write data to a temp file beside the target, fsync it, then rename it into place."""
    target = resolve(root, relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o640)
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return target


def write_encrypted(root: str | Path, relative: str, data: bytes) -> Path:
    """Encrypt data under the newest key and write it atomically."""
    return write_atomic(root, relative, crypto.encrypt(data))


def read_encrypted(root: str | Path, relative: str) -> bytes:
    """The plaintext of a stored file; raises crypto.DecryptionError when no key opens it."""
    return crypto.decrypt(resolve(root, relative).read_bytes())
