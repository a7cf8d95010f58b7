"""``milkrun billing``: the month's bills, and proof that they match what was delivered."""

from __future__ import annotations

import datetime as dt
import re

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from milkrun import clock
from milkrun.audit.service import Actor
from milkrun.billing import gstr1, invoicing, months, reconcile, reconciliations, service
from milkrun.billing.schemas import MONTH_PATTERN, Reconciliation, parse_month
from milkrun.cli.context import (
    console,
    errors,
    refusals,
    session_scope,
    settings,
    store_reconciliations,
)
from milkrun.counter_sales import returns as counter_returns

app = typer.Typer(no_args_is_help=True, help="Monthly bills.")


def _month(value: str) -> dt.date:
    if not re.fullmatch(MONTH_PATTERN, value):
        errors.print(
            f"[red]{value!r} is not a month: use YYYY-MM (2000 to 2099), e.g. 2026-11[/red]"
        )
        raise typer.Exit(1)
    return parse_month(value)


@app.command("run")
def run_command(
    month: str = typer.Option(..., "--month", help="YYYY-MM"),
    finalize: bool = typer.Option(False, "--finalize", help="Also number and issue the drafts"),
) -> None:
    """Bill a month: one draft invoice per customer from what was delivered (re-running
    rebuilds the drafts and never touches issued invoices); --finalize issues them, numbered."""
    first = _month(month)
    with refusals():  # a month that cannot be billed is refused before the progress bar
        months.check_billable_month(first, clock.today(settings().zone))
    steps = invoicing.REBUILD_STEPS + (2 if finalize else 0)
    actor = Actor.system("cli:billing run", channel="cli")
    with (
        Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        ) as progress,
        session_scope() as session,
    ):
        task = progress.add_task(f"Billing {month}", total=steps)

        def step(description: str) -> None:
            progress.update(task, advance=1, description=description)

        result = service.run_billing(
            session,
            first,
            actor,
            settings(),
            finalize=finalize,
            progress=step,
        )
        progress.update(task, description="committing")
    trigger = reconciliations.FINALIZE if finalize else reconciliations.BILLING_RUN
    store_reconciliations([first], actor, trigger)
    table = Table(title=f"Billing {result.month}")
    for column in ("drafts", "created", "updated", "deleted", "finalized", "total (₹)"):
        table.add_column(column, justify="right")
    table.add_row(
        str(result.invoices),
        str(result.invoices_created),
        str(result.invoices_updated),
        str(result.invoices_deleted),
        str(result.invoices_finalized),
        result.total,
    )
    console.print(table)


@app.command("reconcile")
def reconcile_command(month: str = typer.Option(..., "--month", help="YYYY-MM")) -> None:
    """List delivered orders that are on no invoice, invoiced quantities with no delivery
    behind them, past orders unresolved, adjustments a finalized month did not carry, and
    customers whose bills − payments do not match the ledger; exits 1 when any list is not
    empty (or the totals differ)."""
    first = _month(month)
    with session_scope(write=False) as session:
        report = reconcile.reconcile(session, first, today=clock.today(settings().zone))
    console.print(
        f"{report.month}: delivered ₹{report.delivered_total}, billed ₹{report.billed_total} "
        "(before tax)"
    )
    if report.delivered_not_billed:
        table = Table(title=f"Delivered, not billed ({report.delivered_not_billed_count})")
        for column in ("order", "invoice", "customer", "date", "product", "qty", "₹"):
            table.add_column(column)
        for row in report.delivered_not_billed:
            table.add_row(
                str(row.order_id or ""),
                str(row.invoice_id or ""),
                str(row.customer_id),
                str(row.delivery_date or ""),
                str(row.product_id),
                str(row.quantity),
                row.amount,
            )
        console.print(table)
    if report.billed_not_delivered:
        table = Table(title=f"Billed, not delivered ({report.billed_not_delivered_count})")
        for column in ("invoice", "number", "customer", "product", "billed", "delivered", "₹"):
            table.add_column(column)
        for over in report.billed_not_delivered:
            table.add_row(
                str(over.invoice_id),
                over.number or "draft",
                str(over.customer_id),
                str(over.product_id),
                str(over.billed_quantity),
                str(over.delivered_quantity),
                over.amount,
            )
        console.print(table)
    _leak_tables(report)
    if not report.clean:
        errors.print("[red]Billing does not match the deliveries of this month.[/red]")
        raise typer.Exit(1)
    console.print("[green]Every delivered unit is billed exactly once.[/green]")


def _leak_tables(report: Reconciliation) -> None:
    if report.unresolved_orders:
        table = Table(title=f"Past orders unresolved ({report.unresolved_orders_count})")
        for column in ("order", "customer", "date", "product", "qty"):
            table.add_column(column)
        for order in report.unresolved_orders:
            table.add_row(
                str(order.order_id),
                str(order.customer_id),
                str(order.delivery_date),
                str(order.product_id),
                str(order.quantity),
            )
        console.print(table)
    if report.adjustments_not_carried:
        table = Table(title=f"Adjustments not carried ({report.adjustments_not_carried_count})")
        for column in ("adjustment", "customer", "order", "against invoice", "₹"):
            table.add_column(column)
        for adjustment in report.adjustments_not_carried:
            table.add_row(
                str(adjustment.adjustment_id),
                str(adjustment.customer_id),
                str(adjustment.order_id),
                str(adjustment.against_invoice_id),
                adjustment.amount,
            )
        console.print(table)
    if report.balance_mismatches:
        table = Table(title=f"Balances not matching the ledger ({report.balance_mismatches_count})")
        for column in ("customer", "billed", "paid", "not yet billed", "from bills", "ledger"):
            table.add_column(column)
        for row in report.balance_mismatches:
            table.add_row(
                str(row.customer_id),
                row.billed,
                row.paid,
                row.not_yet_billed,
                row.from_bills,
                row.ledger_balance,
            )
        console.print(table)


@app.command("gstr1")
def gstr1_command(
    month: str = typer.Option(..., "--month", help="YYYY-MM"),
    table: str | None = typer.Option(
        None, "--table", help="Print this table as CSV: " + ", ".join(gstr1.TABLE_NAMES)
    ),
) -> None:
    """The month's GSTR-1-style return (bills issued that month): B2B, B2C by rate, nil-rated,
    HSN summary, documents issued and cancelled numbers. With --table, that table's CSV (the
    same rows as the page and the API)."""
    first = _month(month)
    if table is not None and table not in gstr1.TABLE_NAMES:
        errors.print(f"[red]No table {table!r}: use one of {', '.join(gstr1.TABLE_NAMES)}[/red]")
        raise typer.Exit(1)
    with session_scope(write=False) as session:
        found = counter_returns.gstr1(session, first, settings())
    if table is not None:
        typer.echo(found.table(table).csv(), nl=False)
        return
    console.print(f"GSTR-1 {month} · GSTIN {found.gstin} · {found.state}")
    for each in found.tables:
        shown = Table(title=f"{each.title} ({len(each.rows)})")
        for column in each.columns:
            shown.add_column(column.title, justify="left" if column.kind == "text" else "right")
        for row in each.rows:
            shown.add_row(*(each.cell(c, v) for c, v in zip(each.columns, row, strict=True)))
        console.print(shown)
