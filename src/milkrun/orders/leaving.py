"""A customer leaving (deactivated) or coming back, carried through to the order book.

Deactivating keeps the customer's subscriptions, bills and payments on record; an inactive
customer is simply not due (``orders.due``), so nothing is delivered from the first date still
open to customers. Orders already generated from that date on are cancelled by the re-sync; the
days before it (locked, perhaps already on the van) keep their orders; one-time orders stay
until cancelled. Coming back, the same subscriptions deliver again from the first open date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from milkrun.audit import service as audit
from milkrun.customers import queries as customer_queries
from milkrun.customers import service as customer_service
from milkrun.customers.models import Customer
from milkrun.customers.schemas import CustomerUpdate
from milkrun.cutoff import Window
from milkrun.orders import errors, generate, sync
from milkrun.orders.models import Order, OrderStatus
from milkrun.subscriptions.bookkeeping import Deliveries
from milkrun.subscriptions.models import Subscription


@dataclass(frozen=True)
class Leaving:
    """What deactivating a customer does, said before it is done."""

    from_day: dt.date  # the first day without deliveries
    subscriptions: int  # running or upcoming on that day: they stop delivering
    orders_cancelled: int  # generated subscription orders from that day on
    one_time_orders: int  # one-time orders from that day on: they stay
    locked_orders: int  # orders before that day (locked): they stay


def leaving(session: Session, customer_id: int, window: Window) -> Leaving:
    customer_queries.get_customer(session, customer_id)
    day = window.first_open
    running = session.scalar(
        select(func.count())
        .select_from(Subscription)
        .where(
            Subscription.customer_id == customer_id,
            (Subscription.end_date.is_(None)) | (Subscription.end_date >= day),
        )
    )
    once = Order.subscription_id.is_(None)
    on_or_after = Order.delivery_date >= day

    def count(*conditions: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((and_(*conditions), 1), else_=0)), 0)

    row = session.execute(
        select(
            count(~once, on_or_after),
            count(once, on_or_after),
            count(Order.delivery_date < day),
        ).where(
            Order.customer_id == customer_id,
            Order.status == OrderStatus.scheduled,
            Order.delivery_date >= window.today,
        )
    ).one()
    return Leaving(
        from_day=day,
        subscriptions=running or 0,
        orders_cancelled=int(row[0]),
        one_time_orders=int(row[1]),
        locked_orders=int(row[2]),
    )


def _set_active(
    session: Session, customer_id: int, active: bool, actor: audit.Actor, window: Window
) -> Customer:
    customer = customer_queries.get_customer(session, customer_id)
    if customer.is_active == active:
        state = "active" if active else "inactive"
        kind = errors.CustomerAlreadyActive if active else errors.CustomerAlreadyInactive
        raise kind(f"{customer.name} is already {state}")
    customer = customer_service.update_customer(
        session, customer_id, CustomerUpdate(is_active=active), actor
    )
    for day in generate.generated_dates(session, window.first_open):
        sync.sync_day(session, day, Deliveries(customer_id=customer_id))
    return customer


def deactivate_customer(
    session: Session, customer_id: int, actor: audit.Actor, window: Window
) -> Customer:
    """No deliveries from ``window.first_open`` on (see the module's docstring)."""
    return _set_active(session, customer_id, False, actor, window)


def reactivate_customer(
    session: Session, customer_id: int, actor: audit.Actor, window: Window
) -> Customer:
    """Deliveries again from ``window.first_open``, by the subscriptions kept (its phone must be
    free among active customers)."""
    return _set_active(session, customer_id, True, actor, window)
