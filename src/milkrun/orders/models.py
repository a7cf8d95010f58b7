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


class OrderStatus(enum.StrEnum):
    scheduled = "scheduled"
    delivered = "delivered"
    partially_delivered = "partially_delivered"
    not_delivered = "not_delivered"
    cancelled = "cancelled"


# Orders materialization may still change: not yet marked and on no invoice.
OPEN_STATUSES = (OrderStatus.scheduled, OrderStatus.cancelled)


class Order(Timestamped, Base):
    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("subscription_id", "delivery_date"),
        UniqueConstraint("id", "customer_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price_paise >= 0", name="unit_price_not_negative"),
        CheckConstraint("shift IN ('morning', 'evening')", name="shift"),
        CheckConstraint(
            "status IN ('scheduled', 'delivered', 'partially_delivered', 'not_delivered',"
            " 'cancelled')",
            name="status",
        ),
        ForeignKeyConstraint(
            ["subscription_id", "customer_id"], ["subscriptions.id", "subscriptions.customer_id"]
        ),
        # An order is billed on an invoice of its own customer (added with invoices, 0004).
        # No index on invoice_id: billing sets it on millions of orders a month, and an update
        # that changes no indexed column stays on its page (HOT). Reads by invoice also name
        # the customer (ix_orders_customer_id_delivery_date); so does the foreign key's check.
        ForeignKeyConstraint(
            ["invoice_id", "customer_id"], ["invoices.id", "invoices.customer_id"]
        ),
        Index("ix_orders_delivery_date_route_id", "delivery_date", "route_id"),
        Index("ix_orders_customer_id_delivery_date", "customer_id", "delivery_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    subscription_id: Mapped[int | None]
    delivery_date: Mapped[dt.date]
    shift: Mapped[str] = mapped_column(String(10))
    quantity: Mapped[int]
    unit_price_paise: Mapped[int]
    route_id: Mapped[int | None] = mapped_column(ForeignKey("routes.id"))
    status: Mapped[str] = mapped_column(String(24), default=OrderStatus.scheduled)
    # The issued invoice this order is billed on, written once by finalizing (a draft's orders
    # are derived: billing.billable.on_draft); cleared by voiding.
    invoice_id: Mapped[int | None]


class MaterializationRun(Base):
    """A (non-dry) materialization of a date: when, by what, and what it did.

    The scheduler catches up at start on any date whose cut-off has passed without a run.
    """

    __tablename__ = "materialization_runs"
    __table_args__ = (Index("ix_materialization_runs_delivery_date", "delivery_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_date: Mapped[dt.date]
    trigger: Mapped[str] = mapped_column(String(20))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    finished_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    cancelled: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)


class LowBalanceHold(Base):
    """A prepaid customer's day that generation skips: the wallet would fall below its threshold
    (``milkrun.wallets``). Kept after it is lifted (a top-up), so that a skipped day is always
    shown: ``lifted_at`` set means the day's orders were generated again."""

    __tablename__ = "low_balance_holds"
    __table_args__ = (
        UniqueConstraint("customer_id", "delivery_date"),
        Index("ix_low_balance_holds_delivery_date", "delivery_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    delivery_date: Mapped[dt.date]
    # What the wallet held before the day, what the day would cost, the threshold in force.
    available_paise: Mapped[int]
    needed_paise: Mapped[int]
    threshold_paise: Mapped[int]
    created_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    lifted_at: Mapped[dt.datetime | None]
