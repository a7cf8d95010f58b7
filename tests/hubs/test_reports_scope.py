"""The reports per hub (``reports.tables`` with a ``HubScope``): each table of the Jayanagar
hub counts its route's orders, marks and sales and its customers only; every hub's table counts
them all, the customer on no route's too."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.hubs.scope import EVERY_HUB, HubScope
from milkrun.orders import generate
from milkrun.orders.models import Order
from milkrun.reports import tables
from tests import factories
from tests.billing import factories as billing_factories
from tests.factories import ACTOR
from tests.hubs.two_hubs import TwoHubs
from tests.order_book import IST, TODAY


def _column(table: tables.Table, title: str) -> list[Any]:
    index = [c.title for c in table.columns].index(title)
    return [row[index] for row in table.rows]


def test_each_report_per_hub(session: Session, hubs: TwoHubs) -> None:
    generate.materialize(session, TODAY, ACTOR)
    boy = factories.delivery_boy_user(session, name="Manju")
    for order in session.scalars(select(Order).where(Order.delivery_date == TODAY)):
        billing_factories.deliver(session, order, by=boy)
    south = HubScope(hubs.jayanagar.id)
    east = HubScope(hubs.indiranagar.id)

    # The customer on no route has an order too: every hub's table counts it, no hub's does.
    assert sum(_column(tables.requirement(session, TODAY, TODAY), "Orders")) == 4
    assert _column(tables.requirement(session, TODAY, TODAY, south), "Route") == [
        "Jayanagar 4th Block"
    ]
    assert sum(_column(tables.requirement(session, TODAY, TODAY, east), "Orders")) == 2

    assert _column(tables.deliveries(session, TODAY, TODAY, IST), "Marked") == [4]
    assert _column(tables.deliveries(session, TODAY, TODAY, IST, south), "Marked") == [1]

    every = _column(tables.sales(session, TODAY, TODAY, EVERY_HUB), "Delivered")
    assert every == [4]
    assert _column(tables.sales(session, TODAY, TODAY, south), "Delivered") == [1]

    # Four customers were added this month: two in Indiranagar, one in Jayanagar, one on no
    # route (in no hub).
    assert _column(tables.customers(session, TODAY, TODAY, IST), "Added") == [4]
    assert _column(tables.customers(session, TODAY, TODAY, IST, south), "Added") == [1]
    assert _column(tables.customers(session, TODAY, TODAY, IST, east), "Added") == [2]
