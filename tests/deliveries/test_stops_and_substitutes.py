"""A route's stop order (PUT /routes/{id}/stops) and its substitute delivery boy per date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.audit.models import AuditEvent
from milkrun.customers.models import Customer
from milkrun.routing.models import RouteSubstitute
from tests import factories
from tests.deliveries import factories as day_factories
from tests.deliveries.factories import Day


@pytest.fixture
def day(session: Session) -> Day:
    return day_factories.delivery_day(session, stops=4)


def _sequence(session: Session, day: Day) -> list[int]:
    rows = session.execute(
        select(Customer.id)
        .where(Customer.route_id == day.route.id)
        .order_by(Customer.stop_sequence)
        .execution_options(populate_existing=True)
    )
    return [row.id for row in rows]


def test_the_stops_are_numbered_in_the_order_given_and_the_change_is_audited(
    client: TestClient, session: Session, day: Day, admin: factories.Login
) -> None:
    ids = [c.id for c in day.customers]
    wanted = [ids[2], ids[0], ids[3], ids[1]]

    response = client.put(
        f"/api/v1/routes/{day.route.id}/stops", json={"customer_ids": wanted}, headers=admin.headers
    )

    assert response.status_code == 200, response.text
    assert [s["customer_id"] for s in response.json()["stops"]] == wanted
    assert [s["sequence"] for s in response.json()["stops"]] == [1, 2, 3, 4]
    assert _sequence(session, day) == wanted
    listed = client.get(f"/api/v1/routes/{day.route.id}/stops", headers=admin.headers).json()
    assert [s["customer_id"] for s in listed["stops"]] == wanted
    manifest = client.get(f"/api/v1/routes/{day.route.id}/manifest", headers=admin.headers).json()
    assert [s["customer"]["id"] for s in manifest["stops"]] == wanted
    (event,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "route.stops")).all()
    assert event.before == {"customer_ids": ids}
    assert event.after == {"customer_ids": wanted}
    assert event.actor_user_id == admin.user.id
    # The same order again changes nothing and records nothing.
    again = client.put(
        f"/api/v1/routes/{day.route.id}/stops", json={"customer_ids": wanted}, headers=admin.headers
    )
    assert again.status_code == 200
    assert (
        len(session.scalars(select(AuditEvent).where(AuditEvent.action == "route.stops")).all())
        == 1
    )


@pytest.mark.parametrize(
    ("pick", "code"),
    [
        (lambda ids, other: [ids[0], ids[0], ids[1], ids[2], ids[3]], "duplicate_stops"),
        (lambda ids, other: [*ids, other], "customer_not_on_route"),
        (lambda ids, other: ids[:3], "stops_incomplete"),
    ],
)
def test_a_stop_order_that_is_not_exactly_the_routes_customers_is_refused(
    client: TestClient,
    session: Session,
    day: Day,
    admin: factories.Login,
    pick: Callable[[list[int], int], list[int]],
    code: str,
) -> None:
    ids = [c.id for c in day.customers]
    other = factories.customer(session, route=factories.route(session)).id
    before = _sequence(session, day)

    response = client.put(
        f"/api/v1/routes/{day.route.id}/stops",
        json={"customer_ids": pick(ids, other)},
        headers=admin.headers,
    )

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert _sequence(session, day) == before


def test_stops_of_an_unknown_route_and_an_empty_list(
    client: TestClient, day: Day, admin: factories.Login
) -> None:
    unknown = client.put(
        "/api/v1/routes/2000000000/stops", json={"customer_ids": [1]}, headers=admin.headers
    )
    empty = client.put(
        f"/api/v1/routes/{day.route.id}/stops", json={"customer_ids": []}, headers=admin.headers
    )

    assert unknown.status_code == 404
    assert empty.status_code == 422


def test_a_substitute_is_set_listed_replaced_and_removed(
    client: TestClient, session: Session, day: Day, admin: factories.Login
) -> None:
    first = factories.delivery_boy_user(session, name="Suresh")
    second = factories.delivery_boy_user(session, name="Manju")
    date = (day.date + dt.timedelta(days=1)).isoformat()
    url = f"/api/v1/routes/{day.route.id}/substitutes"

    created = client.put(f"{url}/{date}", json={"delivery_boy_id": first.id}, headers=admin.headers)
    replaced = client.put(
        f"{url}/{date}", json={"delivery_boy_id": second.id}, headers=admin.headers
    )
    listed = client.get(url, headers=admin.headers)

    assert created.status_code == replaced.status_code == 200
    assert replaced.json()["delivery_boy_id"] == second.id
    assert [(s["delivery_date"], s["delivery_boy_id"]) for s in listed.json()] == [
        (date, second.id)
    ]
    assert client.delete(f"{url}/{date}", headers=admin.headers).status_code == 204
    assert session.scalars(select(RouteSubstitute)).all() == []
    missing = client.delete(f"{url}/{date}", headers=admin.headers)
    assert missing.status_code == 404
    assert missing.json()["code"] == "substitute_not_found"
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("route.substitute.%"))
    ).all()
    assert actions == ["route.substitute.set", "route.substitute.set", "route.substitute.remove"]


def test_a_substitute_must_be_an_active_delivery_boy(
    client: TestClient, day: Day, admin: factories.Login, customer: factories.Login
) -> None:
    url = f"/api/v1/routes/{day.route.id}/substitutes/{day.date.isoformat()}"

    response = client.put(url, json={"delivery_boy_id": customer.user.id}, headers=admin.headers)

    assert response.status_code == 400
    assert response.json()["code"] == "not_a_delivery_boy"


@pytest.mark.parametrize("with_substitute", [False, True])
def test_nobody_walks_a_retired_route_the_manifest_and_the_marking_agree(
    client: TestClient,
    session: Session,
    day: Day,
    admin: factories.Login,
    with_substitute: bool,
) -> None:
    """A route no longer active is walked by nobody: its manifest names no delivery boy, the
    boy's own manifests leave it out, and he may not mark its orders (an admin still may)."""
    walker = day.boy
    if with_substitute:
        walker = factories.login(session, factories.delivery_boy_user(session, name="Suresh"))
        session.add(
            RouteSubstitute(
                route_id=day.route.id, delivery_date=day.date, delivery_boy_id=walker.user.id
            )
        )
    date = {"date": day.date.isoformat()}

    def walked() -> tuple[object, list[int], int]:
        manifest = client.get(
            f"/api/v1/routes/{day.route.id}/manifest", params=date, headers=admin.headers
        ).json()
        mine = client.get(
            "/api/v1/delivery-boy/manifest", params=date, headers=walker.headers
        ).json()
        mark = client.post(
            "/api/v1/delivery-boy/mark-delivered", json=day.body(0), headers=walker.headers
        )
        return (
            manifest["delivery_boy"],
            [r["route"]["id"] for r in mine["routes"]],
            mark.status_code,
        )

    day.route.is_active = False
    session.flush()
    assert walked() == (None, [], 403)
    assert (
        client.post(
            "/api/v1/delivery-boy/mark-delivered", json=day.body(0), headers=admin.headers
        ).status_code
        == 200
    )

    day.route.is_active = True
    session.flush()
    boy, routes, status = walked()
    assert boy == {"id": walker.user.id, "name": walker.user.name}
    assert routes == [day.route.id]
    assert status == 200
