from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from milkrun import clock
from milkrun.db.base import Base, Timestamped


class Product(Timestamped, Base):
    __tablename__ = "products"
    __table_args__ = (CheckConstraint("tax_rate_bps BETWEEN 0 AND 10000", name="tax_rate_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    unit: Mapped[str] = mapped_column(String(60))
    # The rate before the product's first dated rate (``ProductTaxRate``; see ``catalog.tax``).
    tax_rate_bps: Mapped[int] = mapped_column(default=0)
    # The HSN code GST documents and the GSTR-1 HSN summary show (0401 milk, 0405 ghee...).
    hsn_code: Mapped[str | None] = mapped_column(String(8))
    is_active: Mapped[bool] = mapped_column(default=True)
    # Comes in a returnable container (a glass bottle, a crate) with a deposit: ``containers``.
    container_type_id: Mapped[int | None] = mapped_column(
        ForeignKey("container_types.id", use_alter=True)
    )


class ProductPrice(Base):
    __tablename__ = "product_prices"
    __table_args__ = (
        UniqueConstraint("product_id", "effective_from"),
        CheckConstraint("price_paise >= 0", name="price_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    price_paise: Mapped[int]
    effective_from: Mapped[dt.date]
    created_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ProductTaxRate(Base):
    """A product's GST rate from ``effective_from`` on (until its next dated rate)."""

    __tablename__ = "product_tax_rates"
    __table_args__ = (
        UniqueConstraint("product_id", "effective_from"),
        CheckConstraint("rate_bps BETWEEN 0 AND 10000", name="rate_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    rate_bps: Mapped[int]
    effective_from: Mapped[dt.date]
    created_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
