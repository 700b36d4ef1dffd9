"""What a backup is made from and restored into, read once from the app's configuration.

Settings of its own (app/config.py):
BACKUP_DIR (where archives go, default instance/backups), BACKUP_KEEP (how many to keep,
default 14) and BACKUP_KEY (optional comma-separated Fernet keys for archives, first one
encrypts; without it archives are encrypted with ENCRYPTION_KEYS).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy.engine import make_url

from app import crypto
from app.backup import database
from app.backup.errors import BackupError

# The instance files that are secrets: restored only when asked, never overwritten silently.
SECRET_FILES = ("secret_key", "encryption_key")


@dataclass(frozen=True)
class Source:
    """One installation's data: its database, stored files, instance folder and keys."""

    database_uri: str
    storage_dir: Path
    instance_dir: Path
    app_env: str
    encryption_keys: tuple[str, ...]
    migrations_dir: Path

    @property
    def database_kind(self) -> str:
        """``mariadb`` or ``sqlite``."""
        return database.kind(self.database_uri)


def source_of(app: Flask) -> Source:
    """The installation an app is configured for (inside its app context)."""
    from app import ROOT
    from app.extensions import db

    # The engine's URL, not the setting: Flask-SQLAlchemy resolves a relative SQLite path
    # against the instance folder.
    return Source(
        database_uri=db.engine.url.render_as_string(hide_password=False),
        storage_dir=Path(app.config["STORAGE_DIR"]),
        instance_dir=Path(app.instance_path),
        app_env=app.config["APP_ENV"],
        encryption_keys=tuple(app.config["ENCRYPTION_KEYS"]),
        migrations_dir=ROOT / "migrations",
    )


def backup_dir(app: Flask) -> Path:
    """Where archives are written: BACKUP_DIR, else instance/backups."""
    return Path(app.config["BACKUP_DIR"])


def keep_count(app: Flask) -> int:
    """How many archives pruning keeps: BACKUP_KEEP, default 14, at least 1."""
    return max(int(app.config["BACKUP_KEEP"]), 1)


def archive_keyring(app: Flask) -> crypto.Keyring:
    """The keys of archives: BACKUP_KEY when set, else the app's own keyring."""
    keys = crypto.parse_keys(app.config["BACKUP_KEY"])
    try:
        return crypto.Keyring(keys) if keys else crypto.keyring()
    except crypto.KeyringError as exc:
        raise BackupError("bad_key", f"BACKUP_KEY is not usable: {exc}.") from exc


def key_id(key: str) -> str:
    """A short fingerprint of a key: tells keys apart without revealing them."""
    return hashlib.sha256(key.encode("ascii")).hexdigest()[:16]


def code_revision(source: Source) -> str | None:
    """The newest schema revision this code's migrations know."""
    return ScriptDirectory(str(source.migrations_dir)).get_current_head()


def describe(source: Source, alembic_revision: str | None) -> dict[str, Any]:
    """The installation's non-secret settings, as a backup records them."""
    url = make_url(source.database_uri)
    return {
        "app_env": source.app_env,
        "database_kind": source.database_kind,
        "database_name": Path(url.database or "").name,
        "storage_dir": str(source.storage_dir),
        "alembic_revision": alembic_revision,
        "encryption_key_ids": [key_id(key) for key in source.encryption_keys],
    }


def differences(recorded: dict[str, Any], source: Source) -> list[str]:
    """How the backed-up installation differs from this one, one line each."""
    here = describe(source, code_revision(source))
    lines = [
        f"{name}: backup {recorded.get(name)!r}, here {here[name]!r}"
        for name in ("app_env", "database_kind", "database_name", "storage_dir")
        if recorded.get(name) != here[name]
    ]
    if recorded.get("alembic_revision") != here["alembic_revision"]:
        lines.append(
            f"schema: backup at revision {recorded.get('alembic_revision')!r}, this code at "
            f"{here['alembic_revision']!r}: run `flask db upgrade` after the restore"
        )
    absent = [
        key
        for key in recorded.get("encryption_key_ids", [])
        if key not in here["encryption_key_ids"]
    ]
    if absent:
        lines.append(
            "ENCRYPTION_KEYS: this app lacks the backup's key(s) "
            + ", ".join(absent)
            + ": encrypted data will not open until they are added"
        )
    return lines
