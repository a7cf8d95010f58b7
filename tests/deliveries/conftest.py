from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.catalog.models import Product
from milkrun.customers.models import Customer
from milkrun.orders import generate
from milkrun.routing.models import Route
from tests import factories
from tests.deliveries import factories as day_factories


@pytest.fixture(autouse=True)
def _steady_clock() -> None:
    """Hold the clock at the real present (released after each test by the root conftest):
    "today" cannot turn over midway through a test, and logins issued now stay valid."""
    clock.freeze(clock.now())


@dataclass
class Walk:
    date: dt.date
    route: Route
    boy: factories.Login
    milk: Product
    bread: Product
    customers: dict[str, Customer]


def stop_customer(session: Session, route: Route, name: str, sequence: int) -> Customer:
    customer = factories.customer(session, route=route, name=name)
    customer.stop_sequence = sequence
    return customer


@pytest.fixture
def walk(session: Session) -> Walk:
    today = day_factories.today()
    long_ago = today - dt.timedelta(days=60)
    boy = factories.delivery_boy_user(session, name="Ravi")
    route = factories.route(session, delivery_boy=boy, name="Indiranagar North")
    milk = factories.product(session, sku="TM500", price="28.00")
    bread = factories.product(session, sku="BREAD", price="45.00")
    names = ["Usual", "More today", "On vacation", "Just joined", "Extra bread", "Skipping"]
    customers = {name: stop_customer(session, route, name, n) for n, name in enumerate(names, 1)}
    daily = {"kind": "daily", "quantity": 1}
    subscriptions = {
        "Usual": {"kind": "daily", "quantity": 2},
        "More today": daily,
        "On vacation": daily,
        "Extra bread": daily,
        "Skipping": daily,
    }
    made = {
        name: factories.subscription(
            session, customer=customers[name], product=milk, start=long_ago, schedule=schedule
        )
        for name, schedule in subscriptions.items()
    }
    factories.subscription(
        session,
        customer=customers["Just joined"],
        product=milk,
        start=today - dt.timedelta(days=1),
    )
    factories.override(session, subscription_id=made["More today"].id, day=today, quantity=3)
    factories.pause(
        session,
        customer_id=customers["On vacation"].id,
        start=today - dt.timedelta(days=2),
        end=today + dt.timedelta(days=5),
    )
    generate.materialize(session, today, factories.ACTOR)
    # After the orders were made: a one-time extra, and a skipped day (its order is cancelled).
    factories.one_time_order(
        session, customer_id=customers["Extra bread"].id, product_id=bread.id, day=today
    )
    factories.override(session, subscription_id=made["Skipping"].id, day=today, quantity=0)
    # Someone on another route is not on this manifest.
    other = factories.route(session)
    stranger = factories.customer(session, route=other, name="Elsewhere")
    factories.subscription(session, customer=stranger, product=milk, start=long_ago)
    generate.materialize(session, today, factories.ACTOR)
    return Walk(today, route, factories.login(session, boy), milk, bread, customers)
