"""Configuration read from the environment; see .env.example for every variable."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from app import crypto

DEFAULT_OLLAMA_HOST = "http://127.0.0.1:11434"
# A 3B instruct model with usable Polish and reliable structured output; see README.
DEFAULT_OLLAMA_MODEL = "qwen2.5:3b"
INSECURE_SECRETS = {"", "change-me", "dev", "secret"}
Number = TypeVar("Number", int, float)


class ConfigError(RuntimeError):
    """Raised when the configuration would be unsafe or unusable."""


def _env_number(name: str, default: Number) -> Number:
    """A number from the environment, of the default's type; unset or blank gives the default."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return type(default)(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from exc


def _instance_value(instance_path: Path, name: str, make: Callable[[], str]) -> str:
    """A value kept in instance/NAME, made once (the embedded default only): the secret key,
    so sessions survive restarts, and the encryption key, so stored data stays readable.

    Two processes starting at once on a fresh instance/ agree: the file is made aside and
    linked into place, and whoever loses the race reads the winner's value.
    """
    path = instance_path / name
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        fd, draft = tempfile.mkstemp(dir=instance_path, prefix=f".{name}-")
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(make())
            os.chmod(draft, 0o600)
            os.link(draft, path)  # fails if another process got there first
        except FileExistsError:
            pass
        finally:
            os.unlink(draft)
    return path.read_text().strip()


