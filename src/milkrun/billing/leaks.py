"""The leaks reconciliation looks for besides delivered vs billed, set-based:

- past orders unresolved: orders of the month's days that are over, still unmarked;
- adjustments not carried: once a month is finalized, every correction its run should have
  carried (pending then) is on one of its bills;
- balances: per customer, the issued bills − payments + corrections not yet on a bill equal
  the ledger's balance (its own charges per bill + every correction − payments): a bill whose
  total is not its lines plus what it carries breaks it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Select, and_, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from milkrun.adjustments.models import Adjustment
from milkrun.billing.billable import pending_adjustments
from milkrun.billing.models import ISSUED_STATUSES, Invoice, InvoiceLine, InvoiceStatus
from milkrun.billing.months import month_end
from milkrun.billing.schemas import BalanceMismatch, UncarriedAdjustment, UnresolvedPastOrder
from milkrun.money import to_rupees
from milkrun.orders.models import Order, OrderStatus
from milkrun.payments.models import Payment
from milkrun.periods.models import MonthClose

ISSUED = [status.value for status in ISSUED_STATUSES]


def unresolved_orders(
    session: Session, month: dt.date, today: dt.date, limit: int
) -> tuple[list[UnresolvedPastOrder], int]:
    condition = and_(
        Order.delivery_date >= month,
        Order.delivery_date <= month_end(month),
        Order.delivery_date < today,
        Order.status == OrderStatus.scheduled.value,
    )
    count = int(session.scalar(select(func.count(Order.id)).where(condition)) or 0)
    rows = session.scalars(select(Order).where(condition).order_by(Order.id).limit(limit))
    return [
        UnresolvedPastOrder(
            order_id=o.id,
            customer_id=o.customer_id,
            delivery_date=o.delivery_date,
            product_id=o.product_id,
            quantity=o.quantity,
        )
        for o in rows
    ], count


def adjustments_not_carried(
    session: Session, month: dt.date, limit: int
) -> tuple[list[UncarriedAdjustment], int]:
    """Corrections pending when ``month`` was finalized that are still on no bill."""
    closed_at = session.scalar(select(MonthClose.closed_at).where(MonthClose.month == month))
    if closed_at is None:
        return [], 0
    condition = and_(pending_adjustments(month), Adjustment.created_at <= closed_at)
    count = int(session.scalar(select(func.count(Adjustment.id)).where(condition)) or 0)
    rows = session.scalars(select(Adjustment).where(condition).order_by(Adjustment.id).limit(limit))
    return [
        UncarriedAdjustment(
            adjustment_id=a.id,
            customer_id=a.customer_id,
            order_id=a.order_id,
            against_invoice_id=a.against_invoice_id,
            amount=to_rupees(a.amount_paise + a.tax_paise),
        )
        for a in rows
    ], count


def _sides() -> Select[tuple[int, int, int, int, int]]:
    """Per customer: billed (issued bills' totals), paid, not yet billed (corrections against
    issued bills that no issued bill carries), and the ledger's own sum."""
    live = Invoice.status.in_(ISSUED)
    charges = select(
        Invoice.customer_id.label("customer_id"),
        Invoice.total_paise.label("billed"),
        literal(0).label("paid"),
        literal(0).label("pending"),
        literal(0).label("ledger"),
    ).where(live)
    own_charges = (
        select(
            Invoice.customer_id,
            literal(0),
            literal(0),
            literal(0),
            InvoiceLine.amount_paise + InvoiceLine.tax_paise,
        )
        .join(InvoiceLine, InvoiceLine.invoice_id == Invoice.id)
        .where(live)
    )
    adjustment_total = Adjustment.amount_paise + Adjustment.tax_paise
    against_issued = Adjustment.against_invoice_id.in_(
        select(Invoice.id).where(Invoice.status != InvoiceStatus.draft.value)
    )
    carried_live = Adjustment.invoice_id.in_(select(Invoice.id).where(live))
    in_ledger = select(
        Adjustment.customer_id, literal(0), literal(0), literal(0), adjustment_total
    ).where(against_issued)
    not_yet_billed = select(
        Adjustment.customer_id, literal(0), literal(0), adjustment_total, literal(0)
    ).where(against_issued, or_(Adjustment.invoice_id.is_(None), ~carried_live))
    payments = select(
        Payment.customer_id, literal(0), Payment.amount_paise, literal(0), -Payment.amount_paise
    )
    both = union_all(charges, own_charges, in_ledger, not_yet_billed, payments).subquery("sides")
    return select(
        both.c.customer_id,
        func.sum(both.c.billed).label("billed"),
        func.sum(both.c.paid).label("paid"),
        func.sum(both.c.pending).label("pending"),
        func.sum(both.c.ledger).label("ledger"),
    ).group_by(both.c.customer_id)


def balance_mismatches(session: Session, limit: int) -> tuple[list[BalanceMismatch], int]:
    sides = _sides().subquery("per_customer")
    from_bills = sides.c.billed - sides.c.paid + sides.c.pending
    wrong = select(sides, from_bills.label("from_bills")).where(from_bills != sides.c.ledger)
    count = int(session.scalar(select(func.count()).select_from(wrong.subquery())) or 0)
    rows = session.execute(wrong.order_by(sides.c.customer_id).limit(limit))
    return [
        BalanceMismatch(
            customer_id=row.customer_id,
            billed=to_rupees(int(row.billed)),
            paid=to_rupees(int(row.paid)),
            not_yet_billed=to_rupees(int(row.pending)),
            from_bills=to_rupees(int(row.from_bills)),
            ledger_balance=to_rupees(int(row.ledger)),
        )
        for row in rows
    ], count
