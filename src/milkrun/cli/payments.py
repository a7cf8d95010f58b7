"""``milkrun payments``: money received, from a bank or UPI statement."""

from __future__ import annotations

from pathlib import Path

import typer

from milkrun.audit.service import Actor
from milkrun.cli.context import console, errors, session_scope
from milkrun.statements import service

app = typer.Typer(no_args_is_help=True, help="Payments received.")


@app.command("import-statement")
def import_statement(
    file: Path = typer.Argument(..., help="The statement, as CSV"),
    mapping: str | None = typer.Option(
        None,
        "--mapping",
        help="sbi, hdfc, icici, axis, upi-merchant, generic or a saved mapping "
        "(default: the mapping of the last import)",
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what it finds; record nothing"),
) -> None:
    """Import a statement's credits and propose a customer for each; the owner confirms them on
    the Statements page (or with the API). Credits imported before are not kept again; a
    malformed file records nothing."""
    try:
        content = file.read_bytes()
    except OSError as exc:
        errors.print(f"[red]Cannot read {file}: {exc.strerror}[/red]", soft_wrap=True)
        raise typer.Exit(1) from None
    with session_scope() as session:
        result = service.import_statement(
            session,
            content,
            file_name=file.name,
            mapping_name=service.mapping_to_use(session, mapping),
            actor=Actor.system("cli:payments import-statement", channel="cli"),
            dry_run=dry_run,
        )
    console.print(
        f"{'Would import' if dry_run else 'Imported'} {file.name} ({result.mapping}): "
        f"{result.rows_read} rows, {result.credits_new} new credits "
        f"({result.proposed} proposed, {result.unmatched} unmatched, "
        f"{result.already_recorded} already recorded), "
        f"{result.credits_seen_before} imported before, {result.debits_skipped} debits skipped"
        + ("; nothing recorded (dry run)" if dry_run else ""),
        soft_wrap=True,
        markup=False,
    )
