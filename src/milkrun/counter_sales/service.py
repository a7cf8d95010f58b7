"""Recording and voiding counter sales (each writes one audit event)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit.service import Actor, record, snapshot
from milkrun.billing import numbering
from milkrun.catalog import prices, tax
from milkrun.catalog.errors import UnknownProduct
from milkrun.catalog.models import Product
from milkrun.config import Settings
from milkrun.counter_sales.errors import (
    EmptySale,
    ProductNotForSale,
    SaleAlreadyVoid,
    SaleVoidReasonRequired,
)
from milkrun.counter_sales.models import CounterSale, CounterSaleLine, SaleMethod, SaleStatus
from milkrun.counter_sales.queries import get_sale
from milkrun.money import format_inr

MAX_QUANTITY = 999


def series_for(settings: Settings, day: dt.date) -> str:
    """The cash-memo series of ``day``'s financial year: ``CM/2627``."""
    return numbering.series_for(settings.cash_memo_prefix, day)


def record_sale(
    session: Session,
    actor: Actor,
    settings: Settings,
    *,
    lines: list[tuple[int, int]],
    method: SaleMethod,
    reference: str | None,
    today: dt.date,
) -> CounterSale:
    """A walk-in sale of ``lines`` (product id, quantity; the same product twice adds up),
    paid in full today by ``method``: priced at the price and GST rate in force today, its
    cash memo numbered next in the series."""
    quantities: Counter[int] = Counter()
    for product_id, quantity in lines:
        if quantity < 0 or quantity > MAX_QUANTITY:
            raise EmptySale(f"A quantity is 1 to {MAX_QUANTITY}, not {quantity}")
        if quantity:
            quantities[product_id] += quantity
    if not quantities:
        raise EmptySale("Pick at least one product and a quantity of 1 or more")
    products = {
        p.id: p for p in session.scalars(select(Product).where(Product.id.in_(list(quantities))))
    }
    missing = sorted(set(quantities) - set(products))
    if missing:
        raise UnknownProduct(f"No product has id {missing[0]}")
    price = prices.in_force(today, list(quantities))
    priced = {
        int(pid): int(paise)
        for pid, paise in session.execute(select(price.c.product_id, price.c.price_paise)).all()
    }
    for product_id in quantities:
        product = products[product_id]
        if not product.is_active:
            raise ProductNotForSale(f"{product.name} is no longer sold")
        if product_id not in priced:
            raise ProductNotForSale(f"{product.name} has no price on {today.isoformat()}")

    series = series_for(settings, today)
    sequence = numbering.take_numbers(session, series, 1)
    sale = CounterSale(
        number=numbering.format_number(series, sequence),
        series=series,
        sequence=sequence,
        sale_date=today,
        method=SaleMethod(method).value,
        reference=(reference or "").strip() or None,
        total_paise=0,
        taxable_paise=0,
        cgst_paise=0,
        sgst_paise=0,
        status=SaleStatus.paid.value,
        recorded_by_user_id=actor.user_id,
        recorded_at=clock.now(),
    )
    session.add(sale)
    session.flush()
    for product_id, quantity in quantities.items():
        product = products[product_id]
        rate = tax.rate_on(session, product_id, today)
        amount = priced[product_id] * quantity
        split = tax.split_inclusive(amount, rate)
        session.add(
            CounterSaleLine(
                sale_id=sale.id,
                product_id=product_id,
                quantity=quantity,
                unit_price_paise=priced[product_id],
                amount_paise=amount,
                tax_rate_bps=rate,
                hsn_code=product.hsn_code,
                taxable_paise=split.taxable_paise,
                cgst_paise=split.cgst_paise,
                sgst_paise=split.sgst_paise,
            )
        )
        sale.total_paise += amount
        sale.taxable_paise += split.taxable_paise
        sale.cgst_paise += split.cgst_paise
        sale.sgst_paise += split.sgst_paise
    session.flush()
    record(
        session,
        actor,
        "counter_sale.recorded",
        "counter_sale",
        sale.id,
        after={**snapshot(sale), "total": format_inr(sale.total_paise)},
    )
    return sale


def void_sale(session: Session, actor: Actor, sale_id: int, reason: str) -> CounterSale:
    """Cancel a sale recorded by mistake: it keeps its number, listed as cancelled, and stops
    counting in the day's totals and the GST return."""
    reason = (reason or "").strip()
    if not reason:
        raise SaleVoidReasonRequired("Say why the sale is void")
    sale = get_sale(session, sale_id)
    if sale.status == SaleStatus.void.value:
        raise SaleAlreadyVoid(f"Cash memo {sale.number} is already void")
    before = snapshot(sale)
    # Conditional on the status still being paid (SQLite ignores FOR UPDATE): of two voids at
    # once, the second waits for the first and moves no row, so one void, one audit event.
    moved = session.execute(
        update(CounterSale)
        .where(CounterSale.id == sale_id, CounterSale.status == SaleStatus.paid.value)
        .values(
            status=SaleStatus.void.value,
            void_reason=reason[:200],
            voided_at=clock.now(),
            voided_by_user_id=actor.user_id,
        )
        .execution_options(synchronize_session=False)
    )
    if int(moved.rowcount) != 1:  # type: ignore[attr-defined]
        raise SaleAlreadyVoid(f"Cash memo {sale.number} is already void")
    session.refresh(sale)
    record(
        session,
        actor,
        "counter_sale.voided",
        "counter_sale",
        sale.id,
        before=before,
        after=snapshot(sale),
    )
    return sale
