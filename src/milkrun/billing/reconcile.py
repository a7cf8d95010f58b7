"""Reconciliation: does what was billed for a month match what was delivered?

Two lists and two totals. Delivered, not billed: delivered orders of the month on no invoice,
and invoiced groups (invoice, product, unit price) that bill less than their orders delivered.
Billed, not delivered: invoiced groups that bill more than their orders delivered. A group's
billed quantity is its line plus the corrections recorded against the invoice since; void
invoices count for nothing. Totals are before tax. After a billing run both lists are empty.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from milkrun.adjustments.models import Adjustment
from milkrun.billing.invoicing import BILLED_OUTCOMES, month_end
from milkrun.billing.models import Invoice, InvoiceLine, InvoiceStatus
from milkrun.billing.schemas import (
    BilledWithoutDelivery,
    Reconciliation,
    UnbilledDelivery,
    month_text,
)
from milkrun.deliveries.models import DeliveryStatus
from milkrun.money import to_rupees
from milkrun.orders.models import Order

LIST_LIMIT = 500

Group = tuple[int, int, int]  # invoice, product, unit price


def reconcile(session: Session, month: dt.date, *, limit: int = LIST_LIMIT) -> Reconciliation:
    first, last = month, month_end(month)
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

    billed: dict[Group, int] = defaultdict(int)
    billed_total = 0
    for invoice_id, product_id, price, quantity, amount in session.execute(
        select(
            InvoiceLine.invoice_id,
            InvoiceLine.product_id,
            InvoiceLine.unit_price_paise,
            func.sum(InvoiceLine.quantity),
            func.sum(InvoiceLine.amount_paise),
        )
        .where(InvoiceLine.invoice_id.in_(live))
        .group_by(InvoiceLine.invoice_id, InvoiceLine.product_id, InvoiceLine.unit_price_paise)
    ):
        billed[(invoice_id, product_id, price)] += int(quantity)
        billed_total += int(amount)
    for invoice_id, product_id, price, change, amount in session.execute(
        select(
            Adjustment.against_invoice_id,
            Order.product_id,
            Adjustment.unit_price_paise,
            func.sum(Adjustment.quantity_after - Adjustment.quantity_before),
            func.sum(Adjustment.amount_paise),
        )
        .join(Order, Order.id == Adjustment.order_id)
        .where(Adjustment.against_invoice_id.in_(live))
        .group_by(Adjustment.against_invoice_id, Order.product_id, Adjustment.unit_price_paise)
    ):
        billed[(invoice_id, product_id, price)] += int(change)
        billed_total += int(amount)
    on_invoices: dict[Group, int] = defaultdict(int)
    customers: dict[int, int] = {}
    for invoice_id, customer_id, product_id, price, quantity in session.execute(
        select(
            Order.invoice_id,
            Order.customer_id,
            Order.product_id,
            Order.unit_price_paise,
            func.sum(func.coalesce(delivered, 0)),
        )
        .outerjoin(DeliveryStatus, DeliveryStatus.order_id == Order.id)
        .where(*in_month, Order.invoice_id.in_(live))
        .group_by(Order.invoice_id, Order.customer_id, Order.product_id, Order.unit_price_paise)
    ):
        on_invoices[(invoice_id, product_id, price)] += int(quantity)
        customers[invoice_id] = customer_id
    numbers: dict[int, tuple[str | None, int]] = {
        row.id: (row.number, row.customer_id)
        for row in session.execute(
            select(Invoice.id, Invoice.number, Invoice.customer_id).where(Invoice.id.in_(live))
        )
    }

    over: list[BilledWithoutDelivery] = []
    under: list[UnbilledDelivery] = []
    for group in sorted(set(billed) | set(on_invoices)):
        invoice_id, product_id, price = group
        difference = billed.get(group, 0) - on_invoices.get(group, 0)
        number, customer_id = numbers[invoice_id]
        if difference > 0:
            over.append(
                BilledWithoutDelivery(
                    invoice_id=invoice_id,
                    number=number,
                    customer_id=customer_id,
                    product_id=product_id,
                    unit_price=to_rupees(price),
                    billed_quantity=billed.get(group, 0),
                    delivered_quantity=on_invoices.get(group, 0),
                    amount=to_rupees(difference * price),
                )
            )
        elif difference < 0:
            under.append(
                UnbilledDelivery(
                    order_id=None,
                    customer_id=customer_id,
                    invoice_id=invoice_id,
                    delivery_date=None,
                    product_id=product_id,
                    unit_price=to_rupees(price),
                    quantity=-difference,
                    amount=to_rupees(-difference * price),
                )
            )
    return Reconciliation(
        month=month_text(first),
        delivered_not_billed=(delivered_not_billed + under)[:limit],
        billed_not_delivered=over[:limit],
        delivered_not_billed_count=unbilled_count + len(under),
        billed_not_delivered_count=len(over),
        delivered_total=to_rupees(delivered_total),
        billed_total=to_rupees(billed_total),
        clean=unbilled_count == 0 and not under and not over and delivered_total == billed_total,
    )
