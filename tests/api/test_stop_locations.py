"""Proof of delivery and stop locations over the API: a mark's optional location is kept with
each order it marks; "this stop is here" proposes a door the owner approves; the stop-order
suggestion answers before/after with the distances and changes nothing."""

from __future__ import annotations

import hashlib
import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.customers.models import Customer
from milkrun.deliveries.idempotency import LATER_FIELDS, request_hash
from milkrun.deliveries.models import DeliveryOutcome, DeliveryProof
from milkrun.deliveries.schemas import MarkRequest
from tests import factories
from tests.deliveries import factories as day_factories
from tests.deliveries.factories import Day
from tests.factories import Login

MARK = "/api/v1/delivery-boy/mark-delivered"
STOP = "/api/v1/delivery-boy/mark-stop"
PIN = "/api/v1/delivery-boy/stop-location"


@pytest.fixture
def day(session: Session) -> Day:
    return day_factories.delivery_day(session)


def _proofs(session: Session) -> dict[int, DeliveryProof]:
    session.expire_all()
    return {p.order_id: p for p in session.scalars(select(DeliveryProof))}


def test_a_mark_keeps_the_phones_location_with_the_order(
    client: TestClient, session: Session, day: Day
) -> None:
    where = {"latitude": 12.935214, "longitude": 77.624511, "accuracy_m": 9}

    response = client.post(MARK, json=day.body(0, **where), headers=day.boy.headers)

    assert response.status_code == 200, response.text
    proof = _proofs(session)[day.orders[0].id]
    assert (proof.latitude, proof.longitude, proof.accuracy_m) == (12.935214, 77.624511, 9)
    # A correction with a new location replaces it; one without a location leaves it.
    client.post(
        MARK,
        json=day.body(0, status="not_delivered", reason="refused", latitude=12.9, longitude=77.6),
        headers=day.boy.headers,
    )
    assert (_proofs(session)[day.orders[0].id].latitude, len(_proofs(session))) == (12.9, 1)
    client.post(MARK, json=day.body(0), headers=day.boy.headers)
    assert _proofs(session)[day.orders[0].id].latitude == 12.9


def test_a_mark_without_a_location_is_as_before(
    client: TestClient, session: Session, day: Day
) -> None:
    response = client.post(MARK, json=day.body(1), headers=day.boy.headers)

    assert response.status_code == 200
    assert _proofs(session) == {}


@pytest.mark.parametrize(
    "where",
    [
        {"latitude": 12.9},
        {"longitude": 77.6},
        {"latitude": 91, "longitude": 77.6},
        {"latitude": 12.9, "longitude": 181},
        {"accuracy_m": 5},
        {"latitude": 12.9, "longitude": 77.6, "accuracy_m": -1},
    ],
)
def test_half_or_impossible_locations_are_malformed_and_mark_nothing(
    client: TestClient, session: Session, day: Day, where: dict[str, object]
) -> None:
    response = client.post(MARK, json=day.body(0, **where), headers=day.boy.headers)

    assert response.status_code == 422
    assert day_factories.order_status(session, day.orders[0].id) == "scheduled"
    assert _proofs(session) == {}


def test_a_whole_stop_keeps_the_location_with_each_of_its_orders(
    client: TestClient, session: Session, day: Day
) -> None:
    customer = day.customers[0]
    second = day_factories.order(session, customer=customer, product=day.product, day=day.date)
    body = {
        "customer_id": customer.id,
        "delivery_date": str(day.date),
        "status": "delivered",
        "latitude": 12.91,
        "longitude": 77.63,
    }

    response = client.post(STOP, json=body, headers=day.boy.headers)

    assert response.status_code == 200, response.text
    assert set(_proofs(session)) == {day.orders[0].id, second.id}


