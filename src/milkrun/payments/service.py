"""Recording money received. The rules of a payment record live here; settling invoices with
it is billing's (``milkrun.billing.settlement.receive_payment`` calls ``add_payment``, then
settles and writes the one audit event)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from milkrun.customers.errors import CustomerNotFound
from milkrun.customers.models import Customer
from milkrun.date_window import CLOCK_SKEW
from milkrun.money import InvalidAmount, format_inr, to_paise
from milkrun.notify import outbox
from milkrun.payments.errors import DuplicateReference, PossibleDuplicate, ReceivedInFuture
from milkrun.payments.models import Payment
from milkrun.payments.schemas import PaymentCreate

DUPLICATE_WINDOW = dt.timedelta(minutes=2)


def lock_customer(session: Session, customer_id: int) -> None:
    """Hold the customer's row until the transaction ends (PostgreSQL), so that the payments
    of one customer, and the settling of its invoices, happen one at a time."""
    found = session.execute(
        select(Customer.id).where(Customer.id == customer_id).with_for_update()
    ).scalar()
    if found is None:
        raise CustomerNotFound(customer_id)


def add_payment(
    session: Session,
    data: PaymentCreate,
    *,
    user_id: int | None,
    now: dt.datetime,
    confirm_duplicate: bool = False,
) -> Payment:
    """Record a payment.

    Rules: the amount is more than zero; it was not received in the future; a reference (UPI
    transaction id, cheque number) is used once per method; without a reference, a payment of
    the same customer, amount and method recorded or received within two minutes of another is
    taken for a double entry and refused (409 ``possible_duplicate``) unless confirmed.
    """
    amount = to_paise(data.amount)
    if amount <= 0:
        raise InvalidAmount(f"A payment is more than ₹0.00, not {format_inr(amount)}")
    received_at = data.received_at or now
    if received_at > now + CLOCK_SKEW:
        raise ReceivedInFuture(
            f"A payment cannot be received in the future ({received_at.isoformat()})",
        )
    lock_customer(session, data.customer_id)
    reference = data.reference or None
    if reference is not None:
        _refuse_reused_reference(session, data.method.value, reference)
    elif not confirm_duplicate:
        _refuse_likely_duplicate(session, data, amount, received_at, now)

    payment = Payment(
        customer_id=data.customer_id,
        amount_paise=amount,
        method=data.method.value,
        reference=reference,
        received_at=received_at,
        created_at=now,
        created_by_user_id=user_id,
    )
    try:
        with session.begin_nested():
            session.add(payment)
            session.flush()
    except IntegrityError as exc:  # the same reference, recorded a moment ago by someone else
        raise DuplicateReference(
            f"A {data.method.value} payment with reference {reference} is already recorded",
        ) from exc
    outbox.payment_recorded(
        session,
        payment_id=payment.id,
        customer_id=payment.customer_id,
        amount_paise=amount,
        method=payment.method,
        received_at=received_at,
    )
    return payment


def _refuse_reused_reference(session: Session, method: str, reference: str) -> None:
    existing = session.scalar(
        select(Payment).where(Payment.method == method, Payment.reference == reference)
    )
    if existing is not None:
        raise DuplicateReference(
            f"A {method} payment with reference {reference} is already recorded "
            f"(payment {existing.id} of {format_inr(existing.amount_paise)} "
            f"for customer {existing.customer_id})",
        )


def _refuse_likely_duplicate(
    session: Session,
    data: PaymentCreate,
    amount: int,
    received_at: dt.datetime,
    now: dt.datetime,
) -> None:
    twin = session.scalar(
        select(Payment)
        .where(
            Payment.customer_id == data.customer_id,
            Payment.amount_paise == amount,
            Payment.method == data.method.value,
            Payment.reference.is_(None),
            or_(
                Payment.created_at >= now - DUPLICATE_WINDOW,
                Payment.received_at.between(
                    received_at - DUPLICATE_WINDOW, received_at + DUPLICATE_WINDOW
                ),
            ),
        )
        .order_by(Payment.id.desc())
        .limit(1)
    )
    if twin is not None:
        raise PossibleDuplicate(
            f"{format_inr(amount)} by {data.method.value} was already recorded for customer "
            f"{data.customer_id} (payment {twin.id}, received "
            f"{twin.received_at.isoformat(timespec='seconds')}). If this is a second payment, "
            "send it again with confirm=true",
        )


def total_received(session: Session, customer_id: int) -> int:
    return int(
        session.scalar(
            select(func.coalesce(func.sum(Payment.amount_paise), 0)).where(
                Payment.customer_id == customer_id
            )
        )
        or 0
    )
