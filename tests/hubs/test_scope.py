"""An admin limited to one hub: every API call and page that names a record of another hub by
id answers 404, as for a record that does not exist (the walk below covers every admin GET of
the OpenAPI schema with such an id), and lists show its hub only."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.hubs import queries as hub_queries
from milkrun.hubs import service as hub_service
from milkrun.hubs.errors import HubLimitedAdmin
from milkrun.hubs.scope import EVERY_HUB, HubScope
from milkrun.offers import queries as offer_queries
from milkrun.offers import service as offer_service
from milkrun.offers.errors import OfferAlreadyAccepted
from milkrun.orders import generate
from milkrun.orders.models import Order
from milkrun.reports import board
from milkrun.subscriptions.models import Subscription
from tests import factories
from tests.factories import ACTOR
from tests.hubs.two_hubs import TwoHubs
from tests.order_book import TODAY, day

API = "/api/v1"
IDS = ("customer_id", "route_id", "subscription_id", "order_id")


def _ids(session: Session, hubs: TwoHubs, customer_id: int, route_id: int) -> dict[str, int]:
    generate.materialize(session, day(1), ACTOR)
    order = session.scalar(select(Order.id).where(Order.customer_id == customer_id))
    sub = session.scalar(select(Subscription.id).where(Subscription.customer_id == customer_id))
    assert order is not None
    assert sub is not None
    return {
        "customer_id": customer_id,
        "route_id": route_id,
        "subscription_id": sub,
        "order_id": order,
    }


def _admin_gets(client: TestClient) -> list[str]:
    paths = client.get("/openapi.json").json()["paths"]
    return [
        path
        for path, operations in paths.items()
        if "get" in operations
        and any(f"{{{name}}}" in path for name in IDS)
        and not path.startswith(f"{API}/me")
        and "{token}" not in path
    ]


def test_the_walk_of_a_limited_admin(client: TestClient, session: Session, hubs: TwoHubs) -> None:
    """Each admin GET with a customer's, route's, subscription's or order's id: another hub's
    record is 404; the admin's own hub's is not."""
    south_admin = factories.login(session, hubs.south_admin)
    theirs = _ids(session, hubs, hubs.dairy.customer.id, hubs.east.id)
    mine = _ids(session, hubs, hubs.south_customer.id, hubs.south.id)
    paths = _admin_gets(client)
    assert len(paths) >= 5
    walked = 0
    for path in paths:
        names = re.findall(r"\{(\w+)\}", path)
        if not set(names) <= set(IDS):
            continue
        query = "?date=" + day(1).isoformat() if "manifest" in path else ""
        other = client.get(path.format(**theirs) + query, headers=south_admin.headers)
        assert other.status_code == 404, (path, other.text)
        own = client.get(path.format(**mine) + query, headers=south_admin.headers)
        assert own.status_code != 404 or own.json()["code"] in {"no_login"}, (path, own.text)
        walked += 1
    assert walked >= 5


def test_lists_show_the_admins_hub(client: TestClient, session: Session, hubs: TwoHubs) -> None:
    south_admin = factories.login(session, hubs.south_admin)
    owner = factories.login(session, hubs.owner)
    names = {
        c["name"]
        for c in client.get(f"{API}/customers", headers=south_admin.headers).json()["items"]
    }
    assert names == {"Lakshmi Rao"}
    routes = client.get(f"{API}/routes", headers=south_admin.headers).json()["items"]
    assert [r["name"] for r in routes] == ["Jayanagar 4th Block"]
    everyone = client.get(f"{API}/customers", headers=owner.headers).json()["items"]
    assert len(everyone) == 4
    east = client.get(
        f"{API}/customers", params={"hub_id": hubs.indiranagar.id}, headers=owner.headers
    ).json()["items"]
    assert {c["name"] for c in east} == {"Asha Iyer", "Ravi Shankar"}
    # Asking for another hub by filter shows nothing of it.
    refused = client.get(
        f"{API}/customers", params={"hub_id": hubs.indiranagar.id}, headers=south_admin.headers
    )
    assert refused.status_code == 404


def test_the_board_per_hub(session: Session, hubs: TwoHubs) -> None:
    generate.materialize(session, TODAY, ACTOR)
    every = board.progress(session, TODAY)
    south = board.progress(session, TODAY, HubScope.of(hubs.south_admin))
    assert sum(p.total for p in every) == 4
    assert [(p.name, p.total) for p in south] == [("Jayanagar 4th Block", 1)]
    figures = hub_queries.figures(session)
    assert (figures[hubs.jayanagar.id].customers, figures[hubs.indiranagar.id].customers) == (1, 2)
    assert figures[None].customers == 1


def test_a_limited_admin_does_not_open_hubs(session: Session, hubs: TwoHubs) -> None:
    with pytest.raises(HubLimitedAdmin):
        hub_service.create_hub(session, "Whitefield", ACTOR, HubScope.of(hubs.south_admin))
    with pytest.raises(HubLimitedAdmin):
        hub_service.limit_admin(
            session, hubs.owner.id, hubs.jayanagar.id, ACTOR, HubScope.of(hubs.south_admin)
        )


def test_an_offer_accepted_once_as_a_one_time_order(session: Session, hubs: TwoHubs) -> None:
    offer = offer_service.create_offer(
        session, day(3), hubs.dairy.curd.id, "Diwali curd", "", ACTOR, EVERY_HUB, today=TODAY
    )
    window = hubs.dairy.customer_window()
    accepted = offer_service.accept_offer(
        session, offer.id, hubs.south_customer.id, 2, ACTOR, window
    )
    assert accepted.delivery_date == day(3)
    with pytest.raises(OfferAlreadyAccepted):
        offer_service.accept_offer(session, offer.id, hubs.south_customer.id, 1, ACTOR, window)
    shown = offer_queries.open_offers_for(session, hubs.south_customer.id, TODAY)
    assert [(o.title, o.accepted, o.price_paise) for o in shown] == [("Diwali curd", 2, 3500)]
    owner_view = offer_queries.offers_from(session, TODAY, EVERY_HUB)
    east_view = offer_queries.offers_from(session, TODAY, HubScope(hubs.indiranagar.id))
    assert (owner_view[0].accepted, east_view[0].accepted) == (1, 0)
    who = offer_queries.acceptances(session, offer.id, EVERY_HUB)
    assert [(a.customer_name, a.quantity, a.order_status) for a in who] == [
        ("Lakshmi Rao", 2, "scheduled")
    ]
