"""``flask backup``: create, verify and restore backups."""

from __future__ import annotations

import click


@click.group("backup")
def backup_group() -> None:
    """Back up and restore the database, stored PDFs and configuration."""
