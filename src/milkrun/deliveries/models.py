from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from milkrun import clock
from milkrun.db.base import Base, Timestamped


class DeliveryOutcome(enum.StrEnum):
    """What happened at a stop for one order (also the order's status once marked)."""

    delivered = "delivered"
    partially_delivered = "partially_delivered"
    not_delivered = "not_delivered"


class NotDeliveredReason(enum.StrEnum):
    customer_unavailable = "customer_unavailable"
    address_not_found = "address_not_found"
    refused = "refused"
    out_of_stock = "out_of_stock"
    other = "other"


class DeliveryStatus(Timestamped, Base):
    """What was delivered for one order, and who recorded it (a login or a shared link).

    ``version`` grows by one with every change: writers update ``WHERE version = :seen`` so
    that two concurrent marks can never both win on the same starting state.
    """

    __tablename__ = "delivery_statuses"
    __table_args__ = (
        ForeignKeyConstraint(["order_id", "customer_id"], ["orders.id", "orders.customer_id"]),
        CheckConstraint(
            "status IN ('delivered', 'partially_delivered', 'not_delivered')", name="status"
        ),
        CheckConstraint("quantity_delivered >= 0", name="quantity_not_negative"),
        CheckConstraint(
            "reason IS NULL OR reason IN ('customer_unavailable', 'address_not_found',"
            " 'refused', 'out_of_stock', 'other')",
            name="reason",
        ),
        CheckConstraint(
            "(status = 'delivered' AND quantity_delivered > 0 AND reason IS NULL)"
            " OR (status = 'partially_delivered' AND quantity_delivered > 0)"
            " OR (status = 'not_delivered' AND quantity_delivered = 0 AND reason IS NOT NULL)",
            name="outcome_fits_status",
        ),
        # A login, a shared link, or the day close (the system, on the dairy's policy).
        CheckConstraint(
            "(recorded_by_user_id IS NOT NULL AND recorded_by_link_id IS NULL"
            " AND recorded_by_close_id IS NULL)"
            " OR (recorded_by_user_id IS NULL AND recorded_by_link_id IS NOT NULL"
            " AND recorded_by_close_id IS NULL)"
            " OR (recorded_by_user_id IS NULL AND recorded_by_link_id IS NULL"
            " AND recorded_by_close_id IS NOT NULL)",
            name="recorded_by_one",
        ),
        CheckConstraint("version >= 1", name="version_positive"),
        # No index by customer: every read goes by order_id (each index is written once per
        # status, 63,784 times by a day's close).
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(unique=True)
    customer_id: Mapped[int]
    status: Mapped[str] = mapped_column(String(24))
    quantity_delivered: Mapped[int]
    reason: Mapped[str | None] = mapped_column(String(24))
    notes: Mapped[str | None] = mapped_column(String(500))
    # The three recorder keys are checked once per statement on PostgreSQL, by triggers (a
    # day's close writes one status per order, all naming one close: 0028_day_close_keys).
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_by_link_id: Mapped[int | None] = mapped_column(ForeignKey("shared_delivery_links.id"))
    recorded_by_close_id: Mapped[int | None] = mapped_column(ForeignKey("day_closes.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    version: Mapped[int] = mapped_column(default=1)


class DeliveryProof(Base):
    """Where the phone was when an order was last marked (proof of delivery, when the dairy
    asks for it and the phone allows it): one row per order, replaced by a later mark that
    carries a location."""

    __tablename__ = "delivery_proofs"
    __table_args__ = (
        CheckConstraint(
            "latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180", name="location"
        ),
        CheckConstraint("accuracy_m IS NULL OR accuracy_m >= 0", name="accuracy_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    accuracy_m: Mapped[int | None]
    recorded_at: Mapped[dt.datetime] = mapped_column(default=clock.now)


class IdempotencyKey(Base):
    """A client's ``Idempotency-Key`` and the response its first request got.

    Scoped to the caller (``user:7``, ``link:3``); the row is written in the same transaction as
    the effect, so a key is either stored with its response or absent. Kept 72 hours.
    """

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        UniqueConstraint("caller", "key"),
        Index("ix_idempotency_keys_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    caller: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    # NULL only inside the first request's own transaction (never visible to anyone else).
    response_status: Mapped[int | None]
    response_body: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
