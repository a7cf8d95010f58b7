"""The demo's hubs: Indiranagar (the Indiranagar and Koramangala routes) and Jayanagar (the HSR
evening route), a manager limited to Jayanagar, a coming holiday at the Jayanagar hub, and a
festival offer that the first demo customer has already accepted. Made through the same services
as a real dairy's (a holiday tells its customers through the outbox); twice duplicates nothing."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun import cutoff
from milkrun.audit.service import Actor
from milkrun.auth import queries as auth_queries
from milkrun.auth import service as auth_service
from milkrun.catalog import queries as catalog_queries
from milkrun.config import Settings
from milkrun.customers import queries as customer_queries
from milkrun.hubs import service as hub_service
from milkrun.hubs.models import Holiday, Hub
from milkrun.hubs.scope import EVERY_HUB
from milkrun.offers import service as offer_service
from milkrun.offers.models import Offer
from milkrun.orders import holidays
from milkrun.routing import queries as routing_queries

HUB_ADMIN_EMAIL = "jayanagar@demo.milkrun.in"
HUB_ADMIN_PASSWORD = "demo-hub-2026"  # noqa: S105 (the demo's published login)
HUBS = {
    "Indiranagar": ["Indiranagar North", "Koramangala East"],
    "Jayanagar": ["HSR Evening"],
}
HOLIDAY_IN_DAYS = 6
OFFER_IN_DAYS = 4


def _hub(session: Session, name: str, actor: Actor) -> Hub:
    hub = session.scalar(select(Hub).where(Hub.name == name))
    return hub or hub_service.create_hub(session, name, actor, EVERY_HUB)


def seed_hubs(
    session: Session, *, today: dt.date, settings: Settings, first_customer_phone: str | None
) -> tuple[str, str]:
    """Returns the Jayanagar manager's login."""
    actor = Actor.system("demo seed", channel="cli")
    hubs = {name: _hub(session, name, actor) for name in HUBS}
    for name, route_names in HUBS.items():
        for route_name in route_names:
            route = routing_queries.route_by_name(session, route_name)
            if route is not None and route.hub_id is None:
                hub_service.place_route(session, route.id, hubs[name].id, actor, EVERY_HUB)
    manager = auth_queries.user_by_username(session, HUB_ADMIN_EMAIL)
    if manager is None:
        manager = auth_service.create_admin(
            session,
            name="Shwetha (Jayanagar hub)",
            email=HUB_ADMIN_EMAIL,
            phone="+919000000009",
            password=HUB_ADMIN_PASSWORD,
            actor=actor,
        )
        hub_service.limit_admin(session, manager.id, hubs["Jayanagar"].id, actor, EVERY_HUB)

    holiday_on = today + dt.timedelta(days=HOLIDAY_IN_DAYS)
    jayanagar = hubs["Jayanagar"].id
    if session.scalar(select(Holiday.id).where(Holiday.hub_id == jayanagar)) is None:
        holidays.declare_holiday(
            session,
            holiday_on,
            jayanagar,
            "cold room repair at the Jayanagar hub",
            actor,
            EVERY_HUB,
            today=today,
        )

    paneer = catalog_queries.product_by_sku(session, "PANEER200")
    if paneer is not None and session.scalar(select(Offer.id)) is None:
        offer = offer_service.create_offer(
            session,
            today + dt.timedelta(days=OFFER_IN_DAYS),
            paneer.id,
            "Festival special: fresh paneer",
            "Soft malai paneer made the evening before, for your festival cooking.",
            actor,
            EVERY_HUB,
            today=today,
        )
        customer = (
            customer_queries.active_customer_with_phone(session, first_customer_phone)
            if first_customer_phone
            else None
        )
        if customer is not None:
            offer_service.accept_offer(
                session, offer.id, customer.id, 2, actor, cutoff.for_staff(settings)
            )
    return HUB_ADMIN_EMAIL, HUB_ADMIN_PASSWORD