def test_this_stop_is_here_waits_for_the_owners_approval(
    client: TestClient, session: Session, day: Day, admin: Login
) -> None:
    customer = day.customers[1]
    body = {"customer_id": customer.id, "latitude": 12.9301, "longitude": 77.6201, "accuracy_m": 7}

    proposed = client.post(PIN, json=body, headers=day.boy.headers)

    assert proposed.status_code == 200, proposed.text
    assert proposed.json()["latitude"] is None
    assert proposed.json()["proposed_latitude"] == 12.9301
    assert proposed.json()["proposed_by_user_id"] == day.boy.user.id

    approve = f"/api/v1/customers/{customer.id}/location/approve"
    approved = client.post(approve, headers=admin.headers)
    assert approved.status_code == 200
    assert (approved.json()["latitude"], approved.json()["proposed_latitude"]) == (12.9301, None)
    again = client.post(approve, headers=admin.headers)
    assert again.status_code == 409
    assert again.json()["code"] == "no_proposed_location"
    # Only the owner approves.
    assert client.post(approve, headers=day.boy.headers).status_code == 403


def test_a_delivery_boy_cannot_place_doors_on_routes_he_does_not_walk(
    client: TestClient, session: Session, day: Day
) -> None:
    stranger = factories.customer(session, route=factories.route(session))
    body = {"customer_id": stranger.id, "latitude": 12.93, "longitude": 77.62}

    response = client.post(PIN, json=body, headers=day.boy.headers)

    assert response.status_code == 403
    assert response.json()["code"] == "stop_not_in_scope"
    session.expire_all()
    assert session.get(Customer, stranger.id).proposed_latitude is None  # type: ignore[union-attr]


def test_the_owner_sets_and_reads_a_location(
    client: TestClient, session: Session, day: Day, admin: Login
) -> None:
    url = f"/api/v1/customers/{day.customers[0].id}/location"

    put = client.put(url, json={"latitude": 12.95, "longitude": 77.64}, headers=admin.headers)
    half = client.put(url, json={"latitude": 12.95, "longitude": None}, headers=admin.headers)

    assert put.status_code == 200
    assert half.status_code == 400
    assert half.json()["code"] == "invalid_location"
    read = client.get(url, headers=admin.headers).json()
    assert (read["latitude"], read["longitude"]) == (12.95, 77.64)


def test_the_suggestion_answers_before_and_after_and_changes_nothing(
    client: TestClient, session: Session, day: Day, admin: Login
) -> None:
    # Three doors along one road, visited out of order.
    for customer, east in zip(day.customers, (0.02, 0.01, 0.03), strict=True):
        customer.latitude, customer.longitude = 12.9387, 77.6036 + east
    session.flush()

    response = client.get(f"/api/v1/routes/{day.route.id}/stops/suggestion", headers=admin.headers)

    assert response.status_code == 200, response.text
    body = response.json()
    ids = [c.id for c in day.customers]
    assert [s["customer_id"] for s in body["before"]] == ids
    after = [s["customer_id"] for s in body["after"]]
    assert after in ([ids[1], ids[0], ids[2]], [ids[2], ids[0], ids[1]])  # either end first
    assert body["saved_m"] == body["before_m"] - body["after_m"] > 0
    assert body["unlocated"] == 0
    stops = client.get(f"/api/v1/routes/{day.route.id}/stops", headers=admin.headers).json()
    assert [s["customer_id"] for s in stops["stops"]] == ids


def test_a_mark_without_a_location_keeps_the_fingerprint_it_had_before_locations() -> None:
    """A phone's retry of a mark first sent before the upgrade replays, not 'key reused'."""
    body = MarkRequest(order_id=1, customer_id=2, status=DeliveryOutcome.delivered)
    before_locations = {
        k: v for k, v in body.model_dump(mode="json").items() if k not in LATER_FIELDS
    }
    canonical = json.dumps(
        {"endpoint": "mark-delivered", "body": before_locations},
        sort_keys=True,
        separators=(",", ":"),
    )

    assert request_hash("mark-delivered", body) == hashlib.sha256(canonical.encode()).hexdigest()
    located = body.model_copy(update={"latitude": 12.9, "longitude": 77.6})
    assert request_hash("mark-delivered", located) != request_hash("mark-delivered", body)
