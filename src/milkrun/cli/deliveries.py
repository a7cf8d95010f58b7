"""``milkrun deliveries``: jobs of the delivery day."""

from __future__ import annotations

import typer

from milkrun.cli.context import console, session_scope
from milkrun.deliveries import idempotency

app = typer.Typer(no_args_is_help=True, help="Deliveries.")


@app.command("purge-keys")
def purge_keys() -> None:
    """Delete the Idempotency-Keys older than 72 hours (cron: daily). Older keys no longer
    replay anyway; this keeps the table small."""
    with session_scope() as session:
        removed = idempotency.purge(session)
    console.print(f"Removed {removed} idempotency key(s) older than 72 hours")
