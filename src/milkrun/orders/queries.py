from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from milkrun.catalog import queries as catalog_queries
from milkrun.catalog.models import Product
from milkrun.customers import queries as customer_queries
from milkrun.db.pagination import paginate
from milkrun.money import to_rupees
from milkrun.orders import generate
from milkrun.orders.errors import OrderNotFound
from milkrun.orders.models import Order, OrderStatus
from milkrun.orders.schemas import OrderRead, UpcomingOrder, UpcomingOrders
from milkrun.routing.models import Shift
from milkrun.subscriptions import queries as subscription_queries
from milkrun.subscriptions import schedule


def get_order(session: Session, order_id: int, *, customer_id: int | None = None) -> Order:
    """An order; with ``customer_id``, only if it is that customer's (else: not found)."""
    order = session.get(Order, order_id)
    if order is None or (customer_id is not None and order.customer_id != customer_id):
        raise OrderNotFound(f"There is no order {order_id}")
    return order


def list_orders(
    session: Session,
    *,
    limit: int,
    cursor: str | None,
    delivery_date: dt.date | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    customer_id: int | None = None,
    route_id: int | None = None,
    subscription_id: int | None = None,
    status: OrderStatus | None = None,
    one_time: bool | None = None,
    customers: Select[Any] | None = None,
) -> tuple[Sequence[Order], str | None]:
    """Orders by id, filtered; of ``customers`` (those in view: an admin limited to one hub sees
    its hub's customers' orders) when given."""
    statement = select(Order)
    if customers is not None:
        statement = statement.where(Order.customer_id.in_(customers))
    if delivery_date is not None:
        statement = statement.where(Order.delivery_date == delivery_date)
    if date_from is not None:
        statement = statement.where(Order.delivery_date >= date_from)
    if date_to is not None:
        statement = statement.where(Order.delivery_date <= date_to)
    if customer_id is not None:
        statement = statement.where(Order.customer_id == customer_id)
    if route_id is not None:
        statement = statement.where(Order.route_id == route_id)
    if subscription_id is not None:
        statement = statement.where(Order.subscription_id == subscription_id)
    if status is not None:
        statement = statement.where(Order.status == status.value)
    if one_time is not None:
        statement = statement.where(
            Order.subscription_id.is_(None) if one_time else Order.subscription_id.is_not(None)
        )
    return paginate(session, statement, Order.id, limit=limit, cursor=cursor)


def read_order(order: Order) -> OrderRead:
    return OrderRead(
        id=order.id,
        customer_id=order.customer_id,
        product_id=order.product_id,
        subscription_id=order.subscription_id,
        delivery_date=order.delivery_date,
        shift=Shift(order.shift),
        quantity=order.quantity,
        unit_price=to_rupees(order.unit_price_paise),
        amount=to_rupees(order.unit_price_paise * order.quantity),
        status=order.status,
        route_id=order.route_id,
        invoice_id=order.invoice_id,
        created_at=order.created_at,
        updated_at=order.updated_at,
    )


def upcoming(session: Session, customer_id: int, start: dt.date, days: int = 7) -> UpcomingOrders:
    """What the customer will receive on each of ``days`` dates from ``start``: the orders of
    materialized dates, and for the others what the schedule rules say (plus one-time orders).
    Cancelled orders are left out."""
    customer = customer_queries.get_customer(session, customer_id)
    end = start + dt.timedelta(days=days - 1)
    orders = session.scalars(
        select(Order)
        .where(Order.customer_id == customer_id, Order.delivery_date.between(start, end))
        .order_by(Order.delivery_date, Order.id)
    ).all()
    generated = set(generate.generated_dates(session, start, end))
    plans = subscription_queries.plans_of_customer(session, customer_id, start, end)
    product_ids = {o.product_id for o in orders} | {
        t.product_id for p in plans.plans for t in p.terms
    }
    products = (
        {p.id: p for p in session.scalars(select(Product).where(Product.id.in_(product_ids)))}
        if product_ids
        else {}
    )

    items: list[UpcomingOrder] = []
    for day in schedule.dates(start, days):
        ordered = {o.subscription_id for o in orders if o.delivery_date == day}
        for order in orders:
            if order.delivery_date == day and order.status != OrderStatus.cancelled:
                items.append(_item(order.delivery_date, order, products[order.product_id]))
        if day in generated or not customer.is_active:
            continue
        prices = catalog_queries.prices_on(session, product_ids, day)
        for plan in plans.plans:
            if plan.subscription_id in ordered:
                continue
            quantity = schedule.due_quantity(
                plan,
                day,
                pauses=plans.pauses,
                overrides=plans.overrides.get(plan.subscription_id),
            )
            terms = plan.terms_on(day)
            if quantity <= 0 or terms is None:
                continue
            product = products[terms.product_id]
            if not product.is_active or terms.product_id not in prices:
                continue
            price = prices[terms.product_id]
            items.append(
                UpcomingOrder(
                    delivery_date=day,
                    order_id=None,
                    subscription_id=plan.subscription_id,
                    product_id=product.id,
                    product_name=product.name,
                    shift=Shift(terms.shift),
                    quantity=quantity,
                    unit_price=to_rupees(price),
                    amount=to_rupees(price * quantity),
                    status=OrderStatus.scheduled.value,
                    materialized=False,
                )
            )
    return UpcomingOrders(start_date=start, end_date=end, items=items)


def _item(day: dt.date, order: Order, product: Product) -> UpcomingOrder:
    return UpcomingOrder(
        delivery_date=day,
        order_id=order.id,
        subscription_id=order.subscription_id,
        product_id=order.product_id,
        product_name=product.name,
        shift=Shift(order.shift),
        quantity=order.quantity,
        unit_price=to_rupees(order.unit_price_paise),
        amount=to_rupees(order.unit_price_paise * order.quantity),
        status=order.status,
        materialized=True,
    )
