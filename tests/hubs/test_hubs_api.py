"""The hubs, holidays and offers API: a limited admin sees its own hub and the holidays that
touch it, may not open a hub, limit an admin, place a route of another hub or accept an offer for
another hub's customer (404); the unlimited admin does all of it."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories
from tests.hubs.two_hubs import TwoHubs
from tests.order_book import day

API = "/api/v1"


def test_hubs_over_the_api(client: TestClient, session: Session, hubs: TwoHubs) -> None:
    south = factories.login(session, hubs.south_admin).headers
    owner = factories.login(session, hubs.owner).headers
    every = client.get(f"{API}/hubs", headers=owner).json()
    assert [(h["name"], h["customers"]) for h in every] == [("Indiranagar", 2), ("Jayanagar", 1)]
    mine = client.get(f"{API}/hubs", headers=south).json()
    assert [h["name"] for h in mine] == ["Jayanagar"]
    refused = client.post(f"{API}/hubs", json={"name": "Whitefield"}, headers=south)
    assert (refused.status_code, refused.json()["code"]) == (403, "hub_limited_admin")
    made = client.post(f"{API}/hubs", json={"name": "Whitefield"}, headers=owner)
    assert made.status_code == 201, made.text
    again = client.post(f"{API}/hubs", json={"name": "whitefield"}, headers=owner)
    assert (again.status_code, again.json()["code"]) == (409, "hub_name_taken")
    other_route = client.put(
        f"{API}/routes/{hubs.east.id}/hub", json={"hub_id": hubs.jayanagar.id}, headers=south
    )
    assert other_route.status_code == 404
    placed = client.put(f"{API}/routes/{hubs.east.id}/hub", json={"hub_id": None}, headers=owner)
    assert placed.json() == {"id": hubs.east.id, "hub_id": None}
    limit = client.put(
        f"{API}/users/{hubs.owner.id}/hub", json={"hub_id": hubs.jayanagar.id}, headers=south
    )
    assert (limit.status_code, limit.json()["code"]) == (403, "hub_limited_admin")


def test_holidays_and_offers_over_the_api(
    client: TestClient, session: Session, hubs: TwoHubs
) -> None:
    south = factories.login(session, hubs.south_admin).headers
    owner = factories.login(session, hubs.owner).headers
    east = {"holiday_date": day(2).isoformat(), "hub_id": hubs.indiranagar.id, "reason": "Water"}
    assert client.post(f"{API}/holidays", json=east, headers=south).status_code == 404
    declared = client.post(f"{API}/holidays", json=east, headers=owner)
    assert declared.status_code == 201, declared.text
    twice = client.post(f"{API}/holidays", json=east, headers=owner)
    assert (twice.status_code, twice.json()["code"]) == (409, "holiday_exists")
    assert client.get(f"{API}/holidays", headers=south).json() == []
    assert [h["reason"] for h in client.get(f"{API}/holidays", headers=owner).json()] == ["Water"]

    offer = {"offer_date": day(3).isoformat(), "product_id": hubs.dairy.curd.id, "title": "Curd"}
    refused = client.post(f"{API}/offers", json=offer, headers=south)
    assert (refused.status_code, refused.json()["code"]) == (403, "hub_limited_admin")
    made = client.post(f"{API}/offers", json=offer, headers=owner)
    assert made.status_code == 201, made.text
    offer_id = made.json()["id"]
    theirs = client.post(
        f"{API}/customers/{hubs.dairy.customer.id}/offers/{offer_id}/accept",
        json={"quantity": 1},
        headers=south,
    )
    assert theirs.status_code == 404
    yes = client.post(
        f"{API}/customers/{hubs.south_customer.id}/offers/{offer_id}/accept",
        json={"quantity": 2},
        headers=south,
    )
    assert yes.status_code == 201, yes.text
    assert yes.json()["delivery_date"] == day(3).isoformat()
    listed = client.get(f"{API}/offers", headers=south).json()
    assert [(o["title"], o["accepted"]) for o in listed] == [("Curd", 1)]
