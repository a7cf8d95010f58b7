"""Recording a correction to a billed order. Called by deliveries in the mark's transaction."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.adjustments.models import Adjustment
from milkrun.catalog.models import Product
from milkrun.db import locks
from milkrun.money import percent_of
from milkrun.orders.models import Order

MAX_REASON = 200


def lock_billing_month(session: Session, month: dt.date, *, shared: bool = False) -> None:
    """The lock of a billing month (PostgreSQL; SQLite runs one writer at a time anyway).

    Billing holds it exclusively while it changes the month's invoices (a run, finalizing,
    voiding); a correction of an order that is on an invoice holds it shared, so the two never
    interleave: a run sees a correction either entirely (and absorbs it) or not at all (and the
    correction's adjustment accounts for it).
    """
    locks.hold_billing_month(session, month, shared=shared)


def record_correction(
    session: Session,
    *,
    order_id: int,
    quantity_before: int,
    quantity_after: int,
    reason: str,
    user_id: int | None = None,
    link_id: int | None = None,
) -> Adjustment | None:
    """A change of an order's delivered quantity after the order was put on an invoice becomes
    an adjustment against that invoice: (after - before) x the order's unit price, with the
    product's tax rounded half up (away from zero for a credit).

    Nothing is recorded for an order on no invoice (the next billing run simply bills what was
    delivered) or when the quantity does not change (a new reason for a non-delivery). Whether
    the adjustment is carried by the next bill or absorbed because its invoice was still a draft
    is billing's to decide (see ``milkrun.billing``). The month's billing lock is held (shared)
    and the order read again, so a billing run of the month finishes first or waits.
    """
    if quantity_before == quantity_after:
        return None
    delivery_date = session.scalar(select(Order.delivery_date).where(Order.id == order_id))
    if delivery_date is None:
        return None
    lock_billing_month(session, delivery_date, shared=True)
    row = session.execute(
        select(Order.invoice_id, Order.customer_id, Order.unit_price_paise, Product.tax_rate_bps)
        .join(Product, Product.id == Order.product_id)
        .where(Order.id == order_id)
        .with_for_update(of=Order)
    ).one()
    if row.invoice_id is None:
        return None
    amount = (quantity_after - quantity_before) * row.unit_price_paise
    adjustment = Adjustment(
        customer_id=row.customer_id,
        order_id=order_id,
        against_invoice_id=row.invoice_id,
        quantity_before=quantity_before,
        quantity_after=quantity_after,
        unit_price_paise=row.unit_price_paise,
        amount_paise=amount,
        tax_rate_bps=row.tax_rate_bps,
        tax_paise=percent_of(amount, row.tax_rate_bps),
        reason=reason[:MAX_REASON],
        created_by_user_id=user_id,
        created_by_link_id=link_id,
    )
    session.add(adjustment)
    session.flush()
    return adjustment
