"""The demo dairy's delivery round: full cream milk comes in a 1 l glass bottle with a ₹50
deposit; yesterday's and this morning's walked stops swapped bottles (a few customers kept an
empty back: the board shows them missing), some customers paid cash at the door, yesterday's
cash was handed over (one delivery boy ₹100 short, noted) and this morning's is still with the
delivery boys. Through the same services as the API; seeded once (skipped when the bottle
type exists)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.audit.service import Actor
from milkrun.auth.models import User
from milkrun.billing import handovers
from milkrun.catalog import queries as catalog_queries
from milkrun.containers import queries as container_queries
from milkrun.containers import service as container_service
from milkrun.containers.models import ContainerType
from milkrun.containers.schemas import ContainerCount, StopContainersRequest
from milkrun.customers.models import Customer
from milkrun.deliveries.markers import Marker
from milkrun.orders.models import Order, OrderStatus
from milkrun.payments import collections
from milkrun.payments.schemas import CashAtDoorRequest, HandoverConfirm
from milkrun.routing import queries as routing_queries
from milkrun.routing.models import Route
from milkrun.wallets import topups

BOTTLE = "1 l glass bottle"
BOTTLED_SKU = "FC1000"
CASH_AMOUNTS = ("500", "1000", "1500", "2000", "760")


def seed_delivery_round(
    session: Session,
    *,
    today: dt.date,
    owner: User,
    threshold_paise: int,
    no_cash: frozenset[int] = frozenset(),
) -> None:
    """Seed the round; the customers of ``no_cash`` pay no cash at the door (the demo's
    credit and arrears customers keep their story)."""
    if session.scalar(select(ContainerType.id).where(ContainerType.name == BOTTLE)):
        return
    system = Actor.system("demo seed", channel="cli")
    bottle = container_service.create_type(
        session, system, name=BOTTLE, deposit_paise=5000, sku="DEP-GLASS1L"
    )
    product = catalog_queries.product_by_sku(session, BOTTLED_SKU)
    if product is None:
        return
    container_service.comes_in(session, system, product.id, bottle.id)
    yesterday = today - dt.timedelta(days=1)
    routes = session.scalars(select(Route).where(Route.is_active).order_by(Route.id)).all()
    for day in (yesterday, today):
        for route in routes:
            _walk(
                session,
                route,
                day,
                today=today,
                bottle=bottle,
                product_id=product.id,
                no_cash=no_cash,
            )
    owner_actor = Actor(user_id=owner.id, label=f"admin:{owner.name}", channel="cli")
    for n, line in enumerate(handovers.day_sheet(session, yesterday)):
        if line.handover_id is not None:
            continue
        short = 10000 if n == 0 else 0
        handed = Decimal(line.collected_paise - short) / 100
        topups.confirm_handover(
            session,
            owner_actor,
            HandoverConfirm(
                delivery_boy_id=line.delivery_boy_id,
                date=yesterday,
                handed_over=handed,
                note="₹100 short: to come from tomorrow's wages" if short else None,
            ),
            threshold_paise=threshold_paise,
            today=today,
        )


def _walk(
    session: Session,
    route: Route,
    day: dt.date,
    *,
    today: dt.date,
    bottle: ContainerType,
    product_id: int,
    no_cash: frozenset[int],
) -> None:
    """At each stop of ``day`` where the bottled milk was delivered: full bottles given, the
    empties of the day before taken back (now and then one kept), and now and then cash."""
    boy_id = routing_queries.delivery_boy_on(session, route.id, day)
    boy = session.get(User, boy_id) if boy_id is not None else None
    if boy is None:
        return
    actor = Actor(user_id=boy.id, label=f"{boy.role}:{boy.name} (demo seed)", channel="cli")
    marker = Marker.for_user(boy, actor)
    rows = session.execute(
        select(Order.customer_id, Order.product_id, Order.status, Customer.stop_sequence)
        .join(Customer, Customer.id == Order.customer_id)
        .where(
            Order.route_id == route.id,
            Order.delivery_date == day,
            Order.status.in_((OrderStatus.delivered.value, OrderStatus.partially_delivered.value)),
        )
        .order_by(Customer.stop_sequence, Order.id)
    ).all()
    bottled: dict[int, int] = {}
    walked: list[int] = []
    for customer_id, order_product, _status, _sequence in rows:
        if customer_id not in walked:
            walked.append(customer_id)
        if order_product == product_id:
            bottled[customer_id] = bottled.get(customer_id, 0) + 1
    for customer_id in walked:
        rng = random.Random(f"{customer_id}:{day}")
        given = bottled.get(customer_id, 0)
        if given:
            held = sum(
                h.held
                for h in container_queries.holdings(session, customer_id)
                if h.container_type_id == bottle.id
            )
            returned = held - 1 if held and rng.random() < 0.15 else held
            container_service.record_at_stop(
                session,
                marker,
                StopContainersRequest(
                    customer_id=customer_id,
                    delivery_date=day,
                    containers=[
                        ContainerCount(container_type_id=bottle.id, given=given, returned=returned)
                    ],
                ),
                today=today,
            )
        if rng.random() < 0.18 and customer_id not in no_cash:
            collections.collect(
                session,
                marker,
                CashAtDoorRequest(
                    customer_id=customer_id,
                    delivery_date=day,
                    amount=Decimal(rng.choice(CASH_AMOUNTS)),
                ),
                today=today,
            )
