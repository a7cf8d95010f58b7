from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from milkrun import clock
from milkrun.db.base import Base


class Offer(Base):
    """A festival's extra product on one date, offered to every customer."""

    __tablename__ = "offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_date: Mapped[dt.date] = mapped_column(index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(500), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=clock.now)


class OfferAcceptance(Base):
    """A customer's yes to an offer: the one-time order it made."""

    __tablename__ = "offer_acceptances"
    __table_args__ = (
        UniqueConstraint("offer_id", "customer_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    quantity: Mapped[int]
    created_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
