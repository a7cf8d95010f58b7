"""The relay: claim due messages, send them, record what happened.

A pass (``relay_once``) is three short steps, none holding a transaction open while a provider
answers:

1. **claim** (one transaction): up to ``batch`` due rows become ``sending`` with a fresh claim
   token, their ``next_attempt_at`` pushed one lease ahead. On PostgreSQL the rows are picked
   ``FOR UPDATE SKIP LOCKED``, so relays on several servers never take the same row; on SQLite
   the claim is one conditional UPDATE under ``BEGIN IMMEDIATE`` (one writer at a time).
2. **send**, outside any transaction, each with its idempotency key.
3. **record** (one transaction): ``sent``, or ``pending`` again after an exponential backoff
   (``MILKRUN_NOTIFY_RETRY_SECONDS`` × 2^(attempt−1)), or ``dead`` after
   ``MILKRUN_NOTIFY_MAX_ATTEMPTS``; only while the row still carries this pass's claim token.

A relay killed between 2 and 3 leaves its rows ``sending``; when the lease runs out another
pass claims them and sends them again **with the same idempotency key**: a provider that
honours it delivers once, and no message is lost. Non-urgent messages are not claimed in quiet
hours, and nothing is claimed past the monthly cap: they wait.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.config import Settings
from milkrun.customers.models import Customer
from milkrun.db.session import Database
from milkrun.notify import consent, rendering
from milkrun.notify.channels import MessageChannel, Outgoing, SendFailed, open_channels
from milkrun.notify.errors import TemplateFailed
from milkrun.notify.models import MessageConsent, MessageStatus
from milkrun.notify.outbox import MESSAGES
from milkrun.notify.templates import REGISTRY

log = logging.getLogger("milkrun.notify.relay")
MAX_BACKOFF = dt.timedelta(hours=6)
BATCH = 100
POLL_SECONDS = 2.0


@dataclass
class Claimed:
    id: int
    idempotency_key: str
    template: str
    customer_id: int | None
    recipient: str | None
    params: dict[str, Any]
    attempts: int


@dataclass
class Outcome:
    message: Claimed
    status: MessageStatus
    channel: str | None = None
    recipient: str | None = None
    language: str | None = None
    provider_message_id: str | None = None
    error: str | None = None


@dataclass
class PassReport:
    claimed: int = 0
    counts: dict[str, int] = field(default_factory=dict)


def backoff(settings: Settings, attempts: int) -> dt.timedelta:
    delay = dt.timedelta(seconds=settings.notify_retry_seconds * 2 ** max(0, attempts - 1))
    return min(delay, MAX_BACKOFF)


@dataclass
class Batch:
    token: str
    messages: list[Claimed]


def claim(session: Session, settings: Settings, *, batch: int, now: dt.datetime) -> Batch:
    """Take up to ``batch`` due messages for this pass (see the module's docstring)."""
    usage = consent.usage(session, settings, now)
    if usage.remaining is not None:
        batch = min(batch, usage.remaining)
    token = uuid.uuid4().hex
    if batch <= 0:
        return Batch(token, [])
    due = (
        select(MESSAGES.c.id)
        .where(
            MESSAGES.c.status.in_((MessageStatus.pending.value, MessageStatus.sending.value)),
            MESSAGES.c.next_attempt_at <= now,
        )
        .order_by(MESSAGES.c.next_attempt_at, MESSAGES.c.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    if consent.in_quiet_hours(settings, now):
        due = due.where(MESSAGES.c.is_urgent)
    rows = session.execute(
        update(MESSAGES)
        .where(MESSAGES.c.id.in_(due.scalar_subquery()))
        .values(
            status=MessageStatus.sending.value,
            attempts=MESSAGES.c.attempts + 1,
            next_attempt_at=now + dt.timedelta(seconds=settings.notify_lease_seconds),
            claim_token=token,
        )
        .returning(
            MESSAGES.c.id,
            MESSAGES.c.idempotency_key,
            MESSAGES.c.template,
            MESSAGES.c.customer_id,
            MESSAGES.c.recipient,
            MESSAGES.c.params,
            MESSAGES.c.attempts,
            MESSAGES.c.claim_token,
        )
    ).all()
    return Batch(token, [Claimed(*row[:7]) for row in rows if row.claim_token == token])


def _addresses(
    session: Session, settings: Settings, claimed: Sequence[Claimed]
) -> dict[int, consent.Address | None]:
    ids = {m.customer_id for m in claimed if m.customer_id is not None}
    customers = {c.id: c for c in session.scalars(select(Customer).where(Customer.id.in_(ids)))}
    opted_in: dict[int, set[str]] = {}
    for customer_id, channel in session.execute(
        select(MessageConsent.customer_id, MessageConsent.channel).where(
            MessageConsent.customer_id.in_(ids), MessageConsent.is_opted_in
        )
    ):
        opted_in.setdefault(customer_id, set()).add(channel)
    return {
        m.id: consent.choose(
            settings,
            customers.get(m.customer_id) if m.customer_id is not None else None,
            opted_in.get(m.customer_id or 0, set()),
            m.recipient,
        )
        for m in claimed
    }


def render(message: Claimed, language: str, settings: Settings, to: str) -> Outgoing:
    template = REGISTRY.get(message.template)
    if template is None:
        raise TemplateFailed(f"there is no template {message.template!r}")
    shown = template.prepare(language, message.params, settings.zone)
    context = {**shown, "business": settings.business_name}
    return Outgoing(
        idempotency_key=message.idempotency_key,
        to=to,
        language=language,
        text=rendering.render(template.text(language), context),
        subject=f"{settings.business_name}: {template.subject(language)}",
        template=template.whatsapp_name,
        parameters=template.variables(shown),
        dlt_template_id=template.dlt_template_id,
    )


def send(
    message: Claimed,
    address: consent.Address | None,
    channels: dict[str, MessageChannel],
    settings: Settings,
) -> Outcome:
    if address is None:
        return Outcome(message, MessageStatus.skipped, error="no channel the recipient opted into")
    try:
        outgoing = render(message, address.language, settings, address.to)
        provider_id = channels[address.channel].send(outgoing)
    except TemplateFailed as exc:
        return Outcome(message, MessageStatus.dead, address.channel, address.to, error=exc.detail)
    except SendFailed as exc:
        gives_up = exc.permanent or message.attempts >= settings.notify_max_attempts
        status = MessageStatus.dead if gives_up else MessageStatus.pending
        return Outcome(
            message, status, address.channel, address.to, address.language, error=exc.reason
        )
    return Outcome(
        message, MessageStatus.sent, address.channel, address.to, address.language, provider_id
    )


def send_all(
    messages: Sequence[Claimed],
    addresses: dict[int, consent.Address | None],
    channels: dict[str, MessageChannel],
    settings: Settings,
) -> list[Outcome]:
    """Send a batch, ``MILKRUN_NOTIFY_RELAY_CONCURRENCY`` at a time."""
    workers = min(settings.notify_relay_concurrency, len(messages))
    if workers <= 1:
        return [send(m, addresses[m.id], channels, settings) for m in messages]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="milkrun-send") as pool:
        return list(pool.map(lambda m: send(m, addresses[m.id], channels, settings), messages))


_RECORD = (
    update(MESSAGES)
    .where(MESSAGES.c.id == bindparam("of_id"), MESSAGES.c.claim_token == bindparam("of_token"))
    .values(
        status=bindparam("new_status"),
        channel=bindparam("new_channel"),
        recipient=bindparam("new_recipient"),
        language=bindparam("new_language"),
        provider_message_id=bindparam("new_provider_message_id"),
        last_error=bindparam("new_last_error"),
        next_attempt_at=bindparam("new_next_attempt_at", type_=MESSAGES.c.next_attempt_at.type),
        sent_at=bindparam("new_sent_at", type_=MESSAGES.c.sent_at.type),
        dead_at=bindparam("new_dead_at", type_=MESSAGES.c.dead_at.type),
        params=bindparam("new_params", type_=MESSAGES.c.params.type),
        claim_token=None,
    )
)


def record(
    session: Session, settings: Settings, token: str, outcomes: Sequence[Outcome], now: dt.datetime
) -> None:
    """Write what the sends of one batch came to, where the rows still carry its claim token
    (a row whose lease ran out and that another pass claimed is that pass's to record)."""
    rows = []
    for o in outcomes:
        m = o.message
        finished = o.status in (MessageStatus.sent, MessageStatus.dead, MessageStatus.skipped)
        secret = REGISTRY[m.template].secret_parameters if m.template in REGISTRY else ()
        params = {k: ("(removed)" if k in secret and finished else v) for k, v in m.params.items()}
        rows.append(
            {
                "of_id": m.id,
                "of_token": token,
                "new_status": o.status.value,
                "new_channel": o.channel,
                "new_recipient": o.recipient or m.recipient,
                "new_language": o.language,
                "new_provider_message_id": o.provider_message_id,
                "new_last_error": o.error[:500] if o.error else None,
                "new_next_attempt_at": now + backoff(settings, m.attempts)
                if o.status == MessageStatus.pending
                else now,
                "new_sent_at": now if o.status == MessageStatus.sent else None,
                "new_dead_at": now if o.status == MessageStatus.dead else None,
                "new_params": params,
            }
        )
    if rows:
        session.execute(_RECORD, rows)


def relay_once(
    database: Database,
    settings: Settings,
    channels: dict[str, MessageChannel],
    *,
    batch: int = BATCH,
) -> PassReport:
    """One pass: claim, send, record. Returns what it did."""
    now = clock.now()
    with database.session_scope(write=True) as session:
        claimed = claim(session, settings, batch=batch, now=now)
        addresses = _addresses(session, settings, claimed.messages)
    outcomes = send_all(claimed.messages, addresses, channels, settings)
    with database.session_scope(write=True) as session:
        record(session, settings, claimed.token, outcomes, clock.now())
    report = PassReport(claimed=len(claimed.messages))
    for outcome in outcomes:
        report.counts[outcome.status.value] = report.counts.get(outcome.status.value, 0) + 1
        if outcome.status != MessageStatus.sent:
            log.warning("message %s: %s (%s)", outcome.message.id, outcome.status, outcome.error)
    return report


def relay_until(
    database: Database,
    settings: Settings,
    channels: dict[str, MessageChannel],
    stop: threading.Event,
    *,
    poll_seconds: float = POLL_SECONDS,
    batch: int = BATCH,
) -> None:
    """Relay until ``stop`` is set: pass after pass while there is work, else wait a poll."""
    try:
        while not stop.is_set():
            try:
                report = relay_once(database, settings, channels, batch=batch)
            except Exception:  # a failed pass must not end the relay; its rows are reclaimed
                log.exception("relay pass failed; retrying in %s s", poll_seconds)
                report = PassReport()
            if report.claimed < batch:
                stop.wait(poll_seconds)
    finally:
        for channel in channels.values():
            channel.close()


class RelayThread:
    """The relay in a daemon thread of the server (``milkrun serve``), like the scheduler."""

    def __init__(self, database: Database, settings: Settings) -> None:
        self._stop = threading.Event()
        # Opened here, so that a channel missing its settings stops the server from starting.
        channels = open_channels(settings)
        self._thread = threading.Thread(
            target=relay_until,
            args=(database, settings, channels, self._stop),
            name="milkrun-relay",
            daemon=True,
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)


Lifespan = Callable[[Any], AbstractAsyncContextManager[None]]


def lifespan(settings: Settings, database: Database, inner: Lifespan) -> Lifespan:
    """The app's lifespan ``inner`` (the scheduler), with the relay running beside it while the
    app runs, when settings ask for it (``MILKRUN_NOTIFY_RELAY``; never in tests)."""

    @asynccontextmanager
    async def run(app: Any) -> AsyncIterator[None]:
        async with inner(app):
            thread = RelayThread(database, settings) if settings.runs_relay else None
            if thread is not None:
                thread.start()
            try:
                yield
            finally:
                if thread is not None:
                    thread.stop()

    return run
