"""The manifest of a route for a date: what the delivery boy carries and where it goes.

Stops come in the route's stop sequence, each with its orders (cancelled ones shown as such, not
to be delivered) and what changed since the customer's usual, so that nobody delivers to a
customer on vacation:

- ``paused``: a pause covers the date for a subscription of the customer that runs that day;
- ``quantity_changed``: a subscription order's quantity is not what its schedule usually brings
  that day (an override, a skipped day);
- ``one_time``: an order without a subscription;
- ``new_customer``: the customer's first delivery (first subscription start or first order) is
  at most ``NEW_CUSTOMER_DAYS`` days old.

The load sheet totals the day's orders that are not cancelled, per product. A handful of
queries whatever the number of stops, never one per stop.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import and_, exists, func, or_, select, union_all
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.auth.models import User
from milkrun.catalog.models import Product
from milkrun.customers.models import Customer
from milkrun.deliveries.models import DeliveryStatus, NotDeliveredReason
from milkrun.deliveries.schemas import (
    Change,
    LinkManifest,
    LoadLine,
    Manifest,
    ManifestCustomer,
    ManifestOrder,
    ManifestRoute,
    ManifestStop,
    Person,
    Progress,
)
from milkrun.links.models import SharedDeliveryLink
from milkrun.links.schemas import LinkHolder
from milkrun.orders.models import Order, OrderStatus
from milkrun.routing import queries as routing_queries
from milkrun.routing.models import Route
from milkrun.subscriptions import queries as subscription_queries
from milkrun.subscriptions.models import Pause, Subscription

NEW_CUSTOMER_DAYS = 3


@dataclass
class _Stop:
    customer: ManifestCustomer
    sequence: int | None
    orders: list[ManifestOrder] = field(default_factory=list)
    changes: set[Change] = field(default_factory=set)


def manifest(session: Session, route: Route, day: dt.date) -> Manifest:
    stops: dict[int, _Stop] = {}
    subscription_of: dict[int, int] = {}
    rows = session.execute(
        select(
            Order.id,
            Order.customer_id,
            Order.product_id,
            Order.subscription_id,
            Order.quantity,
            Order.shift,
            Order.status,
            DeliveryStatus.quantity_delivered,
            DeliveryStatus.reason,
            DeliveryStatus.notes,
            Product.name.label("product"),
            Product.unit,
            Customer.name,
            Customer.address,
            Customer.phone,
            Customer.stop_sequence,
        )
        .join(Customer, Customer.id == Order.customer_id)
        .join(Product, Product.id == Order.product_id)
        .outerjoin(DeliveryStatus, DeliveryStatus.order_id == Order.id)
        .where(Order.route_id == route.id, Order.delivery_date == day)
        .order_by(Order.id)
    ).all()
    for row in rows:
        stop = stops.get(row.customer_id)
        if stop is None:
            stop = stops[row.customer_id] = _Stop(
                ManifestCustomer(
                    id=row.customer_id, name=row.name, address=row.address, phone=row.phone
                ),
                row.stop_sequence,
            )
        stop.orders.append(
            ManifestOrder(
                id=row.id,
                product_id=row.product_id,
                product=row.product,
                unit=row.unit,
                shift=row.shift,
                quantity=row.quantity,
                usual_quantity=None,
                status=row.status,
                quantity_delivered=row.quantity_delivered,
                reason=NotDeliveredReason(row.reason) if row.reason else None,
                notes=row.notes,
                one_time=row.subscription_id is None,
            )
        )
        if row.subscription_id is None:
            if row.status != OrderStatus.cancelled:
                stop.changes.add("one_time")
        else:
            subscription_of[row.id] = row.subscription_id

    for customer in _paused_customers(session, route.id, day, stops.keys()):
        stop = stops.get(customer.id)
        if stop is None:
            stop = stops[customer.id] = _Stop(
                ManifestCustomer(
                    id=customer.id,
                    name=customer.name,
                    address=customer.address,
                    phone=customer.phone,
                ),
                customer.stop_sequence,
            )
        stop.changes.add("paused")

    usual = _usual_quantities(session, set(subscription_of.values()), day)
    for stop in stops.values():
        for order in stop.orders:
            if order.one_time:
                continue
            order.usual_quantity = usual.get(subscription_of[order.id], 0)
            if order.status == OrderStatus.cancelled:
                if "paused" not in stop.changes:
                    stop.changes.add("quantity_changed")
            elif order.quantity != order.usual_quantity:
                stop.changes.add("quantity_changed")

    since = day - dt.timedelta(days=NEW_CUSTOMER_DAYS - 1)
    for customer_id in _customers_first_ordering_since(session, stops.keys(), since):
        stops[customer_id].changes.add("new_customer")

    ordered = sorted(
        stops.values(),
        key=lambda s: (s.sequence is None, s.sequence or 0, s.customer.name, s.customer.id),
    )
    return Manifest(
        route=ManifestRoute(id=route.id, name=route.name, area=route.area, shift=route.shift),
        date=day,
        delivery_boy=_walker(session, route.id, day),
        stops=[
            ManifestStop(
                sequence=s.sequence,
                customer=s.customer,
                orders=s.orders,
                changes=[c for c in _CHANGE_ORDER if c in s.changes],
            )
            for s in ordered
        ],
        load_sheet=_load_sheet(ordered),
        progress=_progress(ordered),
        as_of=clock.now(),
    )


_CHANGE_ORDER: tuple[Change, ...] = ("paused", "quantity_changed", "one_time", "new_customer")


def _paused_customers(
    session: Session, route_id: int, day: dt.date, with_orders: Iterable[int]
) -> list[Customer]:
    """Customers of the route (or with orders on it) whom a pause keeps from a subscription that
    runs on ``day``."""
    runs = exists().where(
        Subscription.customer_id == Pause.customer_id,
        or_(Pause.subscription_id.is_(None), Pause.subscription_id == Subscription.id),
        Subscription.start_date <= day,
        or_(Subscription.end_date.is_(None), Subscription.end_date >= day),
    )
    paused = exists().where(
        Pause.customer_id == Customer.id,
        Pause.start_date <= day,
        or_(Pause.end_date.is_(None), Pause.end_date >= day),
        runs,
    )
    ids = list(with_orders)
    on_route = and_(Customer.route_id == route_id, Customer.is_active)
    return list(
        session.scalars(
            select(Customer).where(or_(on_route, Customer.id.in_(ids)) if ids else on_route, paused)
        )
    )


def _usual_quantities(session: Session, subscription_ids: set[int], day: dt.date) -> dict[int, int]:
    """What each subscription's schedule (its terms in force on ``day``) brings that day,
    before overrides and pauses."""
    usual: dict[int, int] = {}
    for subscription_id, rows in subscription_queries.terms_of(session, subscription_ids).items():
        in_force = [row for row in rows if row.effective_from <= day]
        if not in_force:
            continue
        terms = subscription_queries.terms_value(in_force[-1])
        usual[subscription_id] = terms.schedule.quantity_on(day, terms.anchor_date)
    return usual


def _customers_first_ordering_since(
    session: Session, customer_ids: Iterable[int], since: dt.date
) -> list[int]:
    """Customers whose first delivery (the start of their first subscription, or their first
    order that was not cancelled) is on or after ``since``."""
    ids = list(customer_ids)
    if not ids:
        return []
    starts = union_all(
        select(Order.customer_id, Order.delivery_date.label("day")).where(
            Order.customer_id.in_(ids), Order.status != OrderStatus.cancelled.value
        ),
        select(Subscription.customer_id, Subscription.start_date.label("day")).where(
            Subscription.customer_id.in_(ids)
        ),
    ).subquery("starts")
    return list(
        session.scalars(
            select(starts.c.customer_id)
            .group_by(starts.c.customer_id)
            .having(func.min(starts.c.day) >= since)
        )
    )


def _walker(session: Session, route_id: int, day: dt.date) -> Person | None:
    user_id = routing_queries.delivery_boy_on(session, route_id, day)
    if user_id is None:
        return None
    name = session.scalar(select(User.name).where(User.id == user_id))
    return Person(id=user_id, name=name or "")


def _load_sheet(stops: list[_Stop]) -> list[LoadLine]:
    lines: dict[int, LoadLine] = {}
    for stop in stops:
        for order in stop.orders:
            if order.status == OrderStatus.cancelled:
                continue
            line = lines.get(order.product_id)
            if line is None:
                line = lines[order.product_id] = LoadLine(
                    product_id=order.product_id,
                    product=order.product,
                    unit=order.unit,
                    quantity=0,
                    remaining=0,
                )
            line.quantity += order.quantity
            if order.status == OrderStatus.scheduled:
                line.remaining += order.quantity
    return sorted(lines.values(), key=lambda line: (line.product, line.product_id))


def _progress(stops: list[_Stop]) -> Progress:
    deliverable = [
        order for stop in stops for order in stop.orders if order.status != OrderStatus.cancelled
    ]
    return Progress(
        stops=sum(
            1 for stop in stops if any(o.status != OrderStatus.cancelled for o in stop.orders)
        ),
        orders=len(deliverable),
        marked=sum(1 for order in deliverable if order.status != OrderStatus.scheduled),
    )


def link_manifest(session: Session, link: SharedDeliveryLink) -> LinkManifest:
    """The manifest of a shared link's route and date, with what the holder may know of the
    link itself."""
    route = routing_queries.get_route(session, link.route_id)
    return LinkManifest(
        **manifest(session, route, link.delivery_date).model_dump(),
        link=LinkHolder(
            label=link.label,
            route_id=link.route_id,
            delivery_date=link.delivery_date,
            expires_at=link.expires_at,
        ),
    )
