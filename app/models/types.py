"""Column types: text encrypted at rest.

``Encrypted`` stores a string as its Fernet token (ASCII, app/crypto.py) and gives the string
back on load; None stays None. A token is randomized (a fresh IV each time), so SQL must
never compare, order, group or search such a column (``WHERE title = ...`` silently matches
nothing): only IS NULL / IS NOT NULL mean anything there. Such logic runs in Python after
loading. (Refusing the operators in a comparator is not possible: SQLAlchemy itself compares
columns with ``==`` as dictionary keys.)
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Text
from sqlalchemy.dialects.mysql import MEDIUMTEXT
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.type_api import TypeEngine
from sqlalchemy.types import TypeDecorator

from app import crypto


class Encrypted(TypeDecorator[str]):
    """Text stored encrypted; ``long=True`` makes it MEDIUMTEXT on MariaDB (letters)."""

    impl = Text
    cache_ok = True

    def __init__(self, *, long: bool = False) -> None:
        super().__init__()
        self.long = long

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        """MEDIUMTEXT for long values on MariaDB (a token is a third longer than its text)."""
        if self.long and dialect.name in ("mysql", "mariadb"):
            return dialect.type_descriptor(MEDIUMTEXT())
        return dialect.type_descriptor(Text())

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        """The value's token under the newest key."""
        if value is None:
            return None
        return crypto.encrypt(value.encode("utf-8")).decode("ascii")

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        """The text of a stored token; raises crypto.DecryptionError when no key opens it."""
        if value is None:
            return None
        try:
            token = value.encode("ascii")
        except UnicodeEncodeError as exc:  # plain text where a token belongs
            raise crypto.DecryptionError("a stored value is not a token") from exc
        return crypto.decrypt(token).decode("utf-8")
