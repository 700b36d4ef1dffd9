"""``flask backup``: create, verify, restore and prune backups; replay the binlog (PITR).

Operator output is in English, like the other ``flask`` commands; every failure exits
non-zero with the reason and its stable code, e.g. ``Error: ... [wrong_key]``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from app.backup import binlog, create, mariadb, restore, settings, verify
from app.backup.errors import BackupError
from app.extensions import db

Command = TypeVar("Command", bound=Callable[..., Any])
FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _app() -> Flask:
    return current_app._get_current_object()  # type: ignore[attr-defined,no-any-return]


@contextmanager
def _reported() -> Iterator[None]:
    """Turn a BackupError into a clean non-zero exit with its message and code."""
    try:
        yield
    except BackupError as exc:
        raise click.ClickException(f"{exc} [{exc.code}]") from exc


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:.1f} MiB" if count >= 1024 * 1024 else f"{count} B"


@click.group("backup")
def backup_group() -> None:
    """Back up and restore the database, stored PDFs and configuration."""


@backup_group.command("create")
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the archive (default: BACKUP_DIR, else instance/backups).",
)
@with_appcontext
def create_command(output: Path | None) -> None:
    """Write one encrypted archive: database dump, stored files, configuration, manifest."""
    app = _app()
    with _reported():
        made = create.create(
            settings.source_of(app),
            output or settings.backup_dir(app),
            settings.archive_keyring(app),
            exclude=(settings.backup_dir(app),),
        )
    record = made.manifest["database"]
    position = record["binlog"]
    click.echo(f"Backup written: {made.path} ({_size(made.size)})")
    click.echo(
        f"  database: {record['kind']}, {sum(record['row_counts'].values())} rows in "
        f"{len(record['row_counts'])} tables, schema {record['alembic_revision']}"
    )
    click.echo(f"  stored files: {made.manifest['storage_files']}")
    if position:
        click.echo(f"  binlog position: {position['file']}:{position['position']}")


@backup_group.command("verify")
@click.argument("file", type=FILE)
@with_appcontext
def verify_command(file: Path) -> None:
    """Decrypt a backup and check every member, the manifest and the database copy."""
    with _reported():
        summary = verify.verify(file, settings.archive_keyring(_app()))
    _print_summary(summary)
    click.echo("OK: the backup is complete and unaltered.")


def _print_summary(summary: verify.Summary) -> None:
    record = summary.database
    click.echo(
        f"Backup {summary.path} ({_size(summary.size)}), made {summary.manifest['created_at']}"
    )
    click.echo(
        f"  database: {record['kind']}, {summary.rows} rows in {len(record['row_counts'])} "
        f"tables, schema {record.get('alembic_revision')}"
    )
    for table, rows in sorted(record["row_counts"].items()):
        click.echo(f"    {table}: {rows}")
    click.echo(
        f"  stored files: {summary.manifest.get('storage_files', 0)} "
        f"({_size(summary.storage_bytes)}); members checked: {len(summary.manifest['members'])}"
    )
    if record.get("binlog"):
        click.echo(f"  binlog position: {record['binlog']['file']}:{record['binlog']['position']}")


@backup_group.command("restore")
@click.argument("file", type=FILE)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--force", is_flag=True, help="Restore even over a database or storage with data.")
@click.option(
    "--restore-instance",
    is_flag=True,
    help="Also write the backed-up instance/ files (secret_key, encryption_key) where missing; "
    "with --force, replace differing ones.",
)
@with_appcontext
def restore_command(file: Path, yes: bool, force: bool, restore_instance: bool) -> None:
    """Restore a backup into the configured (empty) database and storage folder."""
    app = _app()
    source = settings.source_of(app)
    if not yes:
        click.confirm(
            f"Restore {file.name} into {source.database_kind} database "
            f"{Path(db.engine.url.database or '').name!r} and {source.storage_dir}?",
            abort=True,
        )
    with _reported():
        done = restore.restore(
            file,
            settings.archive_keyring(app),
            source,
            db.engine,
            force=force,
            restore_instance=restore_instance,
        )
    _print_summary(done.summary)
    click.echo(
        f"Restored: {sum(done.row_counts.values())} rows (counts match), {done.files} files."
    )
    for line in done.instance:
        click.echo(f"  {line}")
    if done.differences:
        click.echo("Configuration differences (backup vs this machine):")
        for line in done.differences:
            click.echo(f"  {line}")
    else:
        click.echo("Configuration: no differences.")


@backup_group.command("prune")
@click.option("--keep", type=click.IntRange(min=1), help="How many to keep (BACKUP_KEEP, 14).")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), help="The folder.")
@with_appcontext
def prune_command(keep: int | None, output: Path | None) -> None:
    """Delete all but the newest backups in the backup folder."""
    app = _app()
    with _reported():
        count = keep or settings.keep_count(app)
    deleted = create.prune(output or settings.backup_dir(app), count)
    for path in deleted:
        click.echo(f"Deleted {path}")
    click.echo(f"Kept the newest {count}; deleted {len(deleted)}.")


def _binlog_options(command: Command) -> Command:
    command = click.option(
        "--binlog-dir",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        help="The folder of the binlog files (the server's log_bin basename folder).",
    )(command)
    command = click.option(
        "--files",
        "files",
        multiple=True,
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Binlog files, one per option (instead of --binlog-dir).",
    )(command)
    return command


@backup_group.command("binlog-events")
@click.argument("file", type=FILE)
@_binlog_options
@click.option("--grep", help="Only transactions whose statements contain this (any case).")
@with_appcontext
def binlog_events_command(
    file: Path, binlog_dir: Path | None, files: tuple[Path, ...], grep: str | None
) -> None:
    """List the transactions since a backup: file, start position, UTC time, statements."""
    with _reported():
        summary = verify.verify(file, settings.archive_keyring(_app()))
        start = binlog.start_of(summary.manifest)
        chosen = binlog.files_from(start, binlog_dir, list(files))
        found = binlog.transactions(start, chosen)
    for transaction in found:
        if grep and grep.lower() not in " ".join(transaction.statements).lower():
            continue
        click.echo(
            f"{transaction.file}  {transaction.position:>10}  {transaction.time}  "
            f"{transaction.summary}"
        )


@backup_group.command("replay-binlog")
@click.argument("file", type=FILE)
@_binlog_options
@click.option("--until", help="Stop before the first event at this UTC time 'YYYY-mm-dd HH:MM:SS'.")
@click.option("--stop-position", type=click.IntRange(min=4), help="Stop before this event.")
@click.option("--stop-file", help="The binlog file --stop-position is in (default: the last).")
@click.option("--dry-run", is_flag=True, help="Print the mariadb-binlog arguments only.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def replay_binlog_command(
    file: Path,
    binlog_dir: Path | None,
    files: tuple[Path, ...],
    until: str | None,
    stop_position: int | None,
    stop_file: str | None,
    dry_run: bool,
    yes: bool,
) -> None:
    """Apply the binlog from a restored backup's position up to a point in time (PITR)."""
    app = _app()
    source = settings.source_of(app)
    with _reported():
        if source.database_kind != "mariadb":
            raise BackupError("unsupported", "Binlog replay is for MariaDB only.")
        summary = verify.verify(file, settings.archive_keyring(app))
        start = binlog.start_of(summary.manifest)
        chosen = binlog.files_from(start, binlog_dir, list(files))
        target = mariadb.database_name(source.database_uri)
        arguments = binlog.replay_arguments(
            start,
            chosen,
            until=until,
            stop_position=stop_position,
            stop_file=stop_file,
            database=summary.database.get("database_name"),
            rewrite_to=target,
        )
        click.echo("mariadb-binlog " + " ".join(arguments))
        if dry_run:
            return
        if not yes:
            click.confirm(f"Apply these events to the database {target!r}?", abort=True)
        binlog.replay(source.database_uri, arguments)
    click.echo(f"Replayed the binlog from {start.file}:{start.position} into {target}.")
