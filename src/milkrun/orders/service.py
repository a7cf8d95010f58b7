"""One-time orders: an extra delivery on a date, outside any subscription."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit import service as audit
from milkrun.catalog import queries as catalog_queries
from milkrun.cutoff import Window
from milkrun.hubs import calendar
from milkrun.orders import queries
from milkrun.orders.errors import OrderNotOpen, SubscriptionOrder
from milkrun.orders.models import Order, OrderStatus
from milkrun.orders.schemas import OrderCreate
from milkrun.routing.models import Route, Shift
from milkrun.subscriptions import service as subscription_service


def create_one_time_order(
    session: Session, data: OrderCreate, actor: audit.Actor, window: Window
) -> Order:
    """A one-time order for an active customer, for a date still open to the caller, of a product
    on sale that date at its price that date, on the customer's route."""
    customer = subscription_service.active_customer(session, data.customer_id)
    window.ensure_open(data.delivery_date)
    calendar.ensure_delivers(session, data.delivery_date, customer.route_id)
    subscription_service.ensure_product_sold(session, data.product_id, data.delivery_date)
    price = catalog_queries.price_on(session, data.product_id, data.delivery_date)
    assert price is not None
    shift = data.shift
    if shift is None:
        route = session.get(Route, customer.route_id) if customer.route_id else None
        shift = Shift(route.shift) if route is not None else Shift.morning
    order = Order(
        customer_id=customer.id,
        product_id=data.product_id,
        subscription_id=None,
        delivery_date=data.delivery_date,
        shift=shift.value,
        quantity=data.quantity,
        unit_price_paise=price,
        route_id=customer.route_id,
        status=OrderStatus.scheduled.value,
    )
    session.add(order)
    session.flush()
    after = audit.snapshot(order)
    if window.is_late(data.delivery_date):
        after["after_cutoff"] = True
    audit.record(
        session,
        actor,
        "order.create",
        "order",
        order.id,
        after=after,
        customer_id=customer.id,
        order_id=order.id,
    )
    return order


def cancel_order(
    session: Session,
    order_id: int,
    actor: audit.Actor,
    window: Window,
    *,
    customer_id: int | None = None,
) -> Order:
    """Cancel a one-time order that is still scheduled and on no invoice, for a date still open
    to the caller. (A subscription's day is skipped with an override of 0.)"""
    order = queries.get_order(session, order_id, customer_id=customer_id)
    if order.subscription_id is not None:
        raise SubscriptionOrder(
            f"Order {order.id} comes from subscription {order.subscription_id}: skip that day"
            " with an override of 0",
        )
    window.ensure_open(order.delivery_date)
    before = audit.snapshot(order)
    # Conditional update: a mark or an invoice that got there first wins.
    result = session.execute(
        update(Order)
        .where(
            Order.id == order.id,
            Order.status == OrderStatus.scheduled.value,
            Order.invoice_id.is_(None),
        )
        .values(status=OrderStatus.cancelled.value, updated_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise OrderNotOpen(
            f"Order {order.id} is {order.status} and can no longer be cancelled",
        )
    session.refresh(order)
    after = audit.snapshot(order)
    if window.is_late(order.delivery_date):
        after["after_cutoff"] = True
    audit.record(
        session,
        actor,
        "order.cancel",
        "order",
        order.id,
        before=before,
        after=after,
        customer_id=order.customer_id,
        order_id=order.id,
    )
    return order
