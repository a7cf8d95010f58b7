"""The owner's pages for stop locations and proof of delivery: the route page suggests a shorter
order (before/after, distances) applied only on confirmation, and lists the locations to
approve; the route day shows how far from the door each mark was made, flagged past the
threshold; the delivery page loads the location script only when the dairy asks for it."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from milkrun.config import Settings
from milkrun.customers import stops
from milkrun.customers.models import Customer
from milkrun.db.session import Database
from milkrun.http.deps import TOKEN_COOKIE
from tests import factories
from tests.conftest import TEST_SECRET, make_client
from tests.deliveries import factories as day_factories
from tests.deliveries.factories import Day
from tests.factories import Login

DAIRY = (12.9387, 77.6036)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        env="test",
        database_url=database_url,
        secret_key=TEST_SECRET,
        proof_of_delivery=True,
        proof_flag_metres=100,
        dairy_latitude=DAIRY[0],
        dairy_longitude=DAIRY[1],
    )


@pytest.fixture
def admin_client(client: TestClient, admin: Login) -> TestClient:
    client.cookies.set(TOKEN_COOKIE, admin.token)
    return client


@pytest.fixture
def day(session: Session) -> Day:
    """Three stops east of the dairy, numbered out of order (1 km, 2 km, 3 km away: 2, 1, 3)."""
    made = day_factories.delivery_day(session)
    for customer, km in zip(made.customers, (2, 1, 3), strict=True):
        customer.latitude, customer.longitude = DAIRY[0], DAIRY[1] + 0.0092 * km
    session.flush()
    return made


def _order(session: Session, route_id: int) -> list[int]:
    session.expire_all()
    return [c.id for c in stops.stops_of(session, route_id)]


def test_the_route_page_offers_the_suggestion_and_says_how_many_stops_are_located(
    admin_client: TestClient, session: Session, day: Day
) -> None:
    factories.customer(session, route=day.route, name="Not located")

    page = admin_client.get(f"/admin/routes/{day.route.id}")

    assert page.status_code == 200
    assert "3 of 4 stops have a location" in page.text
    assert "Stops without one keep their numbers" in page.text
    assert f'href="/admin/routes/{day.route.id}/stops/suggestion"' in page.text


def test_the_suggestion_shows_both_orders_and_the_distance_saved_then_applies_on_confirmation(
    admin_client: TestClient, session: Session, day: Day
) -> None:
    ids = [c.id for c in day.customers]
    url = f"/admin/routes/{day.route.id}/stops/suggestion"

    page = admin_client.get(url)

    assert page.status_code == 200
    text = page.text
    # Now: 2 km, back 1 km, out 2 km = 5 km; suggested: 1, 2, 3 km out = 3 km.
    km = {
        which: float(re.search(rf'id="{which}-km">([0-9.]+) km', text).group(1))  # type: ignore[union-attr]
        for which in ("before", "after", "saved")
    }
    assert km["before"] == pytest.approx(5.0, abs=0.03)
    assert km["after"] == pytest.approx(3.0, abs=0.03)
    assert km["saved"] == pytest.approx(km["before"] - km["after"], abs=0.011)
    assert 'name="csrf_token"' in text
    hidden = [int(i) for i in re.findall(r'name="customer_id" value="(\d+)"', text)]
    assert hidden == [ids[1], ids[0], ids[2]]
    assert _order(session, day.route.id) == ids  # showing it changed nothing

    applied = admin_client.post(url, data={"customer_id": hidden}, follow_redirects=False)

    assert applied.status_code == 303
    assert applied.headers["location"].endswith("done=reordered#stops")
    assert _order(session, day.route.id) == [ids[1], ids[0], ids[2]]


def test_a_suggestion_from_before_a_new_customer_changes_nothing_and_says_so(
    admin_client: TestClient, session: Session, day: Day
) -> None:
    ids = [c.id for c in day.customers]
    factories.customer(session, route=day.route, name="Joined meanwhile")
    before = _order(session, day.route.id)

    applied = admin_client.post(
        f"/admin/routes/{day.route.id}/stops/suggestion",
        data={"customer_id": [ids[1], ids[0], ids[2]]},
    )

    assert applied.status_code == 200
    assert "The stop order was not changed" in applied.text
    assert _order(session, day.route.id) == before


def test_a_location_sent_from_a_stop_is_approved_on_the_route_page(
    admin_client: TestClient, session: Session, day: Day
) -> None:
    customer = day.customers[0]
    sent = admin_client.post(
        "/api/v1/delivery-boy/stop-location",
        json={"customer_id": customer.id, "latitude": 12.94, "longitude": 77.62},
        headers=day.boy.headers,
    )
    assert sent.status_code == 200

    page = admin_client.get(f"/admin/routes/{day.route.id}")
    assert 'Locations to approve <span class="muted">(1)</span>' in page.text
    assert f"by {day.boy.user.name}" in page.text

    approved = admin_client.post(f"/admin/routes/{day.route.id}/locations/{customer.id}/approve")

    assert approved.status_code == 200
    assert "Location approved" in approved.text
    session.expire_all()
    located = session.get(Customer, customer.id)
    assert located is not None
    assert (located.latitude, located.longitude) == (12.94, 77.62)
    twice = admin_client.post(f"/admin/routes/{day.route.id}/locations/{customer.id}/reject")
    assert "already approved or rejected" in twice.text


def test_the_route_day_shows_each_marks_distance_from_the_door_and_flags_far_ones(
    admin_client: TestClient, session: Session, day: Day
) -> None:
    doors = [c.longitude for c in day.customers[:2]]
    for n, (door, metres_east) in enumerate(zip(doors, (30, 400), strict=True)):
        assert door is not None
        body = day.body(
            n,
            latitude=DAIRY[0],
            longitude=door + metres_east / 108_500,
            accuracy_m=12,
        )
        response = admin_client.post(
            "/api/v1/delivery-boy/mark-delivered", json=body, headers=day.boy.headers
        )
        assert response.status_code == 200, response.text

    page = admin_client.get(f"/admin/routes/{day.route.id}/day", params={"date": str(day.date)})

    text = page.text
    assert re.search(r"\b(29|30|31) m from the door", text)
    assert re.search(r"\b(39\d|40\d) m from the door <span class=\"badge warn\">far</span>", text)
    assert "<strong>1</strong> marked farther than 100 m" in text
    assert "no location" in text or "±12 m" in text


def test_the_delivery_page_asks_for_the_location_only_when_the_dairy_does(
    client: TestClient, session: Session, day: Day
) -> None:
    client.cookies.set(TOKEN_COOKIE, day.boy.token)

    page = client.get("/delivery")

    assert page.status_code == 200
    assert '<script src="/static/delivery-proof.js" defer></script>' in page.text
    assert '"proof": true' in page.text
    script = client.get("/static/delivery-proof.js")
    assert script.status_code == 200
    assert "watchPosition" in script.text


def test_without_proof_of_delivery_the_page_never_loads_the_location_script(
    database_url: str, database: Database, session: Session
) -> None:
    made = day_factories.delivery_day(session)
    plain = Settings(env="test", database_url=database_url, secret_key=TEST_SECRET)
    with make_client(plain, database) as client:
        client.cookies.set(TOKEN_COOKIE, made.boy.token)
        page = client.get("/delivery")
    assert page.status_code == 200
    assert "delivery-proof.js" not in page.text
