"""The property billing exists for: every delivered unit is billed exactly once.

For random months of deliveries (partial, not delivered, never marked, one-time and
subscription orders, a price change mid-month), random finalizations, corrections after
finalization (and late marks), and a void now and then: the invoices plus the adjustments not
yet on an invoice add up to what was delivered, at the prices the orders captured. The same on
SQLite and PostgreSQL (``--db``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.adjustments.models import Adjustment
from milkrun.billing import reconcile, service
from milkrun.billing.models import Invoice, InvoiceLine
from milkrun.catalog import tax
from milkrun.deliveries.models import DeliveryStatus
from milkrun.orders.models import Order
from tests import factories
from tests.billing import factories as bf
from tests.billing.conftest import Dairy

NOV, DEC = bf.NOVEMBER, bf.DECEMBER
NOT_MARKED = -1


@dataclass(frozen=True)
class Planned:
    customer: int
    product: int
    day: int
    quantity: int
    delivered: int  # NOT_MARKED, or 0..quantity
    subscription: bool


@st.composite
def planned_orders(draw: st.DrawFn) -> list[Planned]:
    count = draw(st.integers(min_value=1, max_value=14))
    orders = []
    taken: set[tuple[int, int, int]] = set()
    for _ in range(count):
        customer = draw(st.integers(0, 2))
        product = draw(st.integers(0, 1))
        day = draw(st.integers(1, 30))
        quantity = draw(st.integers(1, 3))
        delivered = draw(st.sampled_from([NOT_MARKED, 0, *range(1, quantity + 1)]))
        subscription = draw(st.booleans()) and (customer, product, day) not in taken
        if subscription:
            taken.add((customer, product, day))
        orders.append(Planned(customer, product, day, quantity, delivered, subscription))
    return orders


@dataclass(frozen=True)
class Month:
    orders: list[Planned]
    price_change_day: int
    finalize: list[bool]
    corrections: list[tuple[int, int]]  # (order index, new delivered quantity; capped)
    void_first: bool


months = st.builds(
    Month,
    orders=planned_orders(),
    price_change_day=st.integers(2, 30),
    finalize=st.lists(st.booleans(), min_size=3, max_size=3),
    corrections=st.lists(st.tuples(st.integers(0, 13), st.integers(0, 3)), max_size=6),
    void_first=st.booleans(),
)

PRICES = ((2800, 2900), (9000, 8500))  # (before, after the change) per product


def delivered_value(session: Session) -> int:
    """What was delivered in November, at the orders' captured prices."""
    quantity = case(
        (
            DeliveryStatus.status.in_(("delivered", "partially_delivered")),
            DeliveryStatus.quantity_delivered,
        ),
        else_=0,
    )
    return int(
        session.scalar(
            select(func.coalesce(func.sum(quantity * Order.unit_price_paise), 0))
            .join(DeliveryStatus, DeliveryStatus.order_id == Order.id)
            .where(Order.delivery_date >= NOV, Order.delivery_date < DEC)
        )
        or 0
    )


def billed_value(session: Session) -> tuple[int, int]:
    """(the invoices that count, the adjustments no invoice carries yet), at the
    tax-inclusive prices (taxable value + the GST inside it)."""
    invoiced = session.scalar(
        select(func.coalesce(func.sum(Invoice.total_paise), 0)).where(Invoice.status != "void")
    )
    pending = session.scalar(
        select(func.coalesce(func.sum(Adjustment.amount_paise + Adjustment.tax_paise), 0)).where(
            Adjustment.invoice_id.is_(None)
        )
    )
    return int(invoiced or 0), int(pending or 0)


def check_tax(session: Session) -> None:
    for line in session.scalars(select(InvoiceLine)):
        gross = line.quantity * line.unit_price_paise
        assert line.tax_paise == tax.split_inclusive(gross, line.tax_rate_bps).tax_paise
        assert line.amount_paise + line.tax_paise == gross


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(month=months)
def test_invoices_and_adjustments_add_up_to_what_was_delivered(
    session: Session, dairy: Dairy, month: Month
) -> None:
    clock.freeze(dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC))
    savepoint = session.begin_nested()
    try:
        customers = [dairy.asha, dairy.ravi, dairy.meera]
        products = [dairy.milk, dairy.paneer]
        subscriptions: dict[tuple[int, int], int] = {}
        made: list[Order] = []
        for plan in month.orders:
            subscription_id = None
            if plan.subscription:
                key = (plan.customer, plan.product)
                if key not in subscriptions:
                    subscriptions[key] = factories.subscription(
                        session, customer=customers[plan.customer], product=products[plan.product]
                    ).id
                subscription_id = subscriptions[key]
            before, after = PRICES[plan.product]
            order = bf.order(
                session,
                customer_id=customers[plan.customer].id,
                product_id=products[plan.product].id,
                day=NOV.replace(day=plan.day),
                quantity=plan.quantity,
                price_paise=before if plan.day < month.price_change_day else after,
                subscription_id=subscription_id,
            )
            if plan.delivered != NOT_MARKED:
                bf.deliver(session, order, plan.delivered, by=dairy.admin)
            made.append(order)

        bf.close_month(session)  # orders nobody marked count as not delivered
        bf.run(session)
        for customer, finalize in zip(customers, month.finalize, strict=True):
            drafts = [i for i in bf.invoices_of(session, customer.id) if i.status == "draft"]
            if finalize and drafts:
                service.finalize_invoice(
                    session, drafts[0].id, factories.ACTOR, bf.SETTINGS, today=bf.TODAY
                )
        for index, quantity in month.corrections:
            if index < len(made):
                order = made[index]
                bf.correct(session, order, min(quantity, order.quantity), admin=dairy.admin)
        if month.void_first:
            issued = session.scalars(
                select(Invoice).where(Invoice.status != "draft").order_by(Invoice.id)
            ).first()
            if issued is not None:
                service.void_invoice(session, issued.id, factories.ACTOR)

        bf.run(session)  # late marks and released orders are billed now
        invoiced, pending = billed_value(session)
        assert invoiced + pending == delivered_value(session)
        assert reconcile.reconcile(session, NOV).clean

        clock.freeze(dt.datetime(2027, 1, 2, 9, 0, tzinfo=dt.UTC))
        bf.run(session, DEC, finalize=True, today=dt.date(2027, 1, 2))
        invoiced, pending = billed_value(session)
        assert pending == 0  # December carries every correction made so far
        assert invoiced == delivered_value(session)
        check_tax(session)
    finally:
        savepoint.rollback()
