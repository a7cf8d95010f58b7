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
