"""Factories for delivery day: orders on a route, a whole small day, shared links."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit.models import AuditEvent
from milkrun.audit.service import Actor
from milkrun.auth.models import User
from milkrun.catalog.models import Product
from milkrun.customers.models import Customer
from milkrun.deliveries.models import DeliveryStatus
from milkrun.links import service as link_service
from milkrun.links.models import SharedDeliveryLink
from milkrun.links.schemas import LinkCreate
from milkrun.orders.models import Order, OrderStatus
from milkrun.routing.models import Route
from tests import factories

ZONE = ZoneInfo("Asia/Kolkata")


def today() -> dt.date:
    return clock.today(ZONE)


def order(
    session: Session,
    *,
    customer: Customer,
    product: Product,
    day: dt.date,
    quantity: int = 2,
    route: Route | None = None,
    subscription_id: int | None = None,
    status: OrderStatus = OrderStatus.scheduled,
) -> Order:
    """An order as materialization or a one-time order leaves it (on the customer's route)."""
    row = Order(
        customer_id=customer.id,
        product_id=product.id,
        subscription_id=subscription_id,
        delivery_date=day,
        shift="morning",
        quantity=quantity,
        unit_price_paise=2800,
        route_id=route.id if route is not None else customer.route_id,
        status=status.value,
    )
    session.add(row)
    session.flush()
    return row


@dataclass
class Day:
    """One route walked by ``boy`` on ``date``: three stops, each with one order of 2 units."""

    date: dt.date
    route: Route
    boy: factories.Login
    product: Product
    customers: list[Customer] = field(default_factory=list)
    orders: list[Order] = field(default_factory=list)

    def body(self, n: int = 0, **changes: object) -> dict[str, object]:
        """A mark-delivered body for order ``n`` (delivered, unless ``changes`` say)."""
        target = self.orders[n]
        return {
            "order_id": target.id,
            "customer_id": target.customer_id,
            "status": "delivered",
            **changes,
        }


def delivery_day(
    session: Session, *, boy: User | None = None, date: dt.date | None = None, stops: int = 3
) -> Day:
    boy = boy or factories.delivery_boy_user(session)
    route = factories.route(session, delivery_boy=boy)
    product = factories.product(session)
    day = Day(date=date or today(), route=route, boy=factories.login(session, boy), product=product)
    for n in range(stops):
        customer = factories.customer(session, route=route, name=f"Customer {n + 1}")
        customer.stop_sequence = n + 1
        day.customers.append(customer)
        day.orders.append(order(session, customer=customer, product=product, day=day.date))
    session.flush()
    return day


def link(
    session: Session,
    route: Route,
    day: dt.date,
    *,
    admin: User | None = None,
    label: str = "Ravi (substitute)",
    expires_at: dt.datetime | None = None,
) -> tuple[SharedDeliveryLink, str]:
    admin = admin or factories.admin_user(session)
    actor = Actor(user_id=admin.id, label=f"admin:{admin.name}", channel="test")
    return link_service.create_link(
        session,
        LinkCreate(route_id=route.id, delivery_date=day, label=label, expires_at=expires_at),
        actor,
        zone=ZONE,
    )


def status_of(session: Session, order_id: int) -> DeliveryStatus | None:
    return session.scalar(
        select(DeliveryStatus)
        .where(DeliveryStatus.order_id == order_id)
        .execution_options(populate_existing=True)
    )


def order_status(session: Session, order_id: int) -> str:
    value = session.scalar(select(Order.status).where(Order.id == order_id))
    assert value is not None
    return value


def events_of(session: Session, order_id: int) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent).where(AuditEvent.order_id == order_id).order_by(AuditEvent.id)
        )
    )
