"""Reading invoices: lists, one invoice with its lines, corrections and payments, the bill."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm import Session

from milkrun.adjustments.models import Adjustment
from milkrun.billing import pdf, statement, upi
from milkrun.billing.billable import BILLED_OUTCOMES, on_draft
from milkrun.billing.errors import InvalidStatus, InvoiceNotFound
from milkrun.billing.models import (
    OVERDUE,
    Allocation,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
)
from milkrun.billing.months import month_end
from milkrun.billing.schemas import (
    AccountRead,
    AdjustmentRead,
    InvoiceDetail,
    InvoiceLineRead,
    InvoicePaymentRead,
    InvoiceRead,
    month_text,
)
from milkrun.catalog.models import Product
from milkrun.config import Settings
from milkrun.customers.models import Customer
from milkrun.db.pagination import paginate
from milkrun.deliveries.models import DeliveryStatus
from milkrun.money import to_rupees
from milkrun.orders.models import Order
from milkrun.payments.models import Payment

UNPAID = (InvoiceStatus.finalized.value, InvoiceStatus.partially_paid.value)
STATUS_FILTERS = (*(s.value for s in InvoiceStatus), OVERDUE)


def is_overdue(invoice: Invoice, today: dt.date) -> bool:
    return invoice.status in UNPAID and invoice.due_date is not None and invoice.due_date < today


def display_status(invoice: Invoice, today: dt.date) -> str:
    """The stored state, or ``overdue`` for an issued invoice not fully paid by its due date."""
    return OVERDUE if is_overdue(invoice, today) else invoice.status


def balance_due(invoice: Invoice) -> int:
    if invoice.status == InvoiceStatus.void:
        return 0
    return max(invoice.total_paise - invoice.amount_paid_paise, 0)


def read_invoice(invoice: Invoice, today: dt.date) -> InvoiceRead:
    return InvoiceRead(
        id=invoice.id,
        customer_id=invoice.customer_id,
        customer_name=invoice.customer_name,
        month=month_text(invoice.month),
        status=display_status(invoice, today),
        document_type=invoice.document_type,
        customer_gstin=invoice.customer_gstin,
        number=invoice.number,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        subtotal=to_rupees(invoice.subtotal_paise),
        tax=to_rupees(invoice.tax_paise),
        total=to_rupees(invoice.total_paise),
        amount_paid=to_rupees(invoice.amount_paid_paise),
        balance_due=to_rupees(balance_due(invoice)),
    )


def get_invoice(session: Session, invoice_id: int, *, customer_id: int | None = None) -> Invoice:
    """An invoice; for a customer (``customer_id``) only its own issued or void ones: a draft is
    not a bill yet, and another customer's invoice does not exist as far as it can tell."""
    invoice = session.get(Invoice, invoice_id)
    if invoice is None or (
        customer_id is not None
        and (invoice.customer_id != customer_id or invoice.status == InvoiceStatus.draft)
    ):
        raise InvoiceNotFound(f"There is no invoice {invoice_id}")
    return invoice


def list_invoices(
    session: Session,
    *,
    today: dt.date,
    limit: int,
    cursor: str | None,
    month: dt.date | None = None,
    customer_id: int | None = None,
    status: str | None = None,
    issued_only: bool = False,
    customers: Select[Any] | None = None,
) -> tuple[Sequence[Invoice], str | None]:
    """Invoices newest first, filtered by month, customer and (displayed) status, of
    ``customers`` (those in view) when given."""
    statement = select(Invoice)
    if customers is not None:
        statement = statement.where(Invoice.customer_id.in_(customers))
    if month is not None:
        statement = statement.where(Invoice.month == month)
    if customer_id is not None:
        statement = statement.where(Invoice.customer_id == customer_id)
    if issued_only:
        statement = statement.where(Invoice.status != InvoiceStatus.draft.value)
    if status is not None:
        if status not in STATUS_FILTERS:
            raise InvalidStatus(
                f"status is one of {', '.join(STATUS_FILTERS)}, not {status!r}",
            )
        overdue = and_(Invoice.status.in_(UNPAID), Invoice.due_date < today)
        if status == OVERDUE:
            statement = statement.where(overdue)
        elif status in UNPAID:
            statement = statement.where(Invoice.status == status, ~overdue)
        else:
            statement = statement.where(Invoice.status == status)
    return paginate(session, statement, Invoice.id, limit=limit, cursor=cursor, newest_first=True)


def lines_of(session: Session, invoice_id: int) -> list[InvoiceLine]:
    return list(
        session.scalars(
            select(InvoiceLine)
            .where(InvoiceLine.invoice_id == invoice_id)
            .order_by(InvoiceLine.product_id, InvoiceLine.unit_price_paise)
        )
    )


