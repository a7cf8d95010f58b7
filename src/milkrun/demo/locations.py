"""The demo dairy's doors: every customer located around his route's neighbourhood (as the
owner would approve them from the delivery page), one customer per route not located yet, and
two locations sent from the stops waiting for the owner's approval. Stop numbers stay in the
order customers signed up, so the stop-order suggestion has a walk to shorten."""

from __future__ import annotations

import datetime as dt
import math
import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.audit.service import Actor
from milkrun.auth.models import User
from milkrun.customers import locations
from milkrun.customers.models import Customer
from milkrun.customers.schemas import LocationProposal, LocationSet
from milkrun.routing.models import Route

# The middle of each demo area (WGS 84) and where the dairy is (Dairy Circle, Hosur Road).
AREAS = {
    "Indiranagar": (12.9719, 77.6412),
    "Koramangala": (12.9352, 77.6245),
    "HSR Layout": (12.9116, 77.6389),
}
DAIRY = (12.9387, 77.6036)
SPREAD_M = 700  # doors lie within this many metres of the area's middle
UNLOCATED_AT = 4  # the fifth stop of each route has no location yet


def near(
    centre: tuple[float, float], rng: random.Random, metres: float, at_least: float = 0.0
) -> tuple[float, float]:
    """A point ``at_least`` to ``metres`` from ``centre`` in a random direction, to 6 decimals
    (~10 cm)."""
    distance = at_least + (metres - at_least) * math.sqrt(rng.random())
    bearing = rng.uniform(0, 2 * math.pi)
    lat = centre[0] + distance * math.cos(bearing) / 111_320
    lon = centre[1] + distance * math.sin(bearing) / (111_320 * math.cos(math.radians(centre[0])))
    return round(lat, 6), round(lon, 6)


def seed_locations(session: Session, actor: Actor, today: dt.date) -> None:
    """Locate the demo's customers (only those never located: running twice changes nothing)."""
    located_now = False
    first_route: Route | None = None
    for route in session.scalars(select(Route).order_by(Route.id)):
        first_route = first_route or route
        centre = AREAS.get(route.area)
        if centre is None:
            continue
        customers = session.scalars(
            select(Customer)
            .where(Customer.route_id == route.id, Customer.is_active)
            .order_by(Customer.stop_sequence, Customer.id)
        ).all()
        for n, customer in enumerate(customers):
            if n == UNLOCATED_AT or customer.latitude is not None:
                continue
            lat, lon = near(centre, random.Random(customer.id), SPREAD_M)
            locations.set_location(
                session, customer.id, LocationSet(latitude=lat, longitude=lon), actor
            )
            located_now = True
    if located_now and first_route is not None:
        _proposals(session, first_route, today)


def _proposals(session: Session, route: Route, today: dt.date) -> None:
    """Two doors sent from the first route's stops by its delivery boy, to approve or reject:
    the stop without a location, and a correction of another."""
    boy = session.get(User, route.delivery_boy_id) if route.delivery_boy_id else None
    if boy is None:
        return
    actor = Actor(user_id=boy.id, label=f"{boy.role}:{boy.name} (demo seed)", channel="web")
    customers = session.scalars(
        select(Customer)
        .where(Customer.route_id == route.id, Customer.is_active)
        .order_by(Customer.stop_sequence, Customer.id)
    ).all()
    centre = AREAS.get(route.area, DAIRY)
    for n in (1, UNLOCATED_AT):
        if n >= len(customers):
            continue
        customer = customers[n]
        door = (
            (customer.latitude, customer.longitude)
            if customer.latitude is not None and customer.longitude is not None
            else centre
        )
        lat, lon = near(door, random.Random(-customer.id), 60 if n == 1 else SPREAD_M)
        locations.propose(
            session,
            LocationProposal(customer_id=customer.id, latitude=lat, longitude=lon, accuracy_m=12),
            actor,
            walker_id=None,
            today=today,
        )
