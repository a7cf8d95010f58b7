"""``milkrun import legacy DIR [--dry-run]``: the old system's export, imported once."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.exc import DBAPIError

from milkrun.audit.service import Actor
from milkrun.cli.context import console, errors, session_scope, settings
from milkrun.legacy import service
from milkrun.legacy.report import ImportReport

app = typer.Typer(no_args_is_help=True, help="Imports of data from other systems.")

# Notices printed in full; the rest are counted (the report returned by the service has all).
NOTICES_SHOWN = 50


class _Bar:
    """The service's progress, as one rich progress bar per step (a file read, rows written)."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID | None = None

    def begin(self, description: str, total: int) -> None:
        if self.task is not None:
            self.progress.update(self.task, completed=self.progress.tasks[-1].total)
        self.task = self.progress.add_task(description, total=total)

    def advance(self, amount: int) -> None:
        if self.task is not None:
            self.progress.advance(self.task, amount)


def _print(report: ImportReport) -> None:
    table = Table(title="Legacy import" + (" (dry run: nothing changed)" if report.dry_run else ""))
    table.add_column("collection")
    for column in ("read", "created", "already imported", "existing", "skipped"):
        table.add_column(column, justify="right")
    for counts in report.collections:
        if counts.read:
            table.add_row(
                counts.collection,
                *(
                    str(n)
                    for n in (
                        counts.read,
                        counts.created,
                        counts.already_imported,
                        counts.existing,
                        counts.skipped,
                    )
                ),
            )
    console.print(table)

    repairs = report.repairs
    fixed = Table(title="Links repaired")
    fixed.add_column("repair")
    fixed.add_column("count", justify="right")
    fixed.add_column("legacy _ids", overflow="fold")
    rows: list[tuple[str, int, list[str]]] = [
        ("orders linked to their subscription", repairs.orders_linked, []),
        ("orders kept as one-time orders", repairs.orders_one_time, []),
        ("  of which: the subscription had that date's order", len(repairs.orders_one_time_taken),
         repairs.orders_one_time_taken),
        ("day changes (overrides) from linked orders", repairs.overrides_created, []),
        ("confirmations linked to their order", repairs.confirmations_linked, []),
        ("confirmations unmatched", len(repairs.confirmations_unmatched),
         repairs.confirmations_unmatched),
        ("confirmations ambiguous", len(repairs.confirmations_ambiguous),
         repairs.confirmations_ambiguous),
        ("confirmations rejected", len(repairs.confirmations_rejected),
         repairs.confirmations_rejected),
        ("logins linked to their customer", repairs.logins_linked, []),
        ("logins left unlinked (disabled)", len(repairs.logins_unlinked), repairs.logins_unlinked),
        ("logins without a password", len(repairs.logins_without_password),
         repairs.logins_without_password),
    ]  # fmt: skip
    for label, count, ids in rows:
        shown = ", ".join(ids[:20]) + (f" … ({len(ids) - 20} more)" if len(ids) > 20 else "")
        fixed.add_row(label, str(count), shown)
    console.print(fixed)

    if report.notices:
        notices = Table(title=f"Reported ({len(report.notices)})")
        for column in ("collection", "_id", "code", "detail"):
            notices.add_column(column, overflow="fold")
        for notice in report.notices[:NOTICES_SHOWN]:
            notices.add_row(notice.collection, notice.legacy_id, notice.code, notice.detail)
        console.print(notices)
        if len(report.notices) > NOTICES_SHOWN:
            console.print(f"… and {len(report.notices) - NOTICES_SHOWN} more notices")
    for name in report.ignored_files:
        console.print(f"Ignored {name}: not a collection of the export", markup=False)
    if report.nothing_new:
        console.print("Nothing new: the database already has everything in this export.")
    elif report.dry_run:
        console.print("Dry run: the import above was rolled back; nothing changed.")
    else:
        console.print("[green]Imported.[/green]")


@app.command("legacy")
def legacy(
    directory: Path = typer.Argument(..., help="The export: a directory of <collection>.jsonl"),
    dry_run: bool = typer.Option(False, "--dry-run", help="Do it all, report, change nothing"),
) -> None:
    """Import the old system's export, repairing its missing links (docs/legacy-import.md).
    All or nothing; running it again imports only what is new. Exits 1 on a malformed export
    (the message names the file, line and field), with nothing changed."""
    zone = settings().zone
    try:
        with (
            Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                TextColumn("{task.percentage:>3.0f}%"),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            ) as progress,
            session_scope() as session,
        ):
            report = service.import_export(
                session,
                directory,
                Actor.system("cli:import legacy", channel="cli"),
                zone=zone,
                dry_run=dry_run,
                progress=_Bar(progress),
            )
    except DBAPIError as exc:
        errors.print(
            f"[red]The database refused the import; nothing was changed:[/red] {exc.orig}",
            soft_wrap=True,
        )
        raise typer.Exit(1) from exc
    _print(report)
