"""Where the client finds the server and its API key: the environment first, then a TOML file.

The key is never taken from the command line: it would end up in the shell's history and in
every process listing.
"""

from __future__ import annotations

import stat
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from app.client import messages

DEFAULT_URL = "http://127.0.0.1:5000"
URL_VARIABLE = "MIKROPORADA_URL"
KEY_VARIABLE = "MIKROPORADA_API_KEY"
CONFIG_VARIABLE = "MIKROPORADA_CONFIG"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class ConfigError(Exception):
    """Configuration the client cannot work with; the message is for the person (Polish)."""


@dataclass(frozen=True)
class Settings:
    """The server's base URL, the key (None when there is none) and the file consulted."""

    url: str
    key: str | None
    path: Path


def config_path(env: Mapping[str, str]) -> tuple[Path, bool]:
    """The config file to read and whether it was named explicitly (then it must exist)."""
    named = env.get(CONFIG_VARIABLE, "").strip()
    if named:
        return Path(named).expanduser(), True
    base = env.get("XDG_CONFIG_HOME", "").strip() or str(Path.home() / ".config")
    return Path(base) / "mikroporada" / "config.toml", False


def _read_file(path: Path, required: bool) -> dict[str, object]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        if required:
            raise ConfigError(messages.CONFIG_MISSING.format(path=path)) from exc
        return {}
    except OSError as exc:
        raise ConfigError(
            messages.CONFIG_UNREADABLE.format(path=path, reason=exc.strerror or exc)
        ) from exc
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(messages.CONFIG_INVALID.format(path=path, reason=exc)) from exc


def _text(found: dict[str, object], name: str, path: Path) -> str | None:
    value = found.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(messages.CONFIG_NOT_TEXT.format(path=path, name=name))
    return value.strip() or None


def is_open_to_others(path: Path) -> bool:
    """True when the group or other users may read the file (POSIX permissions)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return bool(mode & (stat.S_IRGRP | stat.S_IROTH))


def check_url(url: str) -> str:
    """The base URL without a trailing slash; refuse anything but http(s)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(messages.URL_INVALID.format(url=url))
    return url.rstrip("/")


def is_plain_remote(url: str) -> bool:
    """True for http:// to another machine, where the key would travel unencrypted."""
    parts = urlsplit(url)
    return parts.scheme == "http" and (parts.hostname or "") not in LOOPBACK


def load(env: Mapping[str, str], url: str | None, warn: Callable[[str], None]) -> Settings:
    """The settings from ``env`` and the config file; ``url`` (from --url) wins for the URL.

    ``warn`` gets the Polish warnings: a key file others can read.
    """
    path, required = config_path(env)
    found = _read_file(path, required)
    file_key = _text(found, "key", path)
    if file_key and is_open_to_others(path):
        warn(messages.CONFIG_OPEN.format(path=path))
    chosen_url = (
        url or env.get(URL_VARIABLE, "").strip() or _text(found, "url", path) or DEFAULT_URL
    )
    key = env.get(KEY_VARIABLE, "").strip() or file_key
    return Settings(url=check_url(chosen_url), key=key, path=path)
