from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, ForeignKeyConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from milkrun import clock
from milkrun.db.base import Base


class Adjustment(Base):
    """A change of the delivered quantity of an order that was already on an invoice.

    ``against_invoice_id``: the invoice the order was on when corrected. ``invoice_id``: the
    later invoice that carries (bills) it; NULL while pending. The amount is signed: a credit
    (less was delivered than billed) is negative, a debit positive.
    """

    __tablename__ = "adjustments"
    __table_args__ = (
        ForeignKeyConstraint(["order_id", "customer_id"], ["orders.id", "orders.customer_id"]),
        ForeignKeyConstraint(
            ["against_invoice_id", "customer_id"], ["invoices.id", "invoices.customer_id"]
        ),
        ForeignKeyConstraint(
            ["invoice_id", "customer_id"], ["invoices.id", "invoices.customer_id"]
        ),
        CheckConstraint("quantity_before <> quantity_after", name="changes_quantity"),
        CheckConstraint(
            "quantity_before >= 0 AND quantity_after >= 0", name="quantities_not_negative"
        ),
        # Tax-inclusive prices: the amount is the taxable value of the change, the tax the
        # GST inside it (corrections recorded before GST documents were tax-exclusive).
        CheckConstraint(
            "amount_paise + tax_paise = (quantity_after - quantity_before) * unit_price_paise"
            " OR amount_paise = (quantity_after - quantity_before) * unit_price_paise",
            name="amount_from_quantities",
        ),
        CheckConstraint("tax_rate_bps BETWEEN 0 AND 10000", name="tax_rate_range"),
        Index("ix_adjustments_customer_id", "customer_id"),
        Index("ix_adjustments_order_id", "order_id"),
        Index("ix_adjustments_against_invoice_id", "against_invoice_id"),
        Index("ix_adjustments_invoice_id", "invoice_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    order_id: Mapped[int]
    against_invoice_id: Mapped[int]
    invoice_id: Mapped[int | None]
    # Set on the adjustment that undoes another when the invoice it was against is voided.
    reverses_adjustment_id: Mapped[int | None] = mapped_column(
        ForeignKey("adjustments.id"), unique=True
    )
    quantity_before: Mapped[int]
    quantity_after: Mapped[int]
    unit_price_paise: Mapped[int]
    amount_paise: Mapped[int]
    tax_rate_bps: Mapped[int]
    tax_paise: Mapped[int]
    reason: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_link_id: Mapped[int | None] = mapped_column(ForeignKey("shared_delivery_links.id"))
