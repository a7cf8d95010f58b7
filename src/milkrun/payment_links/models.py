from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from milkrun import clock
from milkrun.db.base import Base


class LinkStatus(enum.StrEnum):
    created = "created"  # live: the customer can pay it
    paid = "paid"
    cancelled = "cancelled"  # replaced by a link for a new amount, or nothing is due any more
    expired = "expired"


STATUSES = ", ".join(f"'{s.value}'" for s in LinkStatus)


class PaymentLink(Base):
    """A gateway's payment link for one bill and one amount."""

    __tablename__ = "payment_links"
    __table_args__ = (
        CheckConstraint("amount_paise > 0", name="amount_positive"),
        CheckConstraint(f"status IN ({STATUSES})", name="status"),
        Index(
            "uq_payment_links_live_invoice_id",
            "invoice_id",
            unique=True,
            sqlite_where=text("status = 'created'"),
            postgresql_where=text("status = 'created'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    gateway: Mapped[str] = mapped_column(String(20))
    # milkrun's reference_id (the bill number and a random suffix) and the gateway's link id.
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    provider_link_id: Mapped[str] = mapped_column(String(60), unique=True)
    url: Mapped[str] = mapped_column(String(255))
    amount_paise: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default=LinkStatus.created)
    expires_at: Mapped[dt.datetime]
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    # Set when the bill was voided while the gateway could not cancel the link: it is still
    # live there, and ``service.cancel_due_links`` (the scheduler's job) cancels it later.
    cancel_due_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
