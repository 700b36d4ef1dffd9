"""Command-line tasks for operators: ``flask --app app:create_app purge-old-cases``."""

from __future__ import annotations

from collections.abc import Callable

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from app import clients
from app.backup.cli import backup_group
from app.extensions import db
from app.services import api_keys, cases, encryption, renders


def purge_old_cases_of(app: Flask, until: float | None = None, after: int = 0) -> cases.Deleted:
    """Delete the cases untouched for RETENTION_DAYS, with the app's storage and bus (until
    a ``time.monotonic()`` deadline and from a cursor, if given)."""
    return cases.purge_untouched(
        int(app.config["RETENTION_DAYS"]),
        storage_dir=app.config["STORAGE_DIR"],
        bus=clients.bus(app),
        until=until,
        after=after,
    )


@click.command("purge-old-cases")
@with_appcontext
def purge_old_cases() -> None:
    """Delete cases untouched for RETENTION_DAYS days, with their PDF files, and PDFs made
    more than PDF_RETENTION_DAYS days ago (cron, timer)."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    pdf_days = int(app.config["PDF_RETENTION_DAYS"])
    expired = renders.expire_files(app.config["STORAGE_DIR"], pdf_days)
    if pdf_days > 0:
        click.echo(f"Deleted {expired} PDF files made more than {pdf_days} days ago.")
    days = int(app.config["RETENTION_DAYS"])
    if days <= 0:
        click.echo("RETENTION_DAYS is 0: cases are kept, nothing deleted.")
        return
    deleted = purge_old_cases_of(app)
    click.echo(
        f"Deleted {deleted.cases} cases untouched for {days} days and {deleted.files} PDF files."
    )


api_keys_group = click.Group("api-keys", help="Keys for the JSON API (create, list, revoke).")
KEY_ERRORS = {
    "name_invalid": (
        "A name is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit."
    ),
    "name_taken": "A live key already has this name; revoke it first or choose another.",
    "not_found": "No live key has this name.",
}


@api_keys_group.command("create")
@click.argument("name")
@with_appcontext
def create_key(name: str) -> None:
    """Make a key; it is printed once and never shown again."""
    try:
        _key, raw = api_keys.create(name)
    except api_keys.ApiKeyError as exc:
        raise click.ClickException(KEY_ERRORS[exc.code]) from exc
    click.echo(raw)
    click.echo(f"Key {name!r} created. Store it now: only its hash is kept.", err=True)


@api_keys_group.command("list")
@with_appcontext
def list_keys() -> None:
    """Every key: name, prefix, state, created and last used (never the key)."""
    click.echo(f"{'NAME':<24} {'PREFIX':<12} {'STATE':<8} {'CREATED':<19}  LAST USED")
    for key in api_keys.all_keys():
        state = "live" if key.active else "revoked"
        used = key.last_used_at.isoformat(sep=" ", timespec="seconds") if key.last_used_at else "-"
        created = key.created_at.isoformat(sep=" ", timespec="seconds")
        click.echo(f"{key.name:<24} {key.prefix:<12} {state:<8} {created:<19}  {used}")


@api_keys_group.command("revoke")
@click.argument("name")
@with_appcontext
def revoke_key(name: str) -> None:
    """Revoke the live key with this name; it is refused from the next request on."""
    try:
        api_keys.revoke(name)
    except api_keys.ApiKeyError as exc:
        raise click.ClickException(KEY_ERRORS[exc.code]) from exc
    click.echo(f"Key {name!r} revoked.")


encryption_group = click.Group(
    "encryption", help="Data at rest: re-encrypt under the newest key, or check the keys."
)


def _report(tally: encryption.Tally) -> None:
    click.echo(
        f"{tally.name:<30} {tally.total:>8} {tally.current:>8} {tally.rotated:>8}"
        f" {tally.old_key:>8} {tally.changed:>8} {tally.unreadable:>10}"
    )


def _header() -> None:
    click.echo(
        f"{'WHERE':<30} {'VALUES':>8} {'CURRENT':>8} {'ROTATED':>8} {'OLD KEY':>8}"
        f" {'CHANGED':>8} {'UNREADABLE':>10}"
    )


def _over_everything(
    on_column: Callable[[Session, str, str], encryption.Tally],
    on_files: Callable[[str], encryption.Tally],
) -> list[encryption.Tally]:
    """Run one pass over every encrypted column and the PDF files, printing a line each."""
    tallies = [
        on_column(db.session, table.name, column.name)
        for table, column in encryption.encrypted_columns(db.metadata)
    ]
    tallies.append(on_files(current_app.config["STORAGE_DIR"]))
    _header()
    for tally in tallies:
        _report(tally)
    return tallies


@encryption_group.command("rotate")
@with_appcontext
def rotate_encryption() -> None:
    """Re-encrypt every encrypted column and PDF file under the first key of ENCRYPTION_KEYS.

    Safe to run again (values already under it are skipped) and beside the running app.
    """
    tallies = _over_everything(encryption.rotate_column, encryption.rotate_files)
    unreadable = sum(tally.unreadable for tally in tallies)
    if unreadable:
        raise click.ClickException(
            f"{unreadable} values or files open with none of the keys: they were left as they"
            " are. Is a key missing from ENCRYPTION_KEYS?"
        )
    click.echo(
        f"Done: {sum(tally.rotated for tally in tallies)} re-encrypted under the newest key."
    )


@encryption_group.command("check")
@with_appcontext
def check_encryption() -> None:
    """Decrypt every encrypted value and PDF file; exit 1 if any opens with none of the keys."""
    tallies = _over_everything(encryption.check_column, encryption.check_files)
    unreadable = sum(tally.unreadable for tally in tallies)
    old = sum(tally.old_key for tally in tallies)
    if unreadable:
        raise click.ClickException(f"{unreadable} values or files open with none of the keys.")
    if old:
        click.echo(f"{old} values or files are under an older key: run 'flask encryption rotate'.")
    else:
        click.echo("Every value and file opens with the newest key.")


def init_app(app: Flask) -> None:
    """Register the commands on ``flask``."""
    app.cli.add_command(purge_old_cases)
    app.cli.add_command(api_keys_group)
    app.cli.add_command(backup_group)
    app.cli.add_command(encryption_group)
