"""What every command shares: the settings, the database, and turning errors into messages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from sqlalchemy.orm import Session

from milkrun.config import Settings, get_settings
from milkrun.db.session import Database
from milkrun.errors import MilkrunError

console = Console()
errors = Console(stderr=True)


def settings() -> Settings:
    try:
        return get_settings()
    except ValueError as exc:
        errors.print(f"[red]Configuration error:[/red] {exc}")
        raise typer.Exit(2) from exc


@contextmanager
def session_scope(*, write: bool = True) -> Iterator[Session]:
    """A job's unit of work; a business refusal becomes a message and exit code 1."""
    database = Database(settings().database_url)
    try:
        with database.session_scope(write=write) as session:
            yield session
    except MilkrunError as exc:
        errors.print(f"[red]{exc.detail}[/red] ({exc.code})")
        raise typer.Exit(1) from exc
    finally:
        database.dispose()
