"""What a draft bills: its lines, the adjustments it carries, and its totals.

A line per product, unit price and tax rate: the delivered quantity summed, times the order's
captured (tax-inclusive) unit price, split per line into taxable value and the CGST and SGST
inside it at the product's rate on the delivery date (``catalog.tax``). The totals are the
lines plus the carried adjustments; the document type follows the items' rates.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    and_,
    case,
    cast,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.adjustments.models import Adjustment
from milkrun.billing.billable import BILLED_OUTCOMES, Scope, pending_adjustments
from milkrun.billing.models import DocumentType, Invoice, InvoiceLine, InvoiceStatus
from milkrun.catalog import tax
from milkrun.catalog.models import Product
from milkrun.customers.models import Customer
from milkrun.deliveries.models import DeliveryStatus
from milkrun.orders.models import Order

# Sums of paise can pass 2**31 on PostgreSQL (an INTEGER there); SQLite integers are 64-bit.
_BIG = Integer().with_variant(BigInteger(), "postgresql")
_BULK = {"synchronize_session": False}


def insert_lines(session: Session, scope: Scope, *, linked: bool = False) -> None:
    """One line per draft, product, unit price and tax rate: the delivered quantity summed,
    its taxable value and the GST inside quantity x price, split per line (``catalog.tax``).
    A draft's orders are derived (``billable.on_draft``); with ``linked``, when finalizing,
    they are those linked to it (``drafts.link_orders``, just before, in the same transaction)."""
    if linked:
        on_invoice = and_(Invoice.id == Order.invoice_id, scope.drafts(), scope.orders())
    else:
        on_invoice = scope.orders_on_drafts()
    periods = tax.rate_periods()
    rate = func.coalesce(periods.c.rate_bps, Product.tax_rate_bps)
    quantity = func.sum(DeliveryStatus.quantity_delivered)
    gross = cast(quantity, _BIG) * Order.unit_price_paise
    gst = tax.tax_in_sql(gross, rate)
    lines = (
        select(
            Invoice.id,
            Order.product_id,
            func.substr(Product.name + " · " + Product.unit, 1, 200),
            Product.hsn_code,
            quantity,
            Order.unit_price_paise,
            gross - gst,
            rate,
            gst,
        )
        .join(DeliveryStatus, DeliveryStatus.order_id == Order.id)
        .join(Product, Product.id == Order.product_id)
        .join(Invoice, on_invoice)
        .outerjoin(
            periods,
            and_(
                periods.c.product_id == Order.product_id,
                periods.c.effective_from <= Order.delivery_date,
                or_(periods.c.until.is_(None), periods.c.until > Order.delivery_date),
            ),
        )
        .where(DeliveryStatus.status.in_(BILLED_OUTCOMES))
        .group_by(
            Invoice.id,
            Order.product_id,
            Order.unit_price_paise,
            Product.name,
            Product.unit,
            Product.hsn_code,
            rate,
        )
    )
    session.execute(
        insert(InvoiceLine).from_select(
            [
                "invoice_id",
                "product_id",
                "description",
                "hsn_code",
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


def set_document_types(session: Session, scope: Scope, *, now: dt.datetime | None = None) -> None:
    """Stamp each draft of the scope with its customer's GSTIN and its GST document type (CGST
    rules 46, 49, 46A), from the rates of its lines and carried adjustments: every item
    nil-rated, a bill of supply; every item taxable, a tax invoice; a mix, an invoice-cum-bill
    of supply to an unregistered customer and a tax invoice (nil items at 0 %) to a registered
    one. One UPDATE for the whole scope."""

    def items(taxed: bool) -> ColumnElement[bool]:
        line_rate = InvoiceLine.tax_rate_bps > 0 if taxed else InvoiceLine.tax_rate_bps == 0
        carried_rate = Adjustment.tax_rate_bps > 0 if taxed else Adjustment.tax_rate_bps == 0
        return or_(
            exists().where(InvoiceLine.invoice_id == Invoice.id, line_rate),
            exists().where(Adjustment.invoice_id == Invoice.id, carried_rate),
        )

    gstin = select(Customer.gstin).where(Customer.id == Invoice.customer_id).scalar_subquery()
    document_type = case(
        (~items(True), DocumentType.bill_of_supply.value),
        (~items(False), DocumentType.tax_invoice.value),
        (gstin.is_not(None), DocumentType.tax_invoice.value),
        else_=DocumentType.invoice_bill_of_supply.value,
    )
    session.execute(
        update(Invoice)
        .where(scope.drafts())
        .values(customer_gstin=gstin, document_type=document_type, updated_at=now or clock.now()),
        execution_options=_BULK,
    )
