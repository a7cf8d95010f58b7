from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from milkrun import clock
from milkrun.db.base import Base


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_entity", "entity_type", "entity_id"),
        Index("ix_audit_events_customer_id", "customer_id"),
        Index("ix_audit_events_order_id", "order_id"),
        # For the key check of a shared link (no query filters by it): only rows a link wrote.
        Index(
            "ix_audit_events_actor_link_id",
            "actor_link_id",
            postgresql_where=text("actor_link_id IS NOT NULL"),
            sqlite_where=text("actor_link_id IS NOT NULL"),
        ),
        Index("ix_audit_events_occurred_at", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    # Both actor keys are checked once per statement on PostgreSQL, by triggers (the day close
    # writes one event per order: migration 0028_day_close_keys).
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The shared delivery link that acted (its label is in actor_label), when not a login.
    actor_link_id: Mapped[int | None] = mapped_column(ForeignKey("shared_delivery_links.id"))
    actor_label: Mapped[str] = mapped_column(String(160))
    channel: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(60))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None]
    # The customer and the order the event concerns, indexed for the trail's filters and kept
    # without a foreign key, like entity_id: the trail is an append-only record that names what
    # it is about (and must outlive an erasure), and a key checked per row would double the
    # cost of every bulk event (the day close writes one per order it resolves).
    customer_id: Mapped[int | None]
    order_id: Mapped[int | None]
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    request_id: Mapped[str | None] = mapped_column(String(64))
