"""Recording a correction to a billed order. Called by deliveries in the mark's transaction."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Integer, bindparam, select, text, update
from sqlalchemy.orm import Session

from milkrun.adjustments.models import Adjustment
from milkrun.catalog import tax
from milkrun.db import locks
from milkrun.orders.models import Order
from milkrun.periods import queries as period_queries

MAX_REASON = 200
# The customer's issued (live) bill of a month. Plain SQL: billing sits above this domain.
_LIVE_BILL = text(
    "SELECT id FROM invoices WHERE customer_id = :customer_id AND month = :month"
    " AND status IN ('finalized', 'partially_paid', 'paid') ORDER BY id LIMIT 1"
).bindparams(bindparam("customer_id", type_=Integer), bindparam("month", type_=Date))


# The customer's draft of a month: the orders it bills are derived, never linked (billing's
# ``billable.on_draft``): a billable order on no invoice of a month its customer has a draft of
# is on that draft.
_DRAFT = text(
    "SELECT id FROM invoices WHERE customer_id = :customer_id AND month = :month"
    " AND status = 'draft'"
).bindparams(bindparam("customer_id", type_=Integer), bindparam("month", type_=Date))


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
    an adjustment against that invoice: (after - before) x the order's (tax-inclusive) unit
    price, split into taxable value and the GST inside it at the product's rate on the delivery
    date (``catalog.tax``; a credit is the mirror image of a charge).

    Nothing is recorded when the quantity does not change (a new reason for a non-delivery), or
    for an order on no invoice of a month still open whose customer has no draft of it (the
    next billing run simply bills what was delivered). An order on no issued invoice whose
    customer has a draft of its month is on that draft (drafts are not linked to their orders:
    billing derives them) and is corrected against it, provisionally. An order on no invoice of
    a closed month (finalized: it takes no second bill) is put on its customer's issued invoice
    of that month and corrected against it, so the next bill carries it; a customer with no
    live bill that month gets one from a rerun of the month.
    Whether the adjustment is carried by the next bill or absorbed because its invoice was still
    a draft is billing's to decide (see ``milkrun.billing``). The month's billing lock is held
    (shared) and the order read again, so a billing run of the month finishes first or waits.
    """
    if quantity_before == quantity_after:
        return None
    found = session.execute(
        select(Order.delivery_date, Order.invoice_id, Order.customer_id).where(Order.id == order_id)
    ).first()
    if found is None:
        return None
    delivery_date, invoice_id, customer_id = found
    month = {"customer_id": customer_id, "month": delivery_date.replace(day=1)}
    if (
        invoice_id is None
        and session.scalar(_DRAFT, month) is None
        and not period_queries.is_month_closed(session, delivery_date)
    ):
        return None
    lock_billing_month(session, delivery_date, shared=True)
    row = session.execute(
        select(Order.invoice_id, Order.customer_id, Order.unit_price_paise, Order.product_id)
        .where(Order.id == order_id)
        .with_for_update(of=Order)
    ).one()
    against = row.invoice_id
    if against is None:
        against = session.scalar(_DRAFT, month)
    if against is None:
        against = session.scalar(_LIVE_BILL, month)
        if against is None:
            return None
        session.execute(
            update(Order).where(Order.id == order_id).values(invoice_id=against),
            execution_options={"synchronize_session": False},
        )
    rate_bps = tax.rate_on(session, row.product_id, delivery_date)
    split = tax.split_inclusive((quantity_after - quantity_before) * row.unit_price_paise, rate_bps)
    adjustment = Adjustment(
        customer_id=row.customer_id,
        order_id=order_id,
        against_invoice_id=against,
        quantity_before=quantity_before,
        quantity_after=quantity_after,
        unit_price_paise=row.unit_price_paise,
        amount_paise=split.taxable_paise,
        tax_rate_bps=rate_bps,
        tax_paise=split.tax_paise,
        reason=reason[:MAX_REASON],
        created_by_user_id=user_id,
        created_by_link_id=link_id,
    )
    session.add(adjustment)
    session.flush()
    return adjustment
