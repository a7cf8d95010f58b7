"""The owner's routes (/admin/routes): the list with its count, a new route, a route's page with
its details, its stop order (a stop moved up or down, a customer put in at a stop number) and
the substitutes to come; bad input re-renders with the typed values and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit.models import AuditEvent
from milkrun.customers import stops
from milkrun.customers.models import Customer
from milkrun.http.deps import TOKEN_COOKIE
from milkrun.routing import service as routing_service
from milkrun.routing.models import Route
from tests import factories
from tests.factories import ACTOR, Login


@pytest.fixture(autouse=True)
def _today() -> None:
    clock.freeze(dt.datetime(2026, 12, 1, 4, 30, tzinfo=dt.UTC))


@pytest.fixture
def admin_client(client: TestClient, admin: Login) -> TestClient:
    client.cookies.set(TOKEN_COOKIE, admin.token)
    return client


def _order(session: Session, route: Route) -> list[str]:
    session.expire_all()
    return [c.name for c in stops.stops_of(session, route.id)]


def _route_with_stops(session: Session, *names: str) -> Route:
    route = factories.route(session, name="Indiranagar North")
    customers = [factories.customer(session, route=route, name=n) for n in names]
    stops.set_stop_order(session, route.id, [c.id for c in customers], ACTOR)
    return route


def test_the_list_counts_the_routes_and_names_who_walks_them(
    admin_client: TestClient, session: Session
) -> None:
    boy = factories.delivery_boy_user(session, name="Ravi Kumar")
    factories.route(session, delivery_boy=boy, name="Indiranagar North")
    factories.route(session, name="Domlur")

    page = admin_client.get("/admin/routes")

    assert page.status_code == 200
    assert "Showing 2 of 2 routes" in page.text
    assert "Ravi Kumar" in page.text
    assert "nobody" in page.text


def test_adding_a_route_and_a_refusal(admin_client: TestClient, session: Session) -> None:
    boy = factories.delivery_boy_user(session, name="Ravi Kumar")
    form = {
        "name": "HAL 2nd Stage",
        "area": "HAL",
        "shift": "evening",
        "delivery_boy_id": str(boy.id),
    }

    done = admin_client.post("/admin/routes/new", data=form)

    assert done.status_code == 200
    assert "Route added." in done.text
    route = session.scalars(select(Route).where(Route.name == "HAL 2nd Stage")).one()
    assert (route.shift, route.delivery_boy_id) == ("evening", boy.id)

    again = admin_client.post("/admin/routes/new", data={**form, "area": "HAL III"})
    assert again.status_code == 409
    assert "already exists" in again.text
    assert 'value="HAL III"' in again.text
    bad_shift = admin_client.post("/admin/routes/new", data={**form, "name": "X", "shift": "night"})
    assert bad_shift.status_code == 400
    assert "Choose morning or evening" in bad_shift.text
    assert session.scalar(select(func.count()).select_from(Route)) == 1


def test_editing_a_route_gives_it_a_delivery_boy_or_retires_it(
    admin_client: TestClient, session: Session
) -> None:
    route = factories.route(session, name="Domlur")
    boy = factories.delivery_boy_user(session, name="Suresh")
    form = {"name": "Domlur", "area": "Domlur", "shift": "morning", "delivery_boy_id": str(boy.id)}

    page = admin_client.post(f"/admin/routes/{route.id}", data={**form, "is_active": "yes"})

    assert "Route saved." in page.text
    assert "walked by\n  <strong>Suresh</strong>" in page.text
    session.refresh(route)
    assert (route.delivery_boy_id, route.is_active) == (boy.id, True)

    admin_client.post(f"/admin/routes/{route.id}", data={**form, "delivery_boy_id": ""})
    session.refresh(route)
    assert (route.delivery_boy_id, route.is_active) == (None, False)


def test_a_route_cannot_get_a_customer_as_its_delivery_boy(
    admin_client: TestClient, session: Session, customer: Login
) -> None:
    route = factories.route(session, name="Domlur")
    form = {"name": "Domlur 2", "area": "Domlur", "shift": "morning"}

    page = admin_client.post(
        f"/admin/routes/{route.id}",
        data={**form, "delivery_boy_id": str(customer.user.id), "is_active": "yes"},
    )

    assert page.status_code == 400
    assert "is not an active delivery boy" in page.text
    assert 'value="Domlur 2"' in page.text
    session.refresh(route)
    assert route.name == "Domlur"


def test_moving_a_stop_up_and_down(admin_client: TestClient, session: Session) -> None:
    route = _route_with_stops(session, "Asha", "Meera", "Kiran")
    kiran = session.scalars(select(Customer).where(Customer.name == "Kiran")).one()
    url = f"/admin/routes/{route.id}/stops/move"

    page = admin_client.post(url, data={"customer_id": str(kiran.id), "steps": "-1"})

    assert "Stop order saved." in page.text
    assert _order(session, route) == ["Asha", "Kiran", "Meera"]
    assert page.text.index("Kiran") < page.text.index("Meera")
    admin_client.post(url, data={"customer_id": str(kiran.id), "steps": "-1"})
    admin_client.post(url, data={"customer_id": str(kiran.id), "steps": "-1"})  # already first
    assert _order(session, route) == ["Kiran", "Asha", "Meera"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"steps": "5"}, "Move a stop with its up or down button"),
        ({"customer_id": "abc"}, "Move a stop with its up or down button"),
        ({"customer_id": "other"}, "is not an active customer of route"),
    ],
)
def test_a_refused_move_changes_nothing(
    admin_client: TestClient, session: Session, data: dict[str, str], message: str
) -> None:
    route = _route_with_stops(session, "Asha", "Meera")
    stranger = factories.customer(session, name="Stranger")
    meera = session.scalars(select(Customer).where(Customer.name == "Meera")).one()
    form = {"customer_id": str(meera.id), "steps": "-1", **data}
    if form["customer_id"] == "other":
        form["customer_id"] = str(stranger.id)

    page = admin_client.post(f"/admin/routes/{route.id}/stops/move", data=form)

    assert page.status_code == 400
    assert message in page.text
    assert _order(session, route) == ["Asha", "Meera"]


def test_putting_a_customer_in_at_a_stop_number(admin_client: TestClient, session: Session) -> None:
    route = _route_with_stops(session, "Asha", "Meera", "Kiran")
    other = _route_with_stops_named(session, "Domlur", "Anil")
    waiting = factories.customer(session, name="Neha", phone_number="+919845012345")
    anil = session.scalars(select(Customer).where(Customer.name == "Anil")).one()
    url = f"/admin/routes/{route.id}/stops/place"

    page = admin_client.get(f"/admin/routes/{route.id}")
    assert f"#{waiting.id} Neha" in page.text  # waiting for a route

    admin_client.post(url, data={"customer": "98450 12345", "position": "2"})
    assert _order(session, route) == ["Asha", "Neha", "Meera", "Kiran"]
    admin_client.post(url, data={"customer": f"#{anil.id}", "position": "99"})
    assert _order(session, route) == ["Asha", "Neha", "Meera", "Kiran", "Anil"]
    assert _order(session, other) == []


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"position": "0"}, 400, "Stop numbers start at 1"),
        ({"position": "two"}, 400, "Give the stop number"),
        ({"customer": "99999"}, 400, "There is no active customer 99999"),
        ({"customer": "98450 99999"}, 400, "No active customer has the phone"),
        ({"customer": ""}, 400, "Say which customer"),
    ],
)
def test_a_refused_placing_keeps_the_form_and_changes_nothing(
    admin_client: TestClient, session: Session, data: dict[str, str], status: int, message: str
) -> None:
    route = _route_with_stops(session, "Asha")
    neha = factories.customer(session, name="Neha")
    events = session.scalar(select(func.count()).select_from(AuditEvent))
    form = {"customer": str(neha.id), "position": "1", **data}

    page = admin_client.post(f"/admin/routes/{route.id}/stops/place", data=form)

    assert page.status_code == status
    assert message in page.text
    assert f'value="{form["position"]}"' in page.text
    assert _order(session, route) == ["Asha"]
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_the_route_page_shows_the_substitutes_to_come(
    admin_client: TestClient, session: Session
) -> None:
    route = factories.route(session, name="Domlur")
    sub = factories.delivery_boy_user(session, name="Suresh Sub")
    routing_service.set_substitute(session, route.id, dt.date(2026, 12, 3), sub.id, ACTOR)
    routing_service.set_substitute(session, route.id, dt.date(2026, 11, 20), sub.id, ACTOR)

    page = admin_client.get(f"/admin/routes/{route.id}")

    assert "Thu 03 Dec 2026" in page.text
    assert "Suresh Sub" in page.text
    assert "20 Nov 2026" not in page.text  # past
    assert f"/admin/routes/{route.id}/day?date=2026-12-03" in page.text


def test_an_unknown_route_is_a_not_found_page(admin_client: TestClient) -> None:
    assert admin_client.get("/admin/routes/99999").status_code == 404
    moved = admin_client.post(
        "/admin/routes/99999/stops/move", data={"customer_id": "1", "steps": "1"}
    )
    assert moved.status_code == 404


def _route_with_stops_named(session: Session, route_name: str, *names: str) -> Route:
    route = factories.route(session, name=route_name)
    for n in names:
        factories.customer(session, route=route, name=n)
    return route
