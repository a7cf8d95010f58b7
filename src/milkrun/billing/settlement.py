"""Settling invoices: which credit paid which invoice, and what each invoice still owes.

A customer's credits (payments, and issued invoices whose corrections made their total
negative) pay its issued invoices oldest first (by month, then issue date, then number); what is
left over stays as credit and pays the next invoice when it is issued. Allocations are derived:
``settle`` recomputes a customer's from scratch, in one set-based statement (the overlap of the
running totals of debits and credits), after every payment, finalization and void. Invoice
states follow: paid (nothing left to pay), partially paid, or finalized (nothing paid yet).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    null,
    select,
    union_all,
    update,
)
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit import service as audit
from milkrun.audit.service import Actor
from milkrun.billing.models import ISSUED_STATUSES, Allocation, Invoice, InvoiceStatus
from milkrun.customers.models import Customer
from milkrun.money import to_rupees
from milkrun.payments import service as payment_service
from milkrun.payments.models import Payment
from milkrun.payments.schemas import PaymentCreate

ISSUED = [status.value for status in ISSUED_STATUSES]
Customers = Select[int] | list[int]


def _least(a: Any, b: Any) -> ColumnElement[Any]:
    return case((a < b, a), else_=b)


def _greatest(a: Any, b: Any) -> ColumnElement[Any]:
    return case((a > b, a), else_=b)


def customers_with_credits() -> Select[int]:
    """Customers who have anything that could pay an invoice."""
    return select(Payment.customer_id).union(
        select(Invoice.customer_id).where(Invoice.status.in_(ISSUED), Invoice.total_paise < 0)
    )  # type: ignore[return-value]


def settle(session: Session, customers: Customers) -> None:
    """Recompute the allocations and payment states of ``customers``' invoices.

    The customers' rows are locked first (in id order, on PostgreSQL), so two settlements of
    one customer never interleave.
    """
    scope: Any = customers
    if isinstance(customers, list):
        if not customers:
            return
    else:
        scope = customers.scalar_subquery()
    session.execute(
        select(Customer.id).where(Customer.id.in_(scope)).order_by(Customer.id).with_for_update()
    ).all()
    session.execute(
        delete(Allocation).where(Allocation.customer_id.in_(scope)),
        execution_options={"synchronize_session": False},
    )

    debits = (
        select(
            Invoice.id.label("invoice_id"),
            Invoice.customer_id.label("customer_id"),
            Invoice.total_paise.label("amount"),
            (
                func.sum(Invoice.total_paise).over(
                    partition_by=Invoice.customer_id,
                    order_by=(Invoice.month, Invoice.issue_date, Invoice.id),
                    rows=(None, 0),
                )
                - Invoice.total_paise
            ).label("start"),
        )
        .where(Invoice.customer_id.in_(scope), Invoice.status.in_(ISSUED), Invoice.total_paise > 0)
        .subquery("debits")
    )
    sources = union_all(
        select(
            Payment.id.label("payment_id"),
            cast(null(), Integer).label("credit_invoice_id"),
            Payment.customer_id.label("customer_id"),
            Payment.amount_paise.label("amount"),
            Payment.received_at.label("at"),
            literal(0).label("kind"),
            Payment.id.label("source_id"),
        ).where(Payment.customer_id.in_(scope)),
        select(
            cast(null(), Integer),
            Invoice.id,
            Invoice.customer_id,
            -Invoice.total_paise,
            Invoice.finalized_at,
            literal(1),
            Invoice.id,
        ).where(
            Invoice.customer_id.in_(scope), Invoice.status.in_(ISSUED), Invoice.total_paise < 0
        ),
    ).subquery("sources")
    credits = select(
        sources.c.payment_id,
        sources.c.credit_invoice_id,
        sources.c.customer_id,
        sources.c.amount,
        (
            func.sum(sources.c.amount).over(
                partition_by=sources.c.customer_id,
                order_by=(sources.c.at, sources.c.kind, sources.c.source_id),
                rows=(None, 0),
            )
            - sources.c.amount
        ).label("start"),
    ).subquery("credits")
    debit_end = debits.c.start + debits.c.amount
    credit_end = credits.c.start + credits.c.amount
    overlaps = select(
        debits.c.customer_id,
        debits.c.invoice_id,
        credits.c.payment_id,
        credits.c.credit_invoice_id,
        _least(debit_end, credit_end) - _greatest(debits.c.start, credits.c.start),
    ).join_from(
        debits,
        credits,
        and_(
            credits.c.customer_id == debits.c.customer_id,
            credits.c.start < debit_end,
            debits.c.start < credit_end,
        ),
    )
    session.execute(
        insert(Allocation).from_select(
            ["customer_id", "invoice_id", "payment_id", "credit_invoice_id", "amount_paise"],
            overlaps,
        )
    )

    paid = (
        select(func.coalesce(func.sum(Allocation.amount_paise), 0))
        .where(Allocation.invoice_id == Invoice.id)
        .scalar_subquery()
    )
    session.execute(
        update(Invoice)
        .where(Invoice.customer_id.in_(scope), Invoice.status.in_(ISSUED))
        .values(
            amount_paid_paise=paid,
            status=case(
                (Invoice.total_paise <= paid, InvoiceStatus.paid.value),
                (paid > 0, InvoiceStatus.partially_paid.value),
                else_=InvoiceStatus.finalized.value,
            ),
        ),
        execution_options={"synchronize_session": False},
    )


def receive_payment(
    session: Session,
    data: PaymentCreate,
    actor: Actor,
    *,
    confirm_duplicate: bool = False,
    now: dt.datetime | None = None,
) -> Payment:
    """Record a payment (``payments.service.add_payment`` has its rules) and settle the
    customer's invoices with it: oldest open invoice first, the rest kept as credit."""
    payment = payment_service.add_payment(
        session,
        data,
        user_id=actor.user_id,
        now=now or clock.now(),
        confirm_duplicate=confirm_duplicate,
    )
    settle(session, [payment.customer_id])
    allocations = allocations_of_payment(session, payment.id)
    audit.record(
        session,
        actor,
        "payment.record",
        "payment",
        payment.id,
        after={
            **audit.snapshot(payment),
            "allocations": [
                {"invoice_id": invoice_id, "number": number, "amount": to_rupees(amount)}
                for invoice_id, number, amount in allocations
            ],
        },
        customer_id=payment.customer_id,
    )
    return payment


def allocations_of_payment(session: Session, payment_id: int) -> list[tuple[int, str | None, int]]:
    return allocations_of_payments(session, [payment_id]).get(payment_id, [])


def allocations_of_payments(
    session: Session, payment_ids: list[int]
) -> dict[int, list[tuple[int, str | None, int]]]:
    """For each payment: (invoice id, number, paise) it paid, oldest invoice first."""
    found: dict[int, list[tuple[int, str | None, int]]] = {}
    if not payment_ids:
        return found
    rows = session.execute(
        select(
            Allocation.payment_id, Allocation.invoice_id, Invoice.number, Allocation.amount_paise
        )
        .join(Invoice, Invoice.id == Allocation.invoice_id)
        .where(Allocation.payment_id.in_(payment_ids))
        .order_by(Allocation.payment_id, Invoice.month, Invoice.issue_date, Invoice.id)
    ).all()
    for row in rows:
        found.setdefault(row.payment_id, []).append((row.invoice_id, row.number, row.amount_paise))
    return found
