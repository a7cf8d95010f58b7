"""What a draft bills: its lines, the adjustments it carries, and its totals.

A line per product and unit price: the delivered quantity summed, times the order's captured
unit price, tax at the product's rate rounded half up per line (integer arithmetic). The totals
are the lines plus the carried adjustments.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Integer, cast, func, insert, select, update
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.adjustments.models import Adjustment
from milkrun.billing.billable import BILLED_OUTCOMES, Scope, pending_adjustments
from milkrun.billing.models import Invoice, InvoiceLine, InvoiceStatus
from milkrun.catalog.models import Product
from milkrun.deliveries.models import DeliveryStatus
from milkrun.orders.models import Order

# Sums of paise can pass 2**31 on PostgreSQL (an INTEGER there); SQLite integers are 64-bit.
_BIG = Integer().with_variant(BigInteger(), "postgresql")
_BULK = {"synchronize_session": False}


def insert_lines(session: Session, scope: Scope) -> None:
    """One line per draft, product and unit price: the delivered quantity summed, its amount,
    and the tax at the product's rate rounded half up per line (integer arithmetic)."""
    quantity = func.sum(DeliveryStatus.quantity_delivered)
    amount = cast(quantity, _BIG) * Order.unit_price_paise
    tax = (amount * Product.tax_rate_bps + 5000) // 10000
    lines = (
        select(
            Order.invoice_id,
            Order.product_id,
            func.substr(Product.name + " · " + Product.unit, 1, 200),
            quantity,
            Order.unit_price_paise,
            amount,
            Product.tax_rate_bps,
            tax,
        )
        .join(DeliveryStatus, DeliveryStatus.order_id == Order.id)
        .join(Product, Product.id == Order.product_id)
        .join(Invoice, Invoice.id == Order.invoice_id)
        .where(
            scope.drafts(),
            scope.orders(),
            DeliveryStatus.status.in_(BILLED_OUTCOMES),
        )
        .group_by(
            Order.invoice_id,
            Order.product_id,
            Order.unit_price_paise,
            Product.name,
            Product.unit,
            Product.tax_rate_bps,
        )
    )
    session.execute(
        insert(InvoiceLine).from_select(
            [
                "invoice_id",
                "product_id",
                "description",
                "quantity",
                "unit_price_paise",
                "amount_paise",
                "tax_rate_bps",
                "tax_paise",
            ],
            lines,
        )
    )


def carry_adjustments(session: Session, scope: Scope) -> None:
    """Put the pending adjustments of the scope's customers on their drafts."""
    draft_of_adjusted = (
        select(Invoice.id)
        .where(
            Invoice.customer_id == Adjustment.customer_id,
            Invoice.month == scope.month,
            Invoice.status == InvoiceStatus.draft.value,
        )
        .scalar_subquery()
    )
    session.execute(
        update(Adjustment)
        .where(pending_adjustments(scope.month), scope.customers(Adjustment.customer_id))
        .values(invoice_id=draft_of_adjusted),
        execution_options=_BULK,
    )


def refresh_totals(session: Session, scope: Scope, *, now: dt.datetime | None = None) -> None:
    """Set the totals of the scope's drafts from their lines and the adjustments they carry:
    one ``UPDATE ... FROM`` over the sums (not four lookups per invoice)."""
    in_scope = select(Invoice.id).where(scope.drafts())
    lines = (
        select(
            InvoiceLine.invoice_id.label("invoice_id"),
            func.sum(InvoiceLine.amount_paise).label("amount"),
            func.sum(InvoiceLine.tax_paise).label("tax"),
        )
        .where(InvoiceLine.invoice_id.in_(in_scope))
        .group_by(InvoiceLine.invoice_id)
        .subquery("line_sums")
    )
    carried = (
        select(
            Adjustment.invoice_id.label("invoice_id"),
            func.sum(Adjustment.amount_paise).label("amount"),
            func.sum(Adjustment.tax_paise).label("tax"),
        )
        .where(Adjustment.invoice_id.in_(in_scope))
        .group_by(Adjustment.invoice_id)
        .subquery("adjustment_sums")
    )
    drafts = in_scope.subquery("drafts")
    subtotal = func.coalesce(lines.c.amount, 0) + func.coalesce(carried.c.amount, 0)
    tax = func.coalesce(lines.c.tax, 0) + func.coalesce(carried.c.tax, 0)
    totals = (
        select(
            drafts.c.id.label("id"),
            subtotal.label("subtotal"),
            tax.label("tax"),
        )
        .select_from(drafts)
        .outerjoin(lines, lines.c.invoice_id == drafts.c.id)
        .outerjoin(carried, carried.c.invoice_id == drafts.c.id)
        .subquery("totals")
    )
    session.execute(
        update(Invoice)
        .where(Invoice.id == totals.c.id, Invoice.status == InvoiceStatus.draft.value)
        .values(
            subtotal_paise=totals.c.subtotal,
            tax_paise=totals.c.tax,
            total_paise=totals.c.subtotal + totals.c.tax,
            updated_at=now or clock.now(),
        ),
        execution_options=_BULK,
    )