def _carried(session: Session, invoice_id: int) -> list[tuple[Adjustment, dt.date, str | None]]:
    against = Invoice.__table__.alias("against")
    rows = session.execute(
        select(Adjustment, Order.delivery_date, against.c.number)
        .join(Order, Order.id == Adjustment.order_id)
        .join(against, against.c.id == Adjustment.against_invoice_id)
        .where(Adjustment.invoice_id == invoice_id)
        .order_by(Adjustment.id)
    ).all()
    return [(adjustment, delivery_date, number) for adjustment, delivery_date, number in rows]


def adjustments_carried(session: Session, invoice_id: int) -> list[AdjustmentRead]:
    return [
        AdjustmentRead(
            id=adjustment.id,
            order_id=adjustment.order_id,
            delivery_date=delivery_date,
            kind="credit" if adjustment.amount_paise < 0 else "debit",
            against_invoice_id=adjustment.against_invoice_id,
            against_number=number,
            quantity_before=adjustment.quantity_before,
            quantity_after=adjustment.quantity_after,
            unit_price=to_rupees(adjustment.unit_price_paise),
            amount=to_rupees(adjustment.amount_paise),
            tax=to_rupees(adjustment.tax_paise),
            reason=adjustment.reason,
            created_at=adjustment.created_at,
        )
        for adjustment, delivery_date, number in _carried(session, invoice_id)
    ]


def _applied(session: Session, invoice_id: int) -> Sequence[Any]:
    return session.execute(
        select(
            Allocation.payment_id,
            Allocation.credit_invoice_id,
            Allocation.amount_paise,
            Payment.received_at,
            Payment.method,
            Payment.reference,
            Invoice.number.label("credit_number"),
            Invoice.finalized_at.label("credited_at"),
        )
        .outerjoin(Payment, Payment.id == Allocation.payment_id)
        .outerjoin(Invoice, Invoice.id == Allocation.credit_invoice_id)
        .where(Allocation.invoice_id == invoice_id)
        .order_by(Allocation.id)
    ).all()


def payments_applied(session: Session, invoice_id: int) -> list[InvoicePaymentRead]:
    return [
        InvoicePaymentRead(
            payment_id=row.payment_id,
            credit_invoice_id=row.credit_invoice_id,
            received_at=row.received_at,
            method=row.method,
            reference=row.reference,
            amount=to_rupees(row.amount_paise),
        )
        for row in _applied(session, invoice_id)
    ]


