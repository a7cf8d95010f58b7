"""What every command shares: the settings, the database, and turning errors into messages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import typer
from pydantic import ValidationError
from rich.console import Console
from sqlalchemy.orm import Session

from milkrun.audit.service import Actor
from milkrun.billing import reconciliations
from milkrun.config import Settings, get_settings
from milkrun.db.session import Database
from milkrun.errors import MilkrunError

console = Console()
errors = Console(stderr=True)


def _configuration_problem(exc: ValueError) -> str:
    """One line naming the setting (its environment variable) and what is wrong with it."""
    if not isinstance(exc, ValidationError):
        return str(exc)
    problems = []
    for error in exc.errors():
        message = str(error["msg"]).removeprefix("Value error, ")
        names = [str(part) for part in error["loc"]]
        problems.append(f"MILKRUN_{names[0].upper()}: {message}" if names else message)
    return "; ".join(problems)


def settings() -> Settings:
    """The settings; a bad configuration is one line naming the setting, and exit code 2."""
    try:
        return get_settings()
    except ValueError as exc:
        errors.print(
            f"Configuration error: {_configuration_problem(exc)}", soft_wrap=True, markup=False
        )
        raise typer.Exit(2) from None


@contextmanager
def refusals() -> Iterator[None]:
    """A business refusal or an invalid value is a message and exit code 1."""
    try:
        yield
    except MilkrunError as exc:
        errors.print(f"[red]{exc.detail}[/red] ({exc.code})", soft_wrap=True)
        raise typer.Exit(1) from exc


@contextmanager
def session_scope(*, write: bool = True) -> Iterator[Session]:
    """A job's unit of work; a business refusal or an invalid value becomes a message and exit
    code 1, and nothing of the job is kept."""
    database = Database(settings().database_url)
    try:
        with database.session_scope(write=write) as session:
            yield session
    except MilkrunError as exc:
        errors.print(f"[red]{exc.detail}[/red] ({exc.code})", soft_wrap=True)
        raise typer.Exit(1) from exc
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"])
            message = f"{where}: {error['msg']}" if where else error["msg"]
            errors.print(message, style="red", soft_wrap=True, markup=False)
        raise typer.Exit(1) from exc
    finally:
        database.dispose()


def store_reconciliations(months: Iterable[dt.date], actor: Actor, trigger: str) -> None:
    """After a job's unit of work committed: check and store the reconciliation of ``months``
    for the owner's page (``billing.reconciliations.refresh``: a failure is logged, never the
    job's)."""
    database = Database(settings().database_url)
    try:
        reconciliations.refresh(database, months, actor, trigger, settings())
    finally:
        database.dispose()
