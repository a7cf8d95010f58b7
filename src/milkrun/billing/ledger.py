"""A customer's account: what it was billed and what it paid, in date order, with a running
balance (positive: the customer owes; negative: credit in its favour).

Entries: each issued invoice (its own charges: its lines with tax; the corrections it carries
are entries of their own), the voiding of an invoice (the same amount back), each adjustment
(a correction to a billed order, dated when it took effect) and each payment. Drafts are not
bills yet and do not appear.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun.adjustments.models import Adjustment
from milkrun.billing.errors import InvalidPeriod
from milkrun.billing.models import Invoice, InvoiceLine, InvoiceStatus
from milkrun.billing.schemas import Ledger, LedgerEntry
from milkrun.money import format_inr, to_rupees
from milkrun.orders.models import Order
from milkrun.payments.models import Payment

KIND_ORDER = {"invoice": 0, "adjustment": 1, "void": 2, "payment": 3}


@dataclass(frozen=True)
class _Entry:
    day: dt.date
    kind: str
    ref: str
    paise: int  # + debit, - credit
    key: int
    invoice_id: int | None = None
    payment_id: int | None = None
    adjustment_id: int | None = None


def entries_of(session: Session, customer_id: int, zone: ZoneInfo) -> list[_Entry]:
    entries: list[_Entry] = []
    own_charges = (
        select(
            Invoice.id,
            Invoice.number,
            Invoice.month,
            Invoice.issue_date,
            Invoice.voided_at,
            func.coalesce(func.sum(InvoiceLine.amount_paise + InvoiceLine.tax_paise), 0).label(
                "charges"
            ),
        )
        .outerjoin(InvoiceLine, InvoiceLine.invoice_id == Invoice.id)
        .where(Invoice.customer_id == customer_id, Invoice.status != InvoiceStatus.draft.value)
        .group_by(Invoice.id, Invoice.number, Invoice.month, Invoice.issue_date, Invoice.voided_at)
    )
    for row in session.execute(own_charges):
        entries.append(
            _Entry(
                row.issue_date,
                "invoice",
                f"{row.number} ({row.month:%b %Y})",
                int(row.charges),
                row.id,
                invoice_id=row.id,
            )
        )
        if row.voided_at is not None:
            entries.append(
                _Entry(
                    row.voided_at.astimezone(zone).date(),
                    "void",
                    f"{row.number} voided",
                    -int(row.charges),
                    row.id,
                    invoice_id=row.id,
                )
            )
    against = Invoice.__table__.alias("against")
    adjustments = (
        select(Adjustment, Order.delivery_date, against.c.number, against.c.finalized_at)
        .join(Order, Order.id == Adjustment.order_id)
        .join(against, against.c.id == Adjustment.against_invoice_id)
        .where(
            Adjustment.customer_id == customer_id,
            against.c.status != InvoiceStatus.draft.value,
        )
    )
    for adjustment, delivery_date, number, finalized_at in session.execute(adjustments):
        effective = max(adjustment.created_at, finalized_at)
        entries.append(
            _Entry(
                effective.astimezone(zone).date(),
                "adjustment",
                f"order {adjustment.order_id} of {delivery_date.isoformat()} on {number}: "
                f"{adjustment.quantity_before} → {adjustment.quantity_after}"
                + (" (reversed)" if adjustment.reverses_adjustment_id else ""),
                adjustment.amount_paise + adjustment.tax_paise,
                adjustment.id,
                adjustment_id=adjustment.id,
            )
        )
    for payment in session.scalars(select(Payment).where(Payment.customer_id == customer_id)):
        entries.append(
            _Entry(
                payment.received_at.astimezone(zone).date(),
                "payment",
                payment.method.upper() + (f" {payment.reference}" if payment.reference else ""),
                -payment.amount_paise,
                payment.id,
                payment_id=payment.id,
            )
        )
    entries.sort(key=lambda e: (e.day, KIND_ORDER[e.kind], e.key))
    return entries


def balance(session: Session, customer_id: int, zone: ZoneInfo) -> int:
    """What the customer owes now (negative: its credit)."""
    return sum(entry.paise for entry in entries_of(session, customer_id, zone))


def ledger(
    session: Session,
    customer_id: int,
    zone: ZoneInfo,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> Ledger:
    """The account between two dates: the balance before ``date_from`` opens it."""
    if date_from is not None and date_to is not None and date_to < date_from:
        raise InvalidPeriod(
            f"date_to {date_to.isoformat()} is before date_from {date_from.isoformat()}",
        )
    opening = 0
    running = 0
    shown: list[LedgerEntry] = []
    for entry in entries_of(session, customer_id, zone):
        if date_from is not None and entry.day < date_from:
            opening += entry.paise
            running = opening
            continue
        if date_to is not None and entry.day > date_to:
            break
        running += entry.paise
        shown.append(
            LedgerEntry(
                date=entry.day,
                kind=entry.kind,
                ref=entry.ref,
                debit=to_rupees(max(entry.paise, 0)),
                credit=to_rupees(max(-entry.paise, 0)),
                balance=to_rupees(running),
                invoice_id=entry.invoice_id,
                payment_id=entry.payment_id,
                adjustment_id=entry.adjustment_id,
            )
        )
    return Ledger(
        customer_id=customer_id,
        date_from=date_from,
        date_to=date_to,
        opening_balance=to_rupees(opening),
        entries=shown,
        closing_balance=to_rupees(running),
    )


def describe(paise: int) -> str:
    if paise > 0:
        return f"owes {format_inr(paise)}"
    if paise < 0:
        return f"has {format_inr(-paise)} credit"
    return "settled"
