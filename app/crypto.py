"""Encryption at rest: one keyring per process, authenticated (Fernet from ``cryptography``).

Keys come from ENCRYPTION_KEYS (comma-separated Fernet keys): the first encrypts, every one
decrypts, so a new key can be put first while old data is still read, and
``flask encryption rotate`` then re-encrypts everything under it. A value that no key opens
(a wrong key, or tampered data) raises ``DecryptionError``: it is never passed on as text.

Fernet is AES-128-CBC with an HMAC-SHA256 over the version, time, IV and ciphertext; we use
it rather than hand-assembled AES-GCM because it is the library's recommended recipe and
``MultiFernet`` already does key rotation.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class DecryptionError(RuntimeError):
    """A stored value that none of the keys opens (code ``wrong_key``)."""

    code = "wrong_key"


class KeyringError(RuntimeError):
    """The configured keys are missing or not Fernet keys (code ``bad_keys``)."""

    code = "bad_keys"


class Keyring:
    """Encrypts with the first key, decrypts with any."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise KeyringError("no encryption key configured")
        try:
            self._fernets = [Fernet(key.encode("ascii")) for key in keys]
        except (ValueError, UnicodeEncodeError) as exc:
            raise KeyringError("an encryption key is not a valid Fernet key") from exc
        self._multi = MultiFernet(self._fernets)

    def encrypt(self, data: bytes) -> bytes:
        """The Fernet token (URL-safe base64) of data under the newest key."""
        return self._multi.encrypt(data)

    def decrypt(self, token: bytes) -> bytes:
        """The plaintext of a token made under any of the keys."""
        try:
            return self._multi.decrypt(token)
        except InvalidToken as exc:
            raise DecryptionError("no configured key opens this value") from exc

    def is_current(self, token: bytes) -> bool:
        """True when the token opens with the newest key (no rotation needed)."""
        try:
            self._fernets[0].decrypt(token)
        except InvalidToken:
            return False
        return True

    def rotate(self, token: bytes) -> bytes:
        """The same plaintext re-encrypted under the newest key."""
        try:
            return self._multi.rotate(token)
        except InvalidToken as exc:
            raise DecryptionError("no configured key opens this value") from exc


def new_key() -> str:
    """A fresh random key, in the form ENCRYPTION_KEYS takes."""
    return Fernet.generate_key().decode("ascii")


def parse_keys(raw: str) -> list[str]:
    """The keys in an ENCRYPTION_KEYS value (comma-separated, blanks ignored)."""
    return [key.strip() for key in raw.split(",") if key.strip()]


_keyring: Keyring | None = None


def install(keys: Sequence[str]) -> Keyring:
    """Make this process's keyring (create_app calls it with the configured keys)."""
    global _keyring
    _keyring = Keyring(keys)
    return _keyring


def keyring() -> Keyring:
    """This process's keyring."""
    if _keyring is None:
        raise KeyringError("the keyring is not installed; create the app first")
    return _keyring


def encrypt(data: bytes) -> bytes:
    """Encrypt with this process's keyring."""
    return keyring().encrypt(data)


def decrypt(token: bytes) -> bytes:
    """Decrypt with this process's keyring."""
    return keyring().decrypt(token)
