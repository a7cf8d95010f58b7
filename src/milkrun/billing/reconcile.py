"""Reconciliation: does what was billed for a month match what was delivered?

Two lists and two totals. Delivered, not billed: delivered orders of the month on no invoice
(neither linked to an issued one nor on their customer's draft, ``billable.on_draft``), and
invoiced groups (invoice, product, unit price) that bill less than their orders delivered.
Billed, not delivered: invoiced groups that bill more than their orders delivered. A group's
billed quantity is its line plus the corrections recorded against the invoice since; void
invoices count for nothing. Totals are before tax. After a billing run both lists are empty.
Besides: past orders unresolved, adjustments not carried and balances that do not agree with
the ledger (``leaks``).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import case, exists, func, literal, select, union_all
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.adjustments.models import Adjustment
from milkrun.billing import leaks
from milkrun.billing.billable import BILLED_OUTCOMES, on_draft
from milkrun.billing.models import Invoice, InvoiceLine, InvoiceStatus
from milkrun.billing.months import check_billable_month, month_end
from milkrun.billing.schemas import (
    BilledWithoutDelivery,
    Reconciliation,
    UnbilledDelivery,
    month_text,
)
from milkrun.config import Settings
from milkrun.db import statistics
from milkrun.deliveries.models import DeliveryStatus
from milkrun.money import to_rupees
from milkrun.orders.models import Order

LIST_LIMIT = 500


def reconcile(
    session: Session, month: dt.date, *, today: dt.date | None = None, limit: int = LIST_LIMIT
) -> Reconciliation:
    """Every list of the module docstring and of ``leaks``; clean when all are empty. A month
    that has not begun by ``today`` (the business date; the clock's, in the default zone, when
    not given) is refused as billing refuses it; orders of days before ``today`` count as
    past."""
    if today is None:
        today = clock.today(ZoneInfo(Settings.model_fields["timezone"].default))
    first = check_billable_month(month, today)
    last = month_end(first)
    # A month bulk-changed since the last ANALYZE would be planned as if empty.
    statistics.refresh_stale(
        session,
        Order.__tablename__,
        DeliveryStatus.__tablename__,
        Invoice.__tablename__,
        InvoiceLine.__tablename__,
        Adjustment.__tablename__,
    )
    in_month = (Order.delivery_date >= first, Order.delivery_date <= last)
    delivered = case(
        (DeliveryStatus.status.in_(BILLED_OUTCOMES), DeliveryStatus.quantity_delivered), else_=0
    )
    delivered_total = int(
        session.scalar(
            select(func.coalesce(func.sum(delivered * Order.unit_price_paise), 0))
            .join(DeliveryStatus, DeliveryStatus.order_id == Order.id)
            .where(*in_month)
        )
        or 0
    )
    live = select(Invoice.id).where(
        Invoice.month == first, Invoice.status != InvoiceStatus.void.value
    )

    unbilled = (
        select(
            Order.id,
            Order.customer_id,
            Order.delivery_date,
            Order.product_id,
            Order.unit_price_paise,
            DeliveryStatus.quantity_delivered,
        )
        .join(DeliveryStatus, DeliveryStatus.order_id == Order.id)
        .where(
            *in_month,
            Order.invoice_id.is_(None),
            DeliveryStatus.status.in_(BILLED_OUTCOMES),
            ~exists().where(on_draft(Invoice, first)),
        )
    )
    unbilled_count = int(session.scalar(select(func.count()).select_from(unbilled.subquery())) or 0)
    delivered_not_billed = [
        UnbilledDelivery(
            order_id=row.id,
            customer_id=row.customer_id,
            invoice_id=None,
            delivery_date=row.delivery_date,
            product_id=row.product_id,
            unit_price=to_rupees(row.unit_price_paise),
            quantity=row.quantity_delivered,
            amount=to_rupees(row.quantity_delivered * row.unit_price_paise),
        )
        for row in session.execute(unbilled.order_by(Order.id).limit(limit))
    ]

    # Per invoice, product and unit price: what was billed (lines plus corrections against
    # the invoice since) and what its orders delivered. Compared in SQL; only mismatches come
    # back, however many invoices the month has.
    billed_rows = union_all(
        select(
            InvoiceLine.invoice_id.label("invoice_id"),
            InvoiceLine.product_id.label("product_id"),
            InvoiceLine.unit_price_paise.label("price"),
            InvoiceLine.quantity.label("billed"),
            literal(0).label("delivered"),
            # At the (tax-inclusive) price: what the delivered side counts.
            (InvoiceLine.quantity * InvoiceLine.unit_price_paise).label("amount"),
        ).where(InvoiceLine.invoice_id.in_(live)),
        select(
            Adjustment.against_invoice_id,
            Order.product_id,
            Adjustment.unit_price_paise,
            Adjustment.quantity_after - Adjustment.quantity_before,
            literal(0),
            (Adjustment.quantity_after - Adjustment.quantity_before) * Adjustment.unit_price_paise,
        )
        .join(Order, Order.id == Adjustment.order_id)
        .where(Adjustment.against_invoice_id.in_(live)),
    )
    delivered_rows = (
        select(
            Order.invoice_id,
            Order.product_id,
            Order.unit_price_paise,
            literal(0),
            func.coalesce(delivered, 0),
            literal(0),
        )
        .outerjoin(DeliveryStatus, DeliveryStatus.order_id == Order.id)
        .where(*in_month, Order.invoice_id.in_(live))
    )
    # A draft's orders are derived, not linked (``billable.on_draft``).
    delivered_on_drafts = (
        select(
            Invoice.id,
            Order.product_id,
            Order.unit_price_paise,
            literal(0),
            func.coalesce(delivered, 0),
            literal(0),
        )
        .join(Invoice, on_draft(Invoice, first))
        .outerjoin(DeliveryStatus, DeliveryStatus.order_id == Order.id)
    )
    both = union_all(*billed_rows.selects, delivered_rows, delivered_on_drafts).subquery(
        "both_sides"
    )
    billed_total = int(session.scalar(select(func.coalesce(func.sum(both.c.amount), 0))) or 0)
    # One grouping over both sides (a FULL JOIN of two aggregates is quadratic on SQLite).
    billed_quantity = func.sum(both.c.billed)
    delivered_quantity = func.sum(both.c.delivered)
    mismatches = (
        select(
            both.c.invoice_id,
            both.c.product_id,
            both.c.price,
            billed_quantity.label("billed"),
            delivered_quantity.label("delivered"),
        )
        .group_by(both.c.invoice_id, both.c.product_id, both.c.price)
        .having(billed_quantity != delivered_quantity)
        .subquery("mismatches")
    )
    # The first rows and how many there are in all, from one grouping (counted by a window
    # over every mismatch before the limit).
    over_billed = case((mismatches.c.billed > mismatches.c.delivered, 1), else_=0)
    rows = session.execute(
        select(
            mismatches,
            Invoice.number,
            Invoice.customer_id,
            func.count().over().label("mismatch_count"),
            func.sum(over_billed).over().label("over_count"),
        )
        .join(Invoice, Invoice.id == mismatches.c.invoice_id)
        .order_by(mismatches.c.invoice_id, mismatches.c.product_id, mismatches.c.price)
        .limit(limit * 2)
    ).all()
    mismatch_count = int(rows[0].mismatch_count) if rows else 0
    over_count = int(rows[0].over_count) if rows else 0

    over: list[BilledWithoutDelivery] = []
    under: list[UnbilledDelivery] = []
    for row in rows:
        difference = int(row.billed) - int(row.delivered)
        if difference > 0:
            over.append(
                BilledWithoutDelivery(
                    invoice_id=row.invoice_id,
                    number=row.number,
                    customer_id=row.customer_id,
                    product_id=row.product_id,
                    unit_price=to_rupees(row.price),
                    billed_quantity=int(row.billed),
                    delivered_quantity=int(row.delivered),
                    amount=to_rupees(difference * row.price),
                )
            )
        else:
            under.append(
                UnbilledDelivery(
                    order_id=None,
                    customer_id=row.customer_id,
                    invoice_id=row.invoice_id,
                    delivery_date=None,
                    product_id=row.product_id,
                    unit_price=to_rupees(row.price),
                    quantity=-difference,
                    amount=to_rupees(-difference * row.price),
                )
            )
    under_count = mismatch_count - over_count
    unresolved, unresolved_count = leaks.unresolved_orders(session, first, today, limit)
    uncarried, uncarried_count = leaks.adjustments_not_carried(session, first, limit)
    balances, balances_count = leaks.balance_mismatches(session, limit)
    return Reconciliation(
        month=month_text(first),
        delivered_not_billed=(delivered_not_billed + under)[:limit],
        billed_not_delivered=over[:limit],
        delivered_not_billed_count=unbilled_count + under_count,
        billed_not_delivered_count=over_count,
        delivered_total=to_rupees(delivered_total),
        billed_total=to_rupees(billed_total),
        unresolved_orders=unresolved,
        unresolved_orders_count=unresolved_count,
        adjustments_not_carried=uncarried,
        adjustments_not_carried_count=uncarried_count,
        balance_mismatches=balances,
        balance_mismatches_count=balances_count,
        clean=unbilled_count == 0
        and mismatch_count == 0
        and delivered_total == billed_total
        and unresolved_count == 0
        and uncarried_count == 0
        and balances_count == 0,
    )