def invoice_detail(
    session: Session, invoice: Invoice, today: dt.date, zone: ZoneInfo | None = None
) -> InvoiceDetail:
    return InvoiceDetail(
        **read_invoice(invoice, today).model_dump(),
        lines=[
            InvoiceLineRead(
                product_id=line.product_id,
                description=line.description,
                hsn_code=line.hsn_code,
                quantity=line.quantity,
                unit_price=to_rupees(line.unit_price_paise),
                amount=to_rupees(line.amount_paise),
                tax_rate=f"{line.tax_rate_bps / 100:.2f}",
                tax=to_rupees(line.tax_paise),
                cgst=to_rupees(line.tax_paise // 2),
                sgst=to_rupees(line.tax_paise - line.tax_paise // 2),
            )
            for line in lines_of(session, invoice.id)
        ],
        adjustments=adjustments_carried(session, invoice.id),
        payments=payments_applied(session, invoice.id),
        void_reason=invoice.void_reason,
        period_start=invoice.month,
        period_end=month_end(invoice.month),
        account=account_of(session, invoice, zone) if zone is not None else None,
    )


def account_of(session: Session, invoice: Invoice, zone: ZoneInfo) -> AccountRead | None:
    stated = statement.statement_of(session, invoice, zone)
    if stated is None:
        return None
    return AccountRead(
        previous_invoice_number=stated.previous_number,
        previous_balance=to_rupees(stated.previous_balance_paise),
        payments_and_credits=to_rupees(stated.payments_and_credits_paise),
        charges=to_rupees(stated.charges_paise),
        adjustments=to_rupees(stated.adjustments_paise),
        total_due=to_rupees(stated.total_due_paise),
    )


def orders_on(invoice: Invoice) -> ColumnElement[bool]:
    """Which orders are on ``invoice``: for a draft, derived (``billable.on_draft``: its
    customer's billable orders of its month on no issued invoice); for an issued or void one,
    those linked to it by finalizing (``orders.invoice_id``; a void one has none left)."""
    if invoice.status == InvoiceStatus.draft:
        return and_(Invoice.id == invoice.id, on_draft(Invoice, invoice.month))
    return and_(
        Order.customer_id == invoice.customer_id,
        Order.delivery_date >= invoice.month,
        Order.delivery_date <= month_end(invoice.month),
        Order.invoice_id == invoice.id,
    )


def milk_card(session: Session, invoice: Invoice) -> list[pdf.CardRow]:
    """What the invoice billed, day by day and product by product: each order's delivered
    quantity as it was when billed (a correction made since, recorded as an adjustment against
    this invoice, is taken back out, so the card always agrees with the lines)."""
    orders = session.execute(
        select(
            Order.id,
            Order.product_id,
            Order.delivery_date,
            func.coalesce(DeliveryStatus.quantity_delivered, 0).label("delivered"),
            DeliveryStatus.status,
        )
        .outerjoin(DeliveryStatus, DeliveryStatus.order_id == Order.id)
        .where(orders_on(invoice))
    ).all()
    corrected: dict[int, int] = defaultdict(int)
    for order_id, delta in session.execute(
        select(
            Adjustment.order_id,
            func.sum(Adjustment.quantity_after - Adjustment.quantity_before),
        )
        .where(Adjustment.against_invoice_id == invoice.id)
        .group_by(Adjustment.order_id)
    ):
        corrected[order_id] = int(delta)
    names = dict(
        session.execute(
            select(Product.id, Product.name).where(
                Product.id.in_({order.product_id for order in orders})
            )
        ).all()
    )
    grid: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for order in orders:
        delivered = order.delivered if order.status in BILLED_OUTCOMES else 0
        billed = delivered - corrected.get(order.id, 0)
        if billed:
            grid[order.product_id][order.delivery_date.day] += billed
    return [
        pdf.CardRow(names[product_id], dict(days))
        for product_id, days in sorted(grid.items(), key=lambda item: names[item[0]])
    ]


def bill_of(session: Session, invoice: Invoice, settings: Settings) -> pdf.Bill:
    """Everything the paper bill shows."""
    stated = statement.statement_of(session, invoice, settings.zone)
    customer = session.execute(
        select(Customer.language, Customer.is_prepaid).where(Customer.id == invoice.customer_id)
    ).one()
    return pdf.Bill(
        business_name=settings.business_name,
        business_address=settings.business_address,
        business_gstin=settings.business_gstin,
        business_state=settings.business_state,
        document_type=invoice.document_type,
        customer_gstin=invoice.customer_gstin,
        customer_id=invoice.customer_id,
        customer_name=invoice.customer_name,
        customer_address=invoice.customer_address,
        language=customer.language or "en",
        # What the bill was when issued (a later switch does not rewrite it); a draft's is the
        # customer's now.
        is_prepaid=customer.is_prepaid if invoice.is_prepaid is None else invoice.is_prepaid,
        month=invoice.month,
        status=invoice.status,
        number=invoice.number,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        subtotal_paise=invoice.subtotal_paise,
        tax_paise=invoice.tax_paise,
        total_paise=invoice.total_paise,
        amount_paid_paise=invoice.amount_paid_paise,
        balance_due_paise=balance_due(invoice),
        statement=stated,
        upi_link=upi.link_for(
            settings,
            amount_paise=stated.still_due_paise if stated else 0,
            bill_number=invoice.number,
        ),
        upi_vpa=settings.upi_vpa,
        card=milk_card(session, invoice),
        lines=[
            pdf.BillLine(
                description=line.description,
                hsn_code=line.hsn_code,
                quantity=line.quantity,
                unit_price_paise=line.unit_price_paise,
                amount_paise=line.amount_paise,
                tax_rate_bps=line.tax_rate_bps,
                tax_paise=line.tax_paise,
            )
            for line in lines_of(session, invoice.id)
        ],
        adjustments=[
            pdf.BillAdjustment(
                day=delivery_date,
                description=(
                    f"Order {adjustment.order_id} ({number}): {adjustment.quantity_before} → "
                    f"{adjustment.quantity_after} delivered, {adjustment.reason}"
                ),
                amount_paise=adjustment.amount_paise,
                tax_paise=adjustment.tax_paise,
            )
            for adjustment, delivery_date, number in _carried(session, invoice.id)
        ],
        payments=[
            pdf.BillPayment(
                day=(row.received_at or row.credited_at).astimezone(settings.zone).date(),
                method=row.method or "credit",
                reference=row.reference
                or (f"from {row.credit_number}" if row.credit_number else None),
                amount_paise=row.amount_paise,
            )
            for row in _applied(session, invoice.id)
        ],
    )