def build_config(instance_path: Path, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Read the environment into a Flask config mapping, then apply overrides.

    APP_ENV=production makes missing or default secrets fatal; anything else is the
    embedded development setup (SQLite under instance/, in-process PDF jobs).
    """
    env = os.environ.get("APP_ENV", "development").strip().lower()
    overrides = dict(overrides or {})
    storage_default = str(instance_path / "storage")
    sqlite_default = f"sqlite:///{instance_path / 'mikroporada.sqlite3'}"
    redis_url = os.environ.get("REDIS_URL", "").strip() or None

    config: dict[str, Any] = {
        "APP_ENV": env,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "").strip(),
        # Fernet keys for data at rest, newest first (app/crypto.py); see docs/security.md.
        "ENCRYPTION_KEYS": crypto.parse_keys(os.environ.get("ENCRYPTION_KEYS", "")),
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL", "").strip() or sqlite_default,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": redis_url,
        "REDIS_MAX_CONNECTIONS": _env_number("REDIS_MAX_CONNECTIONS", 5000),
        "RQ_QUEUE": os.environ.get("RQ_QUEUE", "pdf").strip() or "pdf",
        "RQ_LLM_QUEUE": os.environ.get("RQ_LLM_QUEUE", "llm").strip() or "llm",
        "OLLAMA_HOST": os.environ.get("OLLAMA_HOST", "").strip() or DEFAULT_OLLAMA_HOST,
        "OLLAMA_MODEL": os.environ.get("OLLAMA_MODEL", "").strip() or DEFAULT_OLLAMA_MODEL,
        "OLLAMA_CONNECT_TIMEOUT": _env_number("OLLAMA_CONNECT_TIMEOUT", 3.0),
        "OLLAMA_TIMEOUT": _env_number("OLLAMA_TIMEOUT", 120.0),
        "OLLAMA_NUM_CTX": _env_number("OLLAMA_NUM_CTX", 8192),
        "OLLAMA_STALL_TIMEOUT": _env_number("OLLAMA_STALL_TIMEOUT", 30.0),
        # The whole turn, from the send (queue wait included) to the last chunk.
        "GENERATION_DEADLINE": _env_number("GENERATION_DEADLINE", 600.0),
        # Turns waiting for the model across the whole service; past it sends are refused.
        "GENERATION_QUEUE_LIMIT": _env_number("GENERATION_QUEUE_LIMIT", 50),
        # Embedded mode: how many turns the web process generates at once (like a worker).
        "GENERATION_THREADS": _env_number("GENERATION_THREADS", 2),
        # Origins allowed to open the chat socket besides the app's own (comma-separated).
        "WS_ALLOWED_ORIGINS": [
            origin.strip().rstrip("/")
            for origin in os.environ.get("WS_ALLOWED_ORIGINS", "").split(",")
            if origin.strip()
        ],
        "WS_PING_INTERVAL": _env_number("WS_PING_INTERVAL", 25),
        "WS_MAX_FRAME_BYTES": _env_number("WS_MAX_FRAME_BYTES", 16 * 1024),
        "RATELIMIT_SOCKET": os.environ.get("RATELIMIT_SOCKET", "").strip() or "30 per minute",
        "STORAGE_DIR": os.environ.get("STORAGE_DIR", "").strip() or storage_default,
        # Cases untouched for this many days are deleted with their PDFs; 0 keeps them.
        "RETENTION_DAYS": _env_number("RETENTION_DAYS", 30),
        # PDFs are deleted this many days after they were made (the case stays, and its PDF
        # can be made again); 0 keeps them as long as the case.
        "PDF_RETENTION_DAYS": _env_number("PDF_RETENTION_DAYS", 7),
        # A letter of 100,000 Polish characters is about 600 KB form-encoded.
        "MAX_CONTENT_LENGTH": _env_number("MAX_REQUEST_BYTES", 1024 * 1024),
        # Backups (docs/backup.md): where archives go, how many are kept, and their own keys
        # (comma-separated Fernet keys, newest first; empty: ENCRYPTION_KEYS).
        "BACKUP_DIR": os.environ.get("BACKUP_DIR", "").strip() or str(instance_path / "backups"),
        "BACKUP_KEEP": _env_number("BACKUP_KEEP", 14),
        "BACKUP_KEY": os.environ.get("BACKUP_KEY", "").strip(),
        # /readyz fails below this much free space where PDFs are stored.
        "READY_MIN_FREE_MB": _env_number("READY_MIN_FREE_MB", 500),
        "PDF_JOB_TIMEOUT": _env_number("PDF_JOB_TIMEOUT", 120),
        "PDF_MEMORY_LIMIT_MB": _env_number("PDF_MEMORY_LIMIT_MB", 1024),
        # Warm PDF work horses per worker process, and the jobs each renders before a fresh
        # one replaces it (app/workers/pdf.py).
        "PDF_WORKERS": _env_number("PDF_WORKERS", 1),
        "PDF_WORKER_MAX_JOBS": _env_number("PDF_WORKER_MAX_JOBS", 500),
        # How often the PDF worker reconciles render rows with the queue (seconds).
        "RENDER_RECONCILE_S": _env_number("RENDER_RECONCILE_S", 15),
        # A PDF worker silent this long (its container killed) has its renders handed back.
        "PDF_SUPERVISOR_TTL_S": _env_number("PDF_SUPERVISOR_TTL_S", 30),
        # Touched by the PDF worker's loop about once a second: its liveness probe reads it.
        "PDF_ALIVE_FILE": os.environ.get("PDF_ALIVE_FILE", "").strip()
        or str(Path(tempfile.gettempdir()) / "mikroporada-pdf-worker.alive"),
        # Renders one person (a browser session or an API key) may have queued or running.
        "RENDERS_IN_FLIGHT": _env_number("RENDERS_IN_FLIGHT", 3),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_MESSAGES": os.environ.get("RATELIMIT_MESSAGES", "").strip()
        or "20 per minute;200 per day",
        "RATELIMIT_START": os.environ.get("RATELIMIT_START", "").strip() or "10 per minute",
        "RATELIMIT_RENDERS": os.environ.get("RATELIMIT_RENDERS", "").strip() or "10 per minute",
        "RATELIMIT_SAVES": os.environ.get("RATELIMIT_SAVES", "").strip() or "30 per minute",
        "RATELIMIT_TRANSFER": os.environ.get("RATELIMIT_TRANSFER", "").strip() or "10 per hour",
        "RATELIMIT_API": os.environ.get("RATELIMIT_API", "").strip() or "300 per minute",
        "RATELIMIT_LEGACY": os.environ.get("RATELIMIT_LEGACY", "").strip() or "30 per minute",
        # The legacy /api/chat and /api/generate-pdf: "key" (a key is required) or "none"
        # (open; the client's session_id is then the only secret of its conversation).
        # Reply streams and legacy waits one key (or address) may hold open at once.
        "API_LONG_REQUESTS": _env_number("API_LONG_REQUESTS", 4),
        "LEGACY_API_AUTH": os.environ.get("LEGACY_API_AUTH", "").strip().lower() or "key",
        "RATELIMIT_HEADERS_ENABLED": True,
        # Redis down: keep limiting per process rather than failing every request.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_KEY_PREFIX": "mikroporada",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env == "production",
        "PERMANENT_SESSION_LIFETIME": 60 * 60 * 24 * 30,
        "WTF_CSRF_TIME_LIMIT": None,
        "TRUST_PROXY": _env_number("TRUST_PROXY", 0),
        # Observability (docs/observability.md). Logs: json (production default) or text.
        "LOG_FORMAT": os.environ.get("LOG_FORMAT", "").strip().lower()
        or ("json" if env == "production" else "text"),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "").strip().upper() or "INFO",
        # /metrics answers only "Authorization: Bearer <METRICS_TOKEN>"; unset: 404.
        "METRICS_TOKEN": os.environ.get("METRICS_TOKEN", "").strip(),
        # Workers serve their metrics on this port (0: off), on METRICS_ADDR.
        "METRICS_PORT": _env_number("METRICS_PORT", 0),
        "METRICS_ADDR": os.environ.get("METRICS_ADDR", "").strip() or "127.0.0.1",
        # Error tracking is off unless SENTRY_DSN is set.
        "SENTRY_DSN": os.environ.get("SENTRY_DSN", "").strip() or None,
        "SENTRY_ENVIRONMENT": os.environ.get("SENTRY_ENVIRONMENT", "").strip() or None,
        "SENTRY_TRACES_SAMPLE_RATE": _env_number("SENTRY_TRACES_SAMPLE_RATE", 0.0),
    }
    config.update(overrides)

    if config["LOG_FORMAT"] not in ("json", "text"):
        raise ConfigError("LOG_FORMAT must be 'json' or 'text'")
    if config["LOG_LEVEL"] not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise ConfigError("LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
    if config["METRICS_TOKEN"] and len(config["METRICS_TOKEN"]) < 16:
        raise ConfigError("METRICS_TOKEN must be at least 16 characters (or unset)")
    if config["LEGACY_API_AUTH"] not in ("key", "none"):
        raise ConfigError("LEGACY_API_AUTH must be 'key' or 'none'")
    if config["APP_ENV"] == "production":
        if config["SECRET_KEY"] in INSECURE_SECRETS or len(config["SECRET_KEY"]) < 32:
            raise ConfigError(
                "SECRET_KEY must be set to a random value of at least 32 characters in production"
            )
        if not os.environ.get("DATABASE_URL", "").strip() and (
            "SQLALCHEMY_DATABASE_URI" not in overrides
        ):
            raise ConfigError("DATABASE_URL must be set in production")
        if not config["ENCRYPTION_KEYS"]:
            raise ConfigError("ENCRYPTION_KEYS must be set in production (docs/security.md)")
    else:
        if not config["SECRET_KEY"]:
            config["SECRET_KEY"] = _instance_value(
                instance_path, "secret_key", lambda: secrets.token_urlsafe(48)
            )
        if not config["ENCRYPTION_KEYS"]:
            config["ENCRYPTION_KEYS"] = [
                _instance_value(instance_path, "encryption_key", crypto.new_key)
            ]

    config["SOCK_SERVER_OPTIONS"] = {
        "ping_interval": config["WS_PING_INTERVAL"],
        "max_message_size": config["WS_MAX_FRAME_BYTES"],
    }
    if config["SQLALCHEMY_DATABASE_URI"].startswith("mysql"):
        # MariaDB closes idle connections after wait_timeout; recycle well before that.
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True, "pool_recycle": 280}
    return config
