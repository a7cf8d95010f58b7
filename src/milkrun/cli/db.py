"""``milkrun db``: versioned schema migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from alembic.util import CommandError
from sqlalchemy.exc import SQLAlchemyError

from milkrun.cli.context import console, errors, settings
from milkrun.db import migrate
from milkrun.db.engine import make_engine

app = typer.Typer(no_args_is_help=True, help="Database schema migrations.")


@contextmanager
def _reported() -> Iterator[None]:
    """An unknown revision or an unreachable database is a message and exit code 1."""
    try:
        yield
    except CommandError as exc:
        errors.print(f"[red]{exc}[/red]", soft_wrap=True)
        raise typer.Exit(1) from exc
    except SQLAlchemyError as exc:
        errors.print(f"[red]Database error:[/red] {exc}", soft_wrap=True, markup=False)
        raise typer.Exit(1) from exc


def _backup() -> None:
    config = settings()
    path = migrate.backup_sqlite(config.database_url, Path(config.backup_dir))
    if path is not None:
        console.print(f"Backed up the database to {path}", soft_wrap=True, markup=False)


@app.command()
def upgrade(revision: str = typer.Argument("head", help="Target revision")) -> None:
    """Upgrade the schema (to head by default). A SQLite file is backed up first."""
    with _reported():
        migrate.check_revision(settings().database_url, revision)
        _backup()
        migrate.upgrade(settings().database_url, revision)
    current()


@app.command()
def downgrade(revision: str = typer.Argument(..., help="Target revision, e.g. -1 or base")) -> None:
    """Downgrade the schema to REVISION. A SQLite file is backed up first."""
    with _reported():
        migrate.check_revision(settings().database_url, revision)
        _backup()
        migrate.downgrade(settings().database_url, revision)
    current()


@app.command()
def current() -> None:
    """The schema's revision, and whether it is the code's head."""
    with _reported():
        engine = make_engine(settings().database_url)
        try:
            revision = migrate.current_revision(engine)
        finally:
            engine.dispose()
    head = migrate.head_revision()
    state = "head" if revision == head else f"behind head {head}"
    console.print(f"{revision or 'empty (no schema)'} ({state})", soft_wrap=True)


@app.command()
def history() -> None:
    """Every revision, newest first."""
    for line in migrate.history(settings().database_url):
        console.print(line, soft_wrap=True, markup=False)
