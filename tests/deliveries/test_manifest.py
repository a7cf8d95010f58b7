"""The manifest of a route for a date: stops in sequence, their orders, what changed since the
customer's usual, and the load sheet; the delivery boy's own manifests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from milkrun.deliveries.manifest import manifest
from milkrun.routing import service as routing_service
from tests import factories
from tests.deliveries import factories as day_factories
from tests.deliveries.conftest import Walk, stop_customer

MARK = "/api/v1/delivery-boy/mark-delivered"


def _stops(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {stop["customer"]["name"]: stop for stop in body["stops"]}


def test_the_manifest_lists_stops_in_sequence_with_what_changed(
    client: TestClient, walk: Walk, admin: factories.Login
) -> None:
    response = client.get(
        f"/api/v1/routes/{walk.route.id}/manifest",
        params={"date": walk.date.isoformat()},
        headers=admin.headers,
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["route"]["name"] == "Indiranagar North"
    assert body["date"] == walk.date.isoformat()
    assert body["delivery_boy"]["name"] == "Ravi"
    assert [s["customer"]["name"] for s in body["stops"]] == [
        "Usual",
        "More today",
        "On vacation",
        "Just joined",
        "Extra bread",
        "Skipping",
    ]
    assert [s["sequence"] for s in body["stops"]] == [1, 2, 3, 4, 5, 6]
    stops = _stops(body)
    assert {name: stop["changes"] for name, stop in stops.items()} == {
        "Usual": [],
        "More today": ["quantity_changed"],
        "On vacation": ["paused"],
        "Just joined": ["new_customer"],
        "Extra bread": ["one_time"],
        "Skipping": ["quantity_changed"],
    }
    usual = stops["Usual"]["orders"]
    assert [(o["product"], o["quantity"], o["status"]) for o in usual] == [
        ("Toned milk", 2, "scheduled")
    ]
    assert stops["More today"]["orders"][0]["quantity"] == 3
    assert stops["More today"]["orders"][0]["usual_quantity"] == 1
    assert stops["On vacation"]["orders"] == []
    assert [o["status"] for o in stops["Skipping"]["orders"]] == ["cancelled"]
    extra = [o for o in stops["Extra bread"]["orders"] if o["one_time"]]
    assert len(extra) == 1
    assert extra[0]["usual_quantity"] is None
    assert stops["Usual"]["customer"]["address"] == "12 MG Road"
    # Load: the orders not cancelled; everything still to deliver.
    assert body["load_sheet"] == [
        {
            "product_id": walk.milk.id,
            "product": "Toned milk",
            "unit": "500 ml pouch",
            "quantity": 2 + 3 + 1 + 1,
            "remaining": 7,
        },
        {
            "product_id": walk.bread.id,
            "product": "Toned milk",
            "unit": "500 ml pouch",
            "quantity": 1,
            "remaining": 1,
        },
    ]
    assert body["progress"] == {"stops": 4, "orders": 5, "marked": 0}


def test_marks_show_on_the_manifest_and_leave_the_load_sheet(
    client: TestClient, walk: Walk
) -> None:
    usual = walk.customers["Usual"]
    more = walk.customers["More today"]
    before = client.get("/api/v1/delivery-boy/manifest", headers=walk.boy.headers).json()
    orders = {s["customer"]["id"]: s["orders"] for s in before["routes"][0]["stops"]}
    marks = [
        {"order_id": orders[usual.id][0]["id"], "customer_id": usual.id, "status": "delivered"},
        {
            "order_id": orders[more.id][0]["id"],
            "customer_id": more.id,
            "status": "partially_delivered",
            "quantity_delivered": 2,
        },
    ]
    for mark in marks:
        assert client.post(MARK, json=mark, headers=walk.boy.headers).status_code == 200

    after = client.get("/api/v1/delivery-boy/manifest", headers=walk.boy.headers).json()

    (route,) = after["routes"]
    stops = _stops(route)
    assert stops["Usual"]["orders"][0]["status"] == "delivered"
    assert stops["Usual"]["orders"][0]["quantity_delivered"] == 2
    assert stops["More today"]["orders"][0]["status"] == "partially_delivered"
    assert stops["More today"]["orders"][0]["quantity_delivered"] == 2
    assert route["progress"] == {"stops": 4, "orders": 5, "marked": 2}
    milk = next(line for line in route["load_sheet"] if line["product_id"] == walk.milk.id)
    assert (milk["quantity"], milk["remaining"]) == (7, 2)


def test_a_delivery_boy_sees_the_routes_he_walks_on_the_date(
    client: TestClient, session: Session, walk: Walk
) -> None:
    substitute = factories.login(session, factories.delivery_boy_user(session, name="Suresh"))
    tomorrow = walk.date + dt.timedelta(days=1)
    routing_service.set_substitute(
        session, walk.route.id, tomorrow, substitute.user.id, factories.ACTOR
    )

    def routes(login: factories.Login, day: dt.date) -> list[str]:
        response = client.get(
            "/api/v1/delivery-boy/manifest", params={"date": day.isoformat()}, headers=login.headers
        )
        assert response.status_code == 200
        assert response.json()["date"] == day.isoformat()
        return [r["route"]["name"] for r in response.json()["routes"]]

    assert routes(walk.boy, walk.date) == ["Indiranagar North"]
    assert routes(substitute, walk.date) == []
    assert routes(walk.boy, tomorrow) == []
    assert routes(substitute, tomorrow) == ["Indiranagar North"]
    # Without a date: today.
    default = client.get("/api/v1/delivery-boy/manifest", headers=walk.boy.headers).json()
    assert default["date"] == walk.date.isoformat()


def test_an_unknown_route_or_a_malformed_date_is_refused(
    client: TestClient, walk: Walk, admin: factories.Login
) -> None:
    unknown = client.get("/api/v1/routes/2000000000/manifest", headers=admin.headers)
    malformed = client.get(
        f"/api/v1/routes/{walk.route.id}/manifest",
        params={"date": "tomorrow"},
        headers=admin.headers,
    )

    assert unknown.status_code == 404
    assert unknown.json()["code"] == "route_not_found"
    assert malformed.status_code == 422


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    yield seen
    event.remove(engine, "before_cursor_execute", count)


def test_the_manifest_takes_the_same_few_queries_for_any_number_of_stops(
    session: Session, walk: Walk, statements: list[str]
) -> None:
    session.flush()
    statements.clear()
    manifest(session, walk.route, walk.date)
    few = len(statements)
    for n in range(20):
        customer = stop_customer(session, walk.route, f"Later {n}", 10 + n)
        day_factories.order(session, customer=customer, product=walk.milk, day=walk.date)
        away = stop_customer(session, walk.route, f"Away {n}", 40 + n)
        factories.subscription(
            session, customer=away, product=walk.milk, start=walk.date - dt.timedelta(days=9)
        )
        factories.pause(session, customer_id=away.id, start=walk.date)
    session.flush()
    statements.clear()

    bigger = manifest(session, walk.route, walk.date)

    assert len(bigger.stops) == 6 + 40
    assert sum(1 for stop in bigger.stops if stop.changes == ["paused"]) == 1 + 20
    assert len(statements) == few
    assert few <= 8
