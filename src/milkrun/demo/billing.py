"""The demo dairy's bills: last month delivered, billed and finalized, and paid (mostly).

Last month's orders are marked as its delivery boys would have (mostly delivered; a few
partial, a few not delivered), its days are closed, the month is billed and finalized on the
1st of this month (which closes it), this month's past days are closed too (none is left
unresolved; the month stays open), and
payments come in: most customers pay their bill exactly, one of the demo logins has paid too
much (credit for the next bill), another only part of it (arrears, overdue once the due date
has passed). Everything goes through the services the API uses. Idempotent: marks repeat as
no-ops, a month with issued invoices is not billed again, and each payment carries a reference
that is looked up first.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit.service import Actor
from milkrun.auth.models import User
from milkrun.billing import months, settlement
from milkrun.billing import service as billing_service
from milkrun.billing.models import ISSUED_STATUSES, Invoice
from milkrun.config import Settings
from milkrun.deliveries import closing
from milkrun.deliveries import service as delivery_service
from milkrun.deliveries.models import DeliveryOutcome, NotDeliveredReason
from milkrun.deliveries.schemas import MarkRequest
from milkrun.demo.statements import seed_statement
from milkrun.money import to_rupees
from milkrun.orders.models import Order, OrderStatus
from milkrun.payments.models import Payment, PaymentMethod
from milkrun.payments.schemas import PaymentCreate
from milkrun.wallets.generation import threshold_of

CREDIT = Decimal("250.00")  # what the customer with credit paid over its bill


def _outcome(order: Order) -> MarkRequest:
    """The same outcome for the same order on every run: mostly delivered."""
    roll = random.Random(f"bill-{order.id}").random()
    base = {"order_id": order.id, "customer_id": order.customer_id}
    if roll < 0.04:
        return MarkRequest(
            **base,
            status=DeliveryOutcome.not_delivered,
            reason=NotDeliveredReason.customer_unavailable,
        )
    if roll < 0.08 and order.quantity > 1:
        return MarkRequest(
            **base,
            status=DeliveryOutcome.partially_delivered,
            quantity_delivered=order.quantity - 1,
            reason=NotDeliveredReason.out_of_stock,
        )
    return MarkRequest(**base, status=DeliveryOutcome.delivered)


def seed_billing(
    session: Session,
    *,
    today: dt.date,
    admin: User,
    settings: Settings,
    credit_customer_id: int | None,
    arrears_customer_id: int | None,
) -> None:
    this_month = months.month_start(today)
    last_month = months.month_start(this_month - dt.timedelta(days=1))
    actor = Actor(user_id=admin.id, label=f"admin:{admin.name} (demo seed)", channel="cli")
    issued = session.scalar(
        select(Invoice.id)
        .where(
            Invoice.month == last_month,
            Invoice.status.in_([s.value for s in ISSUED_STATUSES]),
        )
        .limit(1)
    )
    if issued is None:
        marker = delivery_service.Marker.for_user(admin, actor)
        unmarked = session.scalars(
            select(Order)
            .where(
                Order.delivery_date >= last_month,
                Order.delivery_date < this_month,
                Order.status == OrderStatus.scheduled.value,
            )
            .order_by(Order.id)
        ).all()
        for order in unmarked:
            delivery_service.mark_order(session, marker, _outcome(order), today=today)
        close_days(session, last_month, months.month_end(last_month), today, settings)
        billing_service.run_billing(
            session, last_month, actor, settings, finalize=True, today=this_month
        )
    _payments(session, last_month, actor, today, credit_customer_id, arrears_customer_id)
    # Some of the unpaid bills paid into the bank: a statement imported, partly confirmed.
    seed_statement(
        session,
        today=today,
        actor=actor,
        zone=settings.zone,
        threshold_paise=threshold_of(settings),
    )
    # This month's days so far are closed too (the scheduler would have closed them each
    # morning): nothing of the past stays unmarked. The month itself stays open.
    close_days(session, this_month, today - dt.timedelta(days=1), today, settings)


def close_days(
    session: Session, first: dt.date, last: dt.date, today: dt.date, settings: Settings
) -> None:
    """Close each day from ``first`` to ``last`` as the scheduler does; the demo dairy bills
    what nobody marked (policy ``delivered``). Closing a closed day again changes nothing."""
    demo_settings = settings.model_copy(update={"day_close_policy": "delivered"})
    day = first
    while day <= last:
        closing.close_day(
            session, day, closing.system_actor("demo"), demo_settings, trigger="demo", today=today
        )
        day += dt.timedelta(days=1)


def _payments(
    session: Session,
    month: dt.date,
    actor: Actor,
    today: dt.date,
    credit_customer_id: int | None,
    arrears_customer_id: int | None,
) -> None:
    """Two in three customers have paid by the 5th (UPI, or cash at the door); the customer
    with credit paid more than its bill, the one in arrears a third of it."""
    invoices = session.scalars(
        select(Invoice)
        .where(Invoice.month == month, Invoice.status.in_([s.value for s in ISSUED_STATUSES]))
        .order_by(Invoice.id)
    ).all()
    paid_on = min(months.next_month(month) + dt.timedelta(days=4), today)
    received = min(dt.datetime.combine(paid_on, dt.time(4, 30), tzinfo=dt.UTC), clock.now())
    for n, invoice in enumerate(invoices):
        due = Decimal(to_rupees(invoice.total_paise))
        if invoice.customer_id == credit_customer_id:
            amount, method = due + CREDIT, PaymentMethod.cash
        elif invoice.customer_id == arrears_customer_id:
            amount, method = (due / 3).quantize(Decimal("0.01")), PaymentMethod.upi
        elif n % 3 != 2:
            amount, method = due, PaymentMethod.upi if n % 2 else PaymentMethod.cash
        else:
            continue
        if amount <= 0:
            continue
        reference = f"DEMO-{invoice.number}"
        if session.scalar(select(Payment.id).where(Payment.reference == reference)) is not None:
            continue
        settlement.receive_payment(
            session,
            PaymentCreate(
                customer_id=invoice.customer_id,
                amount=amount,
                method=method,
                reference=reference,
                received_at=received,
            ),
            actor,
        )
