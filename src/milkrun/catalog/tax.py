"""GST on a tax-inclusive price, and the tax rate in force on a date.

Prices are MRP: what the customer pays, tax included (Indian retail milk, curd and ghee are
sold at a printed, tax-inclusive price). A charge of ``gross`` paise at rate ``r`` splits into
its taxable value and the tax within it, and the tax into CGST and SGST (the dairy supplies
inside its own state), always in equal halves:

    taxable₀ = round(gross × 100 / (100 + r))          half up, integer arithmetic
    cgst = sgst = round(taxable₀ × r / 2 / 100)         half up
    taxable = gross − cgst − sgst                       so taxable + tax = gross, to the paisa

A credit (negative gross) splits as its mirror image. ``split_in_sql`` is the same rule for
set-based billing (for gross ≥ 0); a test pins that the two agree.

Tax rates are effective-dated like prices (``ProductTaxRate``): the rate on date D is the one
with the latest ``effective_from`` on or before D; before a product's first dated rate, its
``products.tax_rate_bps``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Subquery, func, select
from sqlalchemy.orm import Session

from milkrun.catalog.models import Product, ProductTaxRate

BPS = 10_000
# The GST slabs a dairy's goods fall in (nil, 5 %, 12 %, 18 %, 28 %).
GST_RATES_BPS = (0, 500, 1200, 1800, 2800)


@dataclass(frozen=True)
class Split:
    taxable_paise: int
    cgst_paise: int
    sgst_paise: int

    @property
    def tax_paise(self) -> int:
        return self.cgst_paise + self.sgst_paise


def split_inclusive(gross_paise: int, rate_bps: int) -> Split:
    """The taxable value and the CGST and SGST inside a tax-inclusive charge."""
    if gross_paise < 0:
        mirror = split_inclusive(-gross_paise, rate_bps)
        return Split(-mirror.taxable_paise, -mirror.cgst_paise, -mirror.sgst_paise)
    taxable = (gross_paise * 2 * BPS + BPS + rate_bps) // (2 * (BPS + rate_bps))
    half = (taxable * rate_bps + BPS) // (2 * BPS)
    return Split(gross_paise - 2 * half, half, half)


def tax_in_sql(gross: Any, rate_bps: Any) -> ColumnElement[int]:
    """CGST + SGST inside ``gross`` (≥ 0) at ``rate_bps``, as ``split_inclusive`` computes it."""
    taxable = (gross * (2 * BPS) + BPS + rate_bps) // ((rate_bps + BPS) * 2)
    half = (taxable * rate_bps + BPS) // (2 * BPS)
    return half * 2  # type: ignore[no-any-return]


def rate_periods() -> Subquery:
    """(product_id, rate_bps, effective_from, until) of every dated rate; ``until`` is the next
    rate's ``effective_from`` (NULL for the latest): for joining many dates at once."""
    until = func.lead(ProductTaxRate.effective_from).over(
        partition_by=ProductTaxRate.product_id, order_by=ProductTaxRate.effective_from
    )
    return select(
        ProductTaxRate.product_id,
        ProductTaxRate.rate_bps,
        ProductTaxRate.effective_from,
        until.label("until"),
    ).subquery("tax_periods")


def rate_on(session: Session, product_id: int, day: dt.date) -> int:
    """The product's tax rate (basis points) on ``day``."""
    dated = session.scalar(
        select(ProductTaxRate.rate_bps)
        .where(ProductTaxRate.product_id == product_id, ProductTaxRate.effective_from <= day)
        .order_by(ProductTaxRate.effective_from.desc())
        .limit(1)
    )
    if dated is not None:
        return int(dated)
    return int(session.scalar(select(Product.tax_rate_bps).where(Product.id == product_id)) or 0)
