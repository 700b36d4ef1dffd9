"""Command-line tasks for operators: ``flask --app app:create_app purge-old-cases``."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from app import clients
from app.services import cases


def purge_old_cases_of(app: Flask) -> cases.Deleted:
    """Delete the cases untouched for RETENTION_DAYS, with the app's storage and bus."""
    return cases.purge_untouched(
        int(app.config["RETENTION_DAYS"]),
        storage_dir=app.config["STORAGE_DIR"],
        bus=clients.bus(app),
    )


@click.command("purge-old-cases")
@with_appcontext
def purge_old_cases() -> None:
    """Delete cases untouched for RETENTION_DAYS days, with their PDF files (cron, timer)."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    days = int(app.config["RETENTION_DAYS"])
    if days <= 0:
        click.echo("RETENTION_DAYS is 0: cases are kept, nothing deleted.")
        return
    deleted = purge_old_cases_of(app)
    click.echo(
        f"Deleted {deleted.cases} cases untouched for {days} days and {deleted.files} PDF files."
    )


def init_app(app: Flask) -> None:
    """Register the commands on ``flask``."""
    app.cli.add_command(purge_old_cases)
