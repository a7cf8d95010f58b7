"""Reading counter sales: one sale with its lines, a day's sales, the day's totals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from milkrun.catalog import prices
from milkrun.catalog.models import Product
from milkrun.counter_sales.errors import CounterSaleNotFound
from milkrun.counter_sales.models import CounterSale, CounterSaleLine, SaleMethod, SaleStatus
from milkrun.counter_sales.schemas import CounterSaleRead, DayTotals, SaleLineRead
from milkrun.db.pagination import paginate


def get_sale(session: Session, sale_id: int) -> CounterSale:
    sale = session.get(CounterSale, sale_id)
    if sale is None:
        raise CounterSaleNotFound(f"No counter sale has id {sale_id}")
    return sale


def list_sales(
    session: Session, *, limit: int, cursor: str | None, day: dt.date | None = None
) -> tuple[Sequence[CounterSale], str | None]:
    """Counter sales, newest first (of one day, when given)."""
    statement = select(CounterSale)
    if day is not None:
        statement = statement.where(CounterSale.sale_date == day)
    return paginate(
        session, statement, CounterSale.id, limit=limit, cursor=cursor, newest_first=True
    )


def count_sales(session: Session, day: dt.date) -> int:
    return int(
        session.scalar(select(func.count(CounterSale.id)).where(CounterSale.sale_date == day)) or 0
    )


def read_sales(session: Session, sales: Sequence[CounterSale]) -> list[CounterSaleRead]:
    """The sales with their lines (one query for all the lines)."""
    ids = [sale.id for sale in sales]
    lines: dict[int, list[SaleLineRead]] = {sale_id: [] for sale_id in ids}
    if ids:
        rows = session.execute(
            select(CounterSaleLine, Product.name)
            .join(Product, Product.id == CounterSaleLine.product_id)
            .where(CounterSaleLine.sale_id.in_(ids))
            .order_by(CounterSaleLine.id)
        ).all()
        for line, name in rows:
            lines[line.sale_id].append(
                SaleLineRead(
                    product_id=line.product_id,
                    product_name=name,
                    quantity=line.quantity,
                    unit_price_paise=line.unit_price_paise,
                    amount_paise=line.amount_paise,
                    tax_rate_bps=line.tax_rate_bps,
                    hsn_code=line.hsn_code,
                    taxable_paise=line.taxable_paise,
                    cgst_paise=line.cgst_paise,
                    sgst_paise=line.sgst_paise,
                )
            )
    return [
        CounterSaleRead(
            id=sale.id,
            number=sale.number,
            sale_date=sale.sale_date,
            method=sale.method,
            reference=sale.reference,
            status=sale.status,
            total_paise=sale.total_paise,
            taxable_paise=sale.taxable_paise,
            cgst_paise=sale.cgst_paise,
            sgst_paise=sale.sgst_paise,
            void_reason=sale.void_reason,
            voided_at=sale.voided_at,
            recorded_at=sale.recorded_at,
            lines=lines[sale.id],
        )
        for sale in sales
    ]


def day_totals(session: Session, day: dt.date) -> DayTotals:
    """The day's counter sales in one grouped query: live sales count, void ones do not (but
    are counted as voided)."""
    live = CounterSale.status == SaleStatus.paid.value
    row = session.execute(
        select(
            func.sum(case((live, 1), else_=0)),
            func.sum(case((live, CounterSale.total_paise), else_=0)),
            func.sum(
                case(
                    (live & (CounterSale.method == SaleMethod.cash.value), CounterSale.total_paise),
                    else_=0,
                )
            ),
            func.sum(
                case(
                    (live & (CounterSale.method == SaleMethod.upi.value), CounterSale.total_paise),
                    else_=0,
                )
            ),
            func.sum(case((live, CounterSale.cgst_paise + CounterSale.sgst_paise), else_=0)),
            func.sum(case((live, 0), else_=1)),
        ).where(CounterSale.sale_date == day)
    ).one()
    sales, total, cash, upi, tax, voided = (int(value or 0) for value in row)
    return DayTotals(
        day=day,
        sales=sales,
        total_paise=total,
        cash_paise=cash,
        upi_paise=upi,
        tax_paise=tax,
        voided=voided,
    )


# The products offered at the counter: every active product (a dairy sells tens, not thousands).
MAX_SELLABLE = 200


@dataclass(frozen=True)
class Sellable:
    product_id: int
    name: str
    unit: str
    price_paise: int


def sellable(session: Session, day: dt.date) -> list[Sellable]:
    """The active products with a price on ``day`` (in one query), by name."""
    price = prices.in_force(day)
    rows = session.execute(
        select(Product.id, Product.name, Product.unit, price.c.price_paise)
        .join(price, price.c.product_id == Product.id)
        .where(Product.is_active.is_(True))
        .order_by(Product.name, Product.id)
        .limit(MAX_SELLABLE)
    ).all()
    return [Sellable(int(i), name, unit, int(paise)) for i, name, unit, paise in rows]


def day_sales(session: Session, day: dt.date, *, offset: int, limit: int) -> Sequence[CounterSale]:
    """A page of the day's sales, newest first (void ones too)."""
    return session.scalars(
        select(CounterSale)
        .where(CounterSale.sale_date == day)
        .order_by(CounterSale.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
