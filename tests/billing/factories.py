"""Factories for billing tests: orders with a captured price, delivered (or not) directly, and
corrections through the deliveries service (the way a real correction arrives)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.auth.models import User
from milkrun.billing import service as billing_service
from milkrun.billing.models import Invoice
from milkrun.billing.months import month_end
from milkrun.config import Settings
from milkrun.deliveries import closing
from milkrun.deliveries import service as delivery_service
from milkrun.deliveries.models import DeliveryOutcome, DeliveryStatus, NotDeliveredReason
from milkrun.deliveries.schemas import MarkRequest
from milkrun.orders.models import Order, OrderStatus
from tests.factories import ACTOR, SECRET

SETTINGS = Settings(env="test", secret_key=SECRET)
NOVEMBER = dt.date(2026, 11, 1)
DECEMBER = dt.date(2026, 12, 1)
# "Today" for most billing tests: early December 2026, November is over.
TODAY = dt.date(2026, 12, 3)


def order(
    session: Session,
    *,
    customer_id: int,
    product_id: int,
    day: dt.date,
    quantity: int = 2,
    price_paise: int = 2800,
    subscription_id: int | None = None,
    shift: str = "morning",
) -> Order:
    made = Order(
        customer_id=customer_id,
        product_id=product_id,
        subscription_id=subscription_id,
        delivery_date=day,
        shift=shift,
        quantity=quantity,
        unit_price_paise=price_paise,
    )
    session.add(made)
    session.flush()
    return made


def deliver(session: Session, made: Order, delivered: int | None = None, *, by: User) -> Order:
    """Record the outcome directly: all (None), some, or none (0, customer unavailable)."""
    quantity = made.quantity if delivered is None else delivered
    if quantity == made.quantity:
        status, reason = DeliveryOutcome.delivered, None
    elif quantity == 0:
        status, reason = DeliveryOutcome.not_delivered, NotDeliveredReason.customer_unavailable
    else:
        status, reason = DeliveryOutcome.partially_delivered, None
    session.add(
        DeliveryStatus(
            order_id=made.id,
            customer_id=made.customer_id,
            status=status.value,
            quantity_delivered=quantity,
            reason=reason.value if reason else None,
            recorded_by_user_id=by.id,
        )
    )
    made.status = OrderStatus(status.value)
    session.flush()
    return made


def correct(
    session: Session, made: Order, delivered: int, *, admin: User, today: dt.date = TODAY
) -> None:
    """Change what was delivered the way it happens for real: an admin's mark."""
    if delivered == made.quantity:
        status, reason, quantity = DeliveryOutcome.delivered, None, None
    elif delivered == 0:
        status, reason, quantity = DeliveryOutcome.not_delivered, NotDeliveredReason.refused, 0
    else:
        status, reason, quantity = DeliveryOutcome.partially_delivered, None, delivered
    marker = delivery_service.Marker.for_user(admin, ACTOR)
    delivery_service.mark_order(
        session,
        marker,
        MarkRequest(
            order_id=made.id,
            customer_id=made.customer_id,
            status=status,
            quantity_delivered=quantity,
            reason=reason,
        ),
        today=today,
    )


def close_month(
    session: Session,
    month: dt.date = NOVEMBER,
    *,
    today: dt.date | None = None,
    policy: str = "not_delivered",
) -> None:
    """Close the month's days that have unmarked orders, and its last day, as the scheduler
    would; orders nobody marked count as not delivered here (``not_delivered`` policy, unless
    ``policy`` says), so a test's undelivered orders stay unbilled. A month is finalized only
    once this is done."""
    last = month_end(month)
    days = set(
        session.scalars(
            select(Order.delivery_date).where(
                Order.delivery_date >= month,
                Order.delivery_date <= last,
                Order.status == OrderStatus.scheduled.value,
            )
        )
    )
    settings = SETTINGS.model_copy(update={"day_close_policy": policy})
    after = today or last + dt.timedelta(days=1)
    for day in sorted(days | {last}):
        closing.close_day(session, day, closing.system_actor("test"), settings, today=after)


def run(
    session: Session, month: dt.date = NOVEMBER, *, finalize: bool = False, today: dt.date = TODAY
) -> None:
    if finalize:
        close_month(session, month)
    billing_service.run_billing(session, month, ACTOR, SETTINGS, finalize=finalize, today=today)


def invoices_of(session: Session, customer_id: int) -> list[Invoice]:
    session.expire_all()
    return list(
        session.scalars(
            select(Invoice).where(Invoice.customer_id == customer_id).order_by(Invoice.id)
        )
    )


_numbers = iter(range(900_000, 999_999))


def issued_invoice(
    session: Session,
    customer_id: int,
    *,
    month: dt.date = NOVEMBER,
    total_paise: int = 0,
    customer_name: str = "Someone",
) -> Invoice:
    """An issued invoice written directly (for tests about who may read what)."""
    sequence = next(_numbers)
    invoice = Invoice(
        customer_id=customer_id,
        month=month,
        status="finalized",
        is_prepaid=False,
        series="TS/2627",
        sequence=sequence,
        number=f"TS/2627/{sequence:06d}",
        customer_name=customer_name,
        customer_address="Somewhere",
        issue_date=TODAY,
        due_date=TODAY + dt.timedelta(days=10),
        subtotal_paise=total_paise,
        tax_paise=0,
        total_paise=total_paise,
        finalized_at=dt.datetime(2026, 12, 3, 4, 0, tzinfo=dt.UTC),
    )
    session.add(invoice)
    session.flush()
    return invoice
