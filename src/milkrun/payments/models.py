from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from milkrun import clock
from milkrun.db.base import Base


class PaymentMethod(enum.StrEnum):
    cash = "cash"
    upi = "upi"
    card = "card"
    bank = "bank"


class Payment(Base):
    """Money received from a customer. Never edited: a mistake is corrected by the next entry."""

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount_paise > 0", name="amount_positive"),
        CheckConstraint("method IN ('cash', 'upi', 'card', 'bank')", name="method"),
        # A UPI transaction id or a cheque number is used once (NULLs are distinct).
        UniqueConstraint("method", "reference"),
        UniqueConstraint("id", "customer_id"),
        Index("ix_payments_customer_id_received_at", "customer_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    amount_paise: Mapped[int]
    method: Mapped[str] = mapped_column(String(10))
    reference: Mapped[str | None] = mapped_column(String(80))
    received_at: Mapped[dt.datetime]
    created_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class CashCollection(Base):
    """Cash a delivery boy took at a stop, against the customer's dues.

    It is money "with the delivery boy" until the owner confirms his handover of the day: then
    ``handover_id`` is set and it becomes a cash ``Payment`` (``payment_id``), received when it
    was collected. Until then it is not on the customer's ledger (the dues page shows it apart).
    """

    __tablename__ = "cash_collections"
    __table_args__ = (
        CheckConstraint("amount_paise > 0", name="amount_positive"),
        CheckConstraint(
            "(handover_id IS NULL) = (payment_id IS NULL)", name="payment_with_handover"
        ),
        Index(
            "ix_cash_collections_collected_by_user_id_collection_date",
            "collected_by_user_id",
            "collection_date",
        ),
        Index("ix_cash_collections_customer_id", "customer_id"),
        Index("ix_cash_collections_handover_id", "handover_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    route_id: Mapped[int | None] = mapped_column(ForeignKey("routes.id"))
    collection_date: Mapped[dt.date]
    amount_paise: Mapped[int]
    collected_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    collected_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    handover_id: Mapped[int | None] = mapped_column(ForeignKey("cash_handovers.id"))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), unique=True)


class CashHandover(Base):
    """The owner's count of a delivery boy's cash at the end of a day: what his collections
    add up to, what he handed over, and who confirmed it when. The difference (handed over less
    collected) is his to settle; it never changes what the customers paid."""

    __tablename__ = "cash_handovers"
    __table_args__ = (
        UniqueConstraint("delivery_boy_id", "handover_date"),
        CheckConstraint("collected_paise >= 0", name="collected_not_negative"),
        CheckConstraint("handed_over_paise >= 0", name="handed_over_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_boy_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    handover_date: Mapped[dt.date]
    collected_paise: Mapped[int]
    handed_over_paise: Mapped[int]
    note: Mapped[str | None] = mapped_column(String(200))
    confirmed_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[dt.datetime] = mapped_column(default=clock.now)

    @property
    def difference_paise(self) -> int:
        return self.handed_over_paise - self.collected_paise
