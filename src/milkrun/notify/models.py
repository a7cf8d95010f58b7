from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from milkrun import clock
from milkrun.db.base import Base


class MessageStatus(enum.StrEnum):
    pending = "pending"  # waiting for its next attempt (or for quiet hours to end)
    sending = "sending"  # claimed by a relay until next_attempt_at (then claimable again)
    sent = "sent"  # the channel accepted it
    skipped = "skipped"  # no channel the recipient opted into, or no address: not sent
    dead = "dead"  # gave up after the last attempt: a dead letter, retried by the owner


class Channel(enum.StrEnum):
    log = "log"
    whatsapp = "whatsapp"
    sms = "sms"
    email = "email"


def _only(where: str) -> dict[str, Any]:
    return {"sqlite_where": text(where), "postgresql_where": text(where)}


STATUSES = ", ".join(f"'{s.value}'" for s in MessageStatus)
CHANNELS = ", ".join(f"'{c.value}'" for c in Channel)


class OutboxMessage(Base):
    """One message to send. ``idempotency_key`` travels with every attempt, so a provider that
    honours it never delivers the same message twice even when a relay dies between sending and
    recording the send."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint(f"status IN ({STATUSES})", name="status"),
        CheckConstraint(f"channel IS NULL OR channel IN ({CHANNELS})", name="channel"),
        CheckConstraint("customer_id IS NOT NULL OR recipient IS NOT NULL", name="has_recipient"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        Index("ix_outbox_messages_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_outbox_messages_customer_id", "customer_id"),
        # Partial: a new message (the insert in the causing transaction) enters none of these.
        Index("ix_outbox_messages_sent_at", "sent_at", **_only("sent_at IS NOT NULL")),
        Index(
            "ix_outbox_messages_provider_message_id",
            "provider_message_id",
            **_only("provider_message_id IS NOT NULL"),
        ),
        Index(
            "uq_outbox_messages_dedup_key",
            "dedup_key",
            unique=True,
            **_only("dedup_key IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(36), unique=True)
    # A job's message is written once (a dues reminder per invoice): its key, else NULL.
    dedup_key: Mapped[str | None] = mapped_column(String(80))
    template: Mapped[str] = mapped_column(String(60))
    is_urgent: Mapped[bool]
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    # A phone number or e-mail address given by the cause (a substitute's phone); for a customer
    # it is filled in by the relay with the address it used.
    recipient: Mapped[str | None] = mapped_column(String(254))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    entity_type: Mapped[str | None] = mapped_column(String(40))
    entity_id: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(10), default=MessageStatus.pending)
    channel: Mapped[str | None] = mapped_column(String(10))
    language: Mapped[str | None] = mapped_column(String(5))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime]
    claim_token: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(String(500))
    provider_message_id: Mapped[str | None] = mapped_column(String(200))
    # What the provider's delivery-status webhook said last (delivered, read, failed).
    delivery_status: Mapped[str | None] = mapped_column(String(20))
    delivery_status_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    sent_at: Mapped[dt.datetime | None]
    dead_at: Mapped[dt.datetime | None]


class MessageConsent(Base):
    """A customer's opt-in (or opt-out) for one channel, with when and how it was given."""

    __tablename__ = "message_consents"
    __table_args__ = (
        UniqueConstraint("customer_id", "channel"),
        CheckConstraint(f"channel IN ({CHANNELS})", name="channel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    channel: Mapped[str] = mapped_column(String(10))
    is_opted_in: Mapped[bool]
    # How the customer said so: "web", "api", "paper form", "whatsapp reply", "phone call".
    source: Mapped[str] = mapped_column(String(40))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
