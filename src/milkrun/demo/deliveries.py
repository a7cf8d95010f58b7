"""The demo dairy's delivery day: a morning in progress.

Yesterday is fully marked (mostly delivered, some partial, some not delivered with a reason),
today's morning routes are marked for their first stops, and one route has a shared delivery
link for today. Everything goes through the same services as the API, and is idempotent: the
marks are chosen from the order ids (marking again is a no-op that records nothing), and the
link's token is derived from the secret key (seeding again finds the same link).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import random
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.audit.service import Actor
from milkrun.auth.models import User
from milkrun.config import Settings, get_settings
from milkrun.customers.models import Customer
from milkrun.deliveries import service as delivery_service
from milkrun.deliveries.models import DeliveryOutcome, NotDeliveredReason
from milkrun.deliveries.schemas import MarkRequest
from milkrun.demo import locations
from milkrun.links import queries as link_queries
from milkrun.links import service as link_service
from milkrun.links.schemas import LinkCreate
from milkrun.orders import sync
from milkrun.orders.models import Order, OrderStatus
from milkrun.routing import queries as routing_queries
from milkrun.routing.models import Route, Shift
from milkrun.wallets import generation as wallet_generation

# Of today's morning stops, the share already walked when the demo starts.
TODAY_DONE = 0.4
LINK_LABEL = "Manjunath (covering today)"


def seed_delivery_day(
    session: Session,
    *,
    today: dt.date,
    admin: User,
    secret: str,
    zone: ZoneInfo,
    settings: Settings | None = None,
) -> str | None:
    """Materialize yesterday and today where that would change anything, mark them, and return
    the demo link's token (None when there is no route)."""
    system = Actor.system("demo seed", channel="cli")
    yesterday = today - dt.timedelta(days=1)
    for day in (yesterday, today):
        if sync.sync_day(session, day, dry_run=True).changed_anything:
            wallet_generation.materialize(
                session, day, system, settings or get_settings(), trigger="demo"
            )
    routes = session.scalars(select(Route).where(Route.is_active).order_by(Route.id)).all()
    for route in routes:
        _mark(session, route, yesterday, share=1.0, today=today)
        if route.shift == Shift.morning:
            _mark(session, route, today, share=TODAY_DONE, today=today)
    return _demo_link(session, routes[0], today, admin, secret, zone) if routes else None


def _mark(session: Session, route: Route, day: dt.date, *, share: float, today: dt.date) -> None:
    """Mark the first ``share`` of the route's stops on ``day`` as its delivery boy would."""
    boy_id = routing_queries.delivery_boy_on(session, route.id, day)
    boy = session.get(User, boy_id) if boy_id is not None else None
    if boy is None:
        return
    actor = Actor(user_id=boy.id, label=f"{boy.role}:{boy.name} (demo seed)", channel="cli")
    marker = delivery_service.Marker.for_user(boy, actor)
    orders = session.scalars(
        select(Order)
        .join(Customer, Customer.id == Order.customer_id)
        .where(
            Order.route_id == route.id,
            Order.delivery_date == day,
            Order.status != OrderStatus.cancelled.value,
        )
        .order_by(Customer.stop_sequence, Order.id)
    ).all()
    stops = list(dict.fromkeys(order.customer_id for order in orders))
    walked = set(stops[: round(len(stops) * share)])
    doors = {
        customer.id: (customer.latitude, customer.longitude)
        for customer in session.scalars(select(Customer).where(Customer.id.in_(walked)))
    }
    marks = {order.id: _outcome_of(order) for order in orders if order.customer_id in walked}
    if share == 1.0:
        _every_outcome(orders, marks)
    for order in orders:
        if order.id in marks:
            mark = marks[order.id].model_copy(update=_where(order, doors[order.customer_id]))
            delivery_service.mark_order(session, marker, mark, today=today)


def _every_outcome(orders: Sequence[Order], marks: dict[int, MarkRequest]) -> None:
    """A whole day walked shows every outcome: where the dice gave no 'not at home' (or no
    short delivery) on a route, its last stop's order has one — the same one on every run."""
    walked = [order for order in orders if order.id in marks]
    statuses = {mark.status for mark in marks.values()}
    if walked and DeliveryOutcome.not_delivered not in statuses:
        last = walked[-1]
        marks[last.id] = MarkRequest(
            order_id=last.id,
            customer_id=last.customer_id,
            status=DeliveryOutcome.not_delivered,
            reason=NotDeliveredReason.customer_unavailable,
        )
    short = [o for o in walked[:-1] if o.quantity > 1]
    if short and DeliveryOutcome.partially_delivered not in statuses:
        order = short[0]
        marks[order.id] = MarkRequest(
            order_id=order.id,
            customer_id=order.customer_id,
            status=DeliveryOutcome.partially_delivered,
            quantity_delivered=order.quantity - 1,
            reason=NotDeliveredReason.out_of_stock,
            notes="ran short on the van",
        )


def _where(order: Order, door: tuple[float | None, float | None]) -> dict[str, object]:
    """Where the phone was at the mark (proof of delivery): a few metres from the door, now and
    then from down the road; no location where the door is not located (as a phone whose
    owner said no)."""
    lat, lon = door
    if lat is None or lon is None:
        return {}
    rng = random.Random(-order.id)
    far = rng.random() < 0.04
    there = locations.near((lat, lon), rng, 450 if far else 40, at_least=250 if far else 3)
    return {"latitude": there[0], "longitude": there[1], "accuracy_m": rng.randint(5, 25)}


def _outcome_of(order: Order) -> MarkRequest:
    """The same outcome for the same order on every run: mostly delivered."""
    rng = random.Random(order.id)
    roll = rng.random()
    base = {"order_id": order.id, "customer_id": order.customer_id}
    if roll < 0.07:
        reason = rng.choice(list(NotDeliveredReason))
        return MarkRequest(**base, status=DeliveryOutcome.not_delivered, reason=reason)
    if roll < 0.15 and order.quantity > 1:
        return MarkRequest(
            **base,
            status=DeliveryOutcome.partially_delivered,
            quantity_delivered=order.quantity - 1,
            reason=NotDeliveredReason.out_of_stock,
            notes="ran short on the van",
        )
    return MarkRequest(**base, status=DeliveryOutcome.delivered)


def demo_token(secret: str, route_id: int, day: dt.date) -> str:
    """A link token the demo can find again: HMAC of the route and date under the secret key."""
    digest = hmac.new(secret.encode(), f"demo-link:{route_id}:{day}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


def _demo_link(
    session: Session, route: Route, day: dt.date, admin: User, secret: str, zone: ZoneInfo
) -> str:
    token = demo_token(secret, route.id, day)
    if link_queries.link_by_token(session, token) is None:
        actor = Actor(user_id=admin.id, label=f"admin:{admin.name}", channel="cli")
        link_service.create_link(
            session,
            LinkCreate(route_id=route.id, delivery_date=day, label=LINK_LABEL),
            actor,
            zone=zone,
            token=token,
        )
    return token
