from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from milkrun import clock
from milkrun.db.base import Base, Timestamped

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class ScheduleKind(enum.StrEnum):
    daily = "daily"
    alternate_days = "alternate_days"
    every_n_days = "every_n_days"
    weekdays = "weekdays"


_WEEKDAY_COLUMNS_SET = " AND ".join(
    f"{d}_quantity IS NOT NULL AND {d}_quantity >= 0" for d in WEEKDAYS
)
_WEEKDAY_COLUMNS_NULL = " AND ".join(f"{d}_quantity IS NULL" for d in WEEKDAYS)
_WEEKDAY_SUM = " + ".join(f"{d}_quantity" for d in WEEKDAYS)


class Subscription(Timestamped, Base):
    """A customer's standing order; what and when live in its dated ``SubscriptionTerms``."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        UniqueConstraint("id", "customer_id"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_not_before_start"),
        Index("ix_subscriptions_customer_id", "customer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    start_date: Mapped[dt.date]
    end_date: Mapped[dt.date | None]
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class SubscriptionTerms(Base):
    """Product, shift and schedule of a subscription from ``effective_from`` on.

    ``anchor_date`` is the day the schedule's rhythm counts from (the start date, or the date a
    changed schedule took effect); ``anchor_day`` is the same date as a day number (days since
    1970-01-01), so that "is D a delivery day" is integer arithmetic in any SQL dialect:
    ``(day(D) - anchor_day) % interval_days = 0``.

    ``effective_to`` is the day the next terms of the subscription take over (NULL: none do), so
    the terms in force on D are the one row with ``effective_from <= D < effective_to``;
    ``milkrun.subscriptions.validity`` keeps the chain whenever terms are written or removed.
    """

    __tablename__ = "subscription_terms"
    __table_args__ = (
        UniqueConstraint("subscription_id", "effective_from"),
        CheckConstraint("shift IN ('morning', 'evening')", name="shift"),
        CheckConstraint(
            "kind IN ('daily', 'alternate_days', 'every_n_days', 'weekdays')", name="kind"
        ),
        CheckConstraint(
            "(kind IN ('daily', 'weekdays') AND interval_days = 1)"
            " OR (kind = 'alternate_days' AND interval_days = 2)"
            " OR (kind = 'every_n_days' AND interval_days BETWEEN 2 AND 365)",
            name="interval_fits_kind",
        ),
        CheckConstraint(
            f"(kind = 'weekdays' AND quantity IS NULL AND {_WEEKDAY_COLUMNS_SET}"
            f" AND {_WEEKDAY_SUM} > 0)"
            f" OR (kind <> 'weekdays' AND quantity IS NOT NULL AND quantity > 0"
            f" AND {_WEEKDAY_COLUMNS_NULL})",
            name="quantities_fit_kind",
        ),
        CheckConstraint("anchor_date <= effective_from", name="anchor_not_after_effective"),
        CheckConstraint(
            "effective_to IS NULL OR effective_to > effective_from", name="effective_to_after_from"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id"))
    effective_from: Mapped[dt.date]
    effective_to: Mapped[dt.date | None]
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    shift: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[int | None]
    interval_days: Mapped[int] = mapped_column(default=1)
    mon_quantity: Mapped[int | None]
    tue_quantity: Mapped[int | None]
    wed_quantity: Mapped[int | None]
    thu_quantity: Mapped[int | None]
    fri_quantity: Mapped[int | None]
    sat_quantity: Mapped[int | None]
    sun_quantity: Mapped[int | None]
    anchor_date: Mapped[dt.date]
    anchor_day: Mapped[int]
    created_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Pause(Timestamped, Base):
    """No deliveries from ``start_date`` to ``end_date`` (NULL: until resumed), for one
    subscription or, with ``subscription_id`` NULL, for all of the customer's."""

    __tablename__ = "pauses"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_not_before_start"),
        ForeignKeyConstraint(
            ["subscription_id", "customer_id"], ["subscriptions.id", "subscriptions.customer_id"]
        ),
        Index("ix_pauses_customer_id_start_date", "customer_id", "start_date"),
        Index("ix_pauses_subscription_id", "subscription_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    subscription_id: Mapped[int | None]
    start_date: Mapped[dt.date]
    end_date: Mapped[dt.date | None]
    reason: Mapped[str | None] = mapped_column(String(200))
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Override(Timestamped, Base):
    """One date's quantity for a subscription (0 skips the day), scheduled day or not."""

    __tablename__ = "overrides"
    __table_args__ = (
        UniqueConstraint("subscription_id", "delivery_date"),
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        Index("ix_overrides_delivery_date", "delivery_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id"))
    delivery_date: Mapped[dt.date]
    quantity: Mapped[int]
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
