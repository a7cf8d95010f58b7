"""Who may be written to, on which channel, and when: opt-ins, quiet hours and the monthly cap."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit import service as audit
from milkrun.config import Settings
from milkrun.customers import queries as customer_queries
from milkrun.customers.models import Customer
from milkrun.notify.errors import UnknownChannel
from milkrun.notify.models import Channel, MessageConsent, MessageStatus, OutboxMessage

# The channels that need the customer's opt-in; the log sends nothing, so it needs none.
CONSENTED = (Channel.whatsapp, Channel.sms, Channel.email)


def consented_channel(name: str) -> Channel:
    """The channel called ``name`` among those that need a customer's opt-in (400
    ``unknown_channel`` for any other name, the log included: it sends nothing)."""
    try:
        channel = Channel(name)
    except ValueError:
        channel = Channel.log
    if channel not in CONSENTED:
        raise UnknownChannel("Choose WhatsApp, SMS or email: the channels a customer opts into")
    return channel


def record_consent(
    session: Session,
    customer_id: int,
    channel: Channel,
    *,
    opted_in: bool,
    source: str,
    actor: audit.Actor,
) -> MessageConsent:
    """Record a customer's opt-in or opt-out for a channel, with when and how it was given;
    the latest word counts, and the change is audited."""
    customer_queries.get_customer(session, customer_id)  # 404 for a customer that is not
    channel = consented_channel(channel.value)
    consent = session.scalar(
        select(MessageConsent).where(
            MessageConsent.customer_id == customer_id, MessageConsent.channel == channel.value
        )
    )
    before = audit.snapshot(consent) if consent is not None else None
    if consent is None:
        consent = MessageConsent(customer_id=customer_id, channel=channel.value)
        session.add(consent)
    consent.is_opted_in = opted_in
    consent.source = source
    consent.recorded_at = clock.now()
    consent.recorded_by_user_id = actor.user_id
    session.flush()
    audit.record(
        session,
        actor,
        "message_consent.opt_in" if opted_in else "message_consent.opt_out",
        "message_consent",
        consent.id,
        before=before,
        after=audit.snapshot(consent),
        customer_id=customer_id,
    )
    return consent


def consents_of(session: Session, customer_id: int) -> Sequence[MessageConsent]:
    customer_queries.get_customer(session, customer_id)  # 404 for a customer that is not
    return session.scalars(
        select(MessageConsent)
        .where(MessageConsent.customer_id == customer_id)
        .order_by(MessageConsent.channel)
    ).all()


def in_quiet_hours(settings: Settings, now: dt.datetime) -> bool:
    """No non-urgent message between ``notify_quiet_start`` and ``notify_quiet_end`` local time
    (21:00–07:00 by default): such messages wait, they are not dropped."""
    local = now.astimezone(settings.zone).time()
    start, end = settings.notify_quiet_start, settings.notify_quiet_end
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def month_start(settings: Settings, now: dt.datetime) -> dt.datetime:
    local = now.astimezone(settings.zone)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0).astimezone(dt.UTC)


@dataclass(frozen=True)
class Usage:
    month: str
    sent: int
    cap: int | None

    @property
    def remaining(self) -> int | None:
        return None if self.cap is None else max(0, self.cap - self.sent)


def usage(session: Session, settings: Settings, now: dt.datetime | None = None) -> Usage:
    """Messages sent this (local) month against the dairy's cap (``MILKRUN_NOTIFY_MONTHLY_CAP``;
    0: none). Past the cap the relay holds messages until the next month."""
    now = now or clock.now()
    since = month_start(settings, now)
    sent = session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.status == MessageStatus.sent.value, OutboxMessage.sent_at >= since)
    )
    cap = settings.notify_monthly_cap or None
    return Usage(month=f"{now.astimezone(settings.zone):%Y-%m}", sent=int(sent or 0), cap=cap)


@dataclass(frozen=True)
class Address:
    channel: str
    to: str
    language: str


def choose(
    settings: Settings,
    customer: Customer | None,
    opted_in: set[str],
    recipient: str | None,
) -> Address | None:
    """The first channel of ``MILKRUN_NOTIFY_CHANNELS`` the message can go by: one the customer
    opted into (the log needs no opt-in) with an address for it; a message given a recipient
    (a substitute's phone, sent at an admin's request) goes by the first phone channel."""
    language = customer.language if customer is not None else "en"
    for channel in settings.channels:
        if customer is None:
            if recipient and (channel != Channel.email) == ("@" not in recipient):
                return Address(channel, recipient, language)
            continue
        if channel != Channel.log and channel not in opted_in:
            continue
        to = customer.email if channel == Channel.email else customer.phone
        if to:
            return Address(channel, to, language)
    return None
