"""Column helpers shared by the models."""

from __future__ import annotations

import enum
import secrets
from datetime import UTC, datetime

from sqlalchemy import Enum


def utcnow() -> datetime:
    """Return the current time as a naive UTC datetime (portable across SQLite and MariaDB)."""
    return datetime.now(UTC).replace(tzinfo=None)


def new_public_id() -> str:
    """Return an unguessable URL-safe id (128 bits of randomness)."""
    return secrets.token_urlsafe(16)


def str_enum(enum_class: type[enum.StrEnum]) -> Enum:
    """A portable VARCHAR column type that stores an enum's values, not its names."""
    return Enum(
        enum_class,
        native_enum=False,
        length=16,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )
