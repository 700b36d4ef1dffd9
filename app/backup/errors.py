"""The one error backups raise, with a stable code per kind of trouble."""

from __future__ import annotations

# Codes: not_a_backup, wrong_key, truncated, tampered, manifest_mismatch, dump_incomplete,
# integrity_failed, counts_mismatch, target_not_empty, tool_missing, tool_failed, exists,
# unsupported, no_binlog_position, no_binlog_files, bad_key.


class BackupError(RuntimeError):
    """A backup that cannot be made, read or restored; ``code`` says why, the text how."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
