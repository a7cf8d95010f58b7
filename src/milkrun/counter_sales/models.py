from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from milkrun import clock
from milkrun.db.base import Base


class SaleMethod(enum.StrEnum):
    cash = "cash"
    upi = "upi"


class SaleStatus(enum.StrEnum):
    paid = "paid"
    void = "void"


class CounterSale(Base):
    """A walk-in sale paid at the counter; its cash memo is ``number``. Amounts in paise:
    ``total`` is what was paid (tax included) = ``taxable`` + ``cgst`` + ``sgst``."""

    __tablename__ = "counter_sales"
    __table_args__ = (
        UniqueConstraint("series", "sequence", name="uq_counter_sales_series_sequence"),
        CheckConstraint("method IN ('cash', 'upi')", name="method"),
        CheckConstraint("status IN ('paid', 'void')", name="status"),
        CheckConstraint("total_paise = taxable_paise + cgst_paise + sgst_paise", name="totals"),
        CheckConstraint("(status = 'void') = (void_reason IS NOT NULL)", name="void_has_reason"),
        Index("ix_counter_sales_sale_date", "sale_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    series: Mapped[str] = mapped_column(String(12))
    sequence: Mapped[int]
    sale_date: Mapped[dt.date]
    method: Mapped[str] = mapped_column(String(10))
    reference: Mapped[str | None] = mapped_column(String(80))
    total_paise: Mapped[int]
    taxable_paise: Mapped[int]
    cgst_paise: Mapped[int]
    sgst_paise: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default=SaleStatus.paid.value)
    void_reason: Mapped[str | None] = mapped_column(String(200))
    voided_at: Mapped[dt.datetime | None]
    voided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=clock.now)


class CounterSaleLine(Base):
    """One product of a counter sale, at the price (tax-inclusive) and GST rate of the day."""

    __tablename__ = "counter_sale_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("amount_paise = taxable_paise + cgst_paise + sgst_paise", name="split"),
        Index("ix_counter_sale_lines_sale_id", "sale_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("counter_sales.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[int]
    unit_price_paise: Mapped[int]
    amount_paise: Mapped[int]
    tax_rate_bps: Mapped[int]
    hsn_code: Mapped[str | None] = mapped_column(String(8))
    taxable_paise: Mapped[int]
    cgst_paise: Mapped[int]
    sgst_paise: Mapped[int]
