"""``milkrun orders``: the order book's jobs."""

from __future__ import annotations

import datetime as dt

import typer
from rich.table import Table

from milkrun import clock
from milkrun.audit.service import Actor
from milkrun.cli.context import console, errors, session_scope, settings
from milkrun.wallets import generation as wallet_generation

app = typer.Typer(no_args_is_help=True, help="The order book.")


def _parse_date(value: str) -> dt.date:
    today = clock.today(settings().zone)
    named = {"today": today, "tomorrow": today + dt.timedelta(days=1)}
    if value in named:
        return named[value]
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        errors.print(f"[red]{value!r} is not a date: use YYYY-MM-DD, today or tomorrow[/red]")
        raise typer.Exit(1) from exc


@app.command("generate")
def generate_command(
    date: str = typer.Option(..., "--date", help="YYYY-MM-DD, or today / tomorrow"),
    dry_run: bool = typer.Option(False, "--dry-run", help="Report, change nothing"),
    past: bool = typer.Option(
        False, "--past", help="A date before today, in a month still open (needs --reason)"
    ),
    reason: str | None = typer.Option(None, "--reason", help="Why a past date (audited)"),
) -> None:
    """Materialize the orders of a date from the subscriptions due on it. Idempotent: run it
    at the cut-off (cron: `milkrun orders generate --date tomorrow` at 22:00) and again at will.
    A date before today is refused (exit 1) unless --past --reason "..." and its month is still
    open; a date of a month whose bills are finalized always."""
    day = _parse_date(date)
    with session_scope() as session:
        report = wallet_generation.generate(
            session,
            day,
            Actor.system("cli:orders generate", channel="cli"),
            settings(),
            today=clock.today(settings().zone),
            dry_run=dry_run,
            past=past,
            reason=reason,
            trigger="cli",
        )
    console.print(f"Orders of {day}" + (" (dry run: nothing changed)" if dry_run else ""))
    table = Table()
    for column in ("created", "updated", "cancelled", "unchanged"):
        table.add_column(column, justify="right")
    counts = report.counts
    table.add_row(
        *(str(v) for v in (counts.created, counts.updated, counts.cancelled, counts.unchanged))
    )
    console.print(table)
    for holiday in report.holidays:
        console.print(f"Holiday · {holiday}: no orders for those customers")
