"""``milkrun deliveries``: jobs of the delivery day."""

from __future__ import annotations

import datetime as dt

import typer
from rich.table import Table

from milkrun import clock
from milkrun.billing import reconciliations
from milkrun.cli.context import console, errors, session_scope, settings, store_reconciliations
from milkrun.deliveries import closes, closing, idempotency

app = typer.Typer(no_args_is_help=True, help="Deliveries.")


@app.command("purge-keys")
def purge_keys() -> None:
    """Delete the Idempotency-Keys older than 72 hours (cron: daily). Older keys no longer
    replay anyway; this keeps the table small."""
    with session_scope() as session:
        removed = idempotency.purge(session)
    console.print(f"Removed {removed} idempotency key(s) older than 72 hours")


@app.command("close")
def close_command(
    date: str = typer.Option(..., "--date", help="YYYY-MM-DD, or yesterday"),
) -> None:
    """Close a delivery day that is over: every order still unmarked is resolved by the dairy's
    policy (MILKRUN_DAY_CLOSE_POLICY: delivered, not_delivered or review), marked by the day
    close, audited. Idempotent. The server closes each day by itself at MILKRUN_DAY_CLOSE_TIME
    on the next day."""
    zone = settings().zone
    yesterday = clock.today(zone) - dt.timedelta(days=1)
    try:
        day = yesterday if date == "yesterday" else dt.date.fromisoformat(date)
    except ValueError as exc:
        errors.print(f"[red]{date!r} is not a date: use YYYY-MM-DD or yesterday[/red]")
        raise typer.Exit(2) from exc
    system = closing.system_actor("cli")
    with session_scope() as session:
        closed = closing.close_day(session, day, system, settings())
        report = closes.read_close(session, closed.record)
    store_reconciliations([day], system, reconciliations.DAY_CLOSE)
    console.print(
        f"Closed {day} ({report.policy}): marked delivered {closed.delivered}, "
        f"not delivered {closed.not_delivered}, left for review {closed.review}"
    )
    table = Table(title=f"The close of {day}, all runs")
    for column in ("marked by people", "delivered (close)", "not delivered (close)", "review"):
        table.add_column(column, justify="right")
    table.add_row(
        str(report.marked), str(report.delivered), str(report.not_delivered), str(report.review)
    )
    console.print(table)
    if report.unresolved:
        errors.print(
            f"[yellow]{report.unresolved} order(s) of {day} wait for the owner's review "
            "(GET /api/v1/day-closes/review)[/yellow]"
        )
