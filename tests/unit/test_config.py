"""Configuration from the environment, and refusing unsafe production settings."""

from pathlib import Path

import pytest

from app import crypto
from app.config import DEFAULT_OLLAMA_HOST, ConfigError, build_config

VARS = (
    "APP_ENV",
    "SECRET_KEY",
    "ENCRYPTION_KEYS",
    "DATABASE_URL",
    "REDIS_URL",
    "OLLAMA_HOST",
    "STORAGE_DIR",
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARS:
        monkeypatch.delenv(name, raising=False)


def test_embedded_defaults(tmp_path: Path) -> None:
    config = build_config(tmp_path)
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'mikroporada.sqlite3'}"
    assert config["REDIS_URL"] is None
    assert config["OLLAMA_HOST"] == DEFAULT_OLLAMA_HOST
    assert config["STORAGE_DIR"] == str(tmp_path / "storage")
    assert len(config["SECRET_KEY"]) >= 32
    # The generated development secret is kept, so sessions survive a restart.
    assert build_config(tmp_path)["SECRET_KEY"] == config["SECRET_KEY"]


def test_environment_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql+pymysql://u:p@db/app")
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/0")
    monkeypatch.setenv("OLLAMA_HOST", "http://ollama:11434")
    config = build_config(tmp_path)
    assert config["SQLALCHEMY_DATABASE_URI"] == "mysql+pymysql://u:p@db/app"
    assert config["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/0"
    assert config["OLLAMA_HOST"] == "http://ollama:11434"
    assert config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_recycle"] > 0


@pytest.mark.parametrize("secret", [None, "change-me", "short"])
def test_production_refuses_default_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, secret: str | None
) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", "mysql+pymysql://u:p@db/app")
    if secret is not None:
        monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        build_config(tmp_path)
    assert not (tmp_path / "secret_key").exists()


def test_production_with_real_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "mysql+pymysql://u:p@db/app")
    new, old = crypto.new_key(), crypto.new_key()
    monkeypatch.setenv("ENCRYPTION_KEYS", f" {new}, {old} ,")
    config = build_config(tmp_path)
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["ENCRYPTION_KEYS"] == [new, old]
    assert not (tmp_path / "encryption_key").exists()


def test_production_needs_encryption_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "mysql+pymysql://u:p@db/app")
    with pytest.raises(ConfigError, match="ENCRYPTION_KEYS"):
        build_config(tmp_path)
    assert not (tmp_path / "encryption_key").exists()


def test_the_embedded_key_is_made_once_and_kept(tmp_path: Path) -> None:
    keys = build_config(tmp_path)["ENCRYPTION_KEYS"]
    assert len(keys) == 1 and crypto.Keyring(keys)
    assert (tmp_path / "encryption_key").stat().st_mode & 0o777 == 0o600
    assert build_config(tmp_path)["ENCRYPTION_KEYS"] == keys


def test_production_needs_a_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        build_config(tmp_path)


def test_bad_numbers_are_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OLLAMA_TIMEOUT", "soon")
    with pytest.raises(ConfigError, match="OLLAMA_TIMEOUT"):
        build_config(tmp_path)
