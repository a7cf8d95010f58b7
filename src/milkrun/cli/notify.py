"""``milkrun notify``: the message relay and the owner's view of the outbox."""

from __future__ import annotations

import signal
import threading
from types import FrameType

import typer
from rich.table import Table

from milkrun.audit.service import Actor
from milkrun.billing import reminders
from milkrun.cli.context import console, errors, session_scope, settings
from milkrun.db.session import Database
from milkrun.notify import consent, relay, service
from milkrun.notify.channels import open_channels
from milkrun.notify.models import MessageStatus

app = typer.Typer(no_args_is_help=True, help=__doc__)


@app.command("relay")
def run_relay(
    once: bool = typer.Option(False, "--once", help="One pass, then exit"),
    poll: float = typer.Option(relay.POLL_SECONDS, min=0.05, help="Seconds between idle passes"),
    batch: int = typer.Option(relay.BATCH, min=1, max=1000, help="Messages per pass"),
) -> None:
    """Send due messages: claim, send with the idempotency key, record; until stopped (Ctrl-C,
    SIGTERM). Any number of relays may run against PostgreSQL (SKIP LOCKED)."""
    config = settings()
    try:
        channels = open_channels(config)
    except ValueError as exc:
        errors.print(f"[red]Configuration error:[/red] {exc}")
        raise typer.Exit(2) from exc
    database = Database(config.database_url)
    try:
        if once:
            report = relay.relay_once(database, config, channels, batch=batch)
            console.print(f"claimed {report.claimed}: {report.counts or 'nothing due'}")
            for channel in channels.values():
                channel.close()
            return
        stop = threading.Event()

        def stop_on(_signal: int, _frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, stop_on)
        signal.signal(signal.SIGINT, stop_on)
        console.print(f"relaying messages by {', '.join(channels)} (Ctrl-C stops)")
        relay.relay_until(database, config, channels, stop, poll_seconds=poll, batch=batch)
    finally:
        database.dispose()


@app.command("remind-dues")
def remind_dues() -> None:
    """Remind every bill still unpaid MILKRUN_NOTIFY_DUES_REMINDER_DAYS after its due date
    (once per bill; run it daily)."""
    config = settings()
    with session_scope() as session:
        written = reminders.remind_dues(session, config)
    console.print(f"{written} reminder(s) written to the outbox")


@app.command("dead-letters")
def dead_letters(limit: int = typer.Option(50, min=1, max=500)) -> None:
    """The messages the relay gave up on, newest first."""
    with session_scope(write=False) as session:
        found, _ = service.list_messages(
            session, limit=limit, cursor=None, status=MessageStatus.dead
        )
        table = Table("id", "template", "customer", "channel", "attempts", "last error")
        for m in found:
            table.add_row(
                str(m.id),
                m.template,
                str(m.customer_id or m.recipient),
                m.channel or "",
                str(m.attempts),
                m.last_error or "",
            )
    console.print(table)


@app.command("retry")
def retry(message_id: int = typer.Argument(..., min=1)) -> None:
    """Send a dead (or skipped) message again."""
    with session_scope() as session:
        message = service.retry(session, message_id, Actor.system("milkrun notify retry"))
        console.print(f"message {message.id} is {message.status} again")


@app.command("usage")
def usage() -> None:
    """Messages sent this month against the monthly cap."""
    config = settings()
    with session_scope(write=False) as session:
        found = consent.usage(session, config)
    cap = "no cap" if found.cap is None else f"cap {found.cap}, {found.remaining} left"
    console.print(f"{found.month}: {found.sent} sent ({cap})")
