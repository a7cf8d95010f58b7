"""A dairy of two hubs for the tests: Indiranagar (a route, two customers) and Jayanagar (a
route, one customer), a customer on no route, daily milk for all of them, an unlimited admin and
an admin limited to Jayanagar."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from milkrun.auth.models import User
from milkrun.config import Settings
from milkrun.customers.models import Customer
from milkrun.hubs import service as hub_service
from milkrun.hubs.models import Hub
from milkrun.hubs.scope import EVERY_HUB
from milkrun.routing.models import Route
from tests import factories
from tests.factories import ACTOR
from tests.order_book import Dairy, make_dairy


@dataclass
class TwoHubs:
    dairy: Dairy
    indiranagar: Hub
    jayanagar: Hub
    east: Route  # Indiranagar: dairy.customer and dairy.neighbour
    south: Route  # Jayanagar: south_customer
    south_customer: Customer
    unrouted: Customer
    owner: User
    south_admin: User


def make_two_hubs(session: Session, settings: Settings) -> TwoHubs:
    dairy = make_dairy(session, settings)
    indiranagar = hub_service.create_hub(session, "Indiranagar", ACTOR, EVERY_HUB)
    jayanagar = hub_service.create_hub(session, "Jayanagar", ACTOR, EVERY_HUB)
    south = factories.route(session, name="Jayanagar 4th Block")
    hub_service.place_route(session, dairy.route.id, indiranagar.id, ACTOR, EVERY_HUB)
    hub_service.place_route(session, south.id, jayanagar.id, ACTOR, EVERY_HUB)
    south_customer = factories.customer(session, route=south, name="Lakshmi Rao")
    unrouted = factories.customer(session, name="New Signup")
    for customer in (dairy.customer, dairy.neighbour, south_customer, unrouted):
        factories.subscription(session, customer=customer, product=dairy.milk)
    owner = factories.admin_user(session, name="Owner")
    south_admin = factories.admin_user(session, name="Jayanagar manager")
    hub_service.limit_admin(session, south_admin.id, jayanagar.id, ACTOR, EVERY_HUB)
    return TwoHubs(
        dairy,
        indiranagar,
        jayanagar,
        dairy.route,
        south,
        south_customer,
        unrouted,
        owner,
        south_admin,
    )
