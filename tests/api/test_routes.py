"""Delivery routes over the API: create, read, list, change; their default delivery boy."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun.routing.models import Route
from tests import factories
from tests.factories import Login

ROUTES = "/api/v1/routes"


def route_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"name": "Indiranagar North", "area": "Indiranagar", "shift": "morning"}
    body.update(changes)
    return body


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Route)) or 0


def test_route_crud(client: TestClient, admin: Login, delivery_boy: Login) -> None:
    created = client.post(
        ROUTES, json=route_body(delivery_boy_id=delivery_boy.user.id), headers=admin.headers
    )
    assert created.status_code == 201, created.text
    route = created.json()
    assert route["name"] == "Indiranagar North"
    assert route["shift"] == "morning"
    assert route["delivery_boy_id"] == delivery_boy.user.id
    assert route["is_active"] is True

    url = f"{ROUTES}/{route['id']}"
    assert client.get(url, headers=admin.headers).json() == route
    listed = client.get(ROUTES, headers=admin.headers).json()
    assert route["id"] in [r["id"] for r in listed["items"]]
    mine = client.get(
        ROUTES, params={"delivery_boy_id": delivery_boy.user.id}, headers=admin.headers
    ).json()
    assert [r["id"] for r in mine["items"]] == [route["id"]]

    changed = client.patch(
        url, json={"shift": "evening", "name": "Indiranagar Evening"}, headers=admin.headers
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["shift"], changed.json()["name"]) == ("evening", "Indiranagar Evening")

    cleared = client.patch(url, json={"delivery_boy_id": None}, headers=admin.headers)
    assert cleared.json()["delivery_boy_id"] is None
    retired = client.patch(url, json={"is_active": False}, headers=admin.headers)
    assert retired.json()["is_active"] is False
    assert client.get(f"{ROUTES}/999999", headers=admin.headers).status_code == 404
    assert client.patch(f"{ROUTES}/999999", json={}, headers=admin.headers).status_code == 404


def test_a_route_takes_only_an_active_delivery_boy(
    client: TestClient,
    admin: Login,
    customer: Login,
    delivery_boy: Login,
    session: Session,
) -> None:
    retired = factories.delivery_boy_user(session, name="Retired")
    retired.is_active = False
    session.flush()
    for user_id in (admin.user.id, customer.user.id, retired.id, 999999):
        response = client.post(
            ROUTES, json=route_body(delivery_boy_id=user_id), headers=admin.headers
        )
        assert response.status_code == 400, (user_id, response.text)
        assert response.json()["code"] == "not_a_delivery_boy"
    assert _count(session) == 0

    route = factories.route(session, delivery_boy=delivery_boy.user)
    response = client.patch(
        f"{ROUTES}/{route.id}", json={"delivery_boy_id": admin.user.id}, headers=admin.headers
    )
    assert response.status_code == 400
    assert response.json()["code"] == "not_a_delivery_boy"
    session.refresh(route)
    assert route.delivery_boy_id == delivery_boy.user.id


def test_route_names_are_unique(client: TestClient, admin: Login, session: Session) -> None:
    assert client.post(ROUTES, json=route_body(), headers=admin.headers).status_code == 201
    again = client.post(ROUTES, json=route_body(name=" Indiranagar North "), headers=admin.headers)
    assert again.status_code == 409
    assert again.json()["code"] == "route_name_taken"

    other = factories.route(session, name="Koramangala East")
    renamed = client.patch(
        f"{ROUTES}/{other.id}", json={"name": "Indiranagar North"}, headers=admin.headers
    )
    assert renamed.status_code == 409
    assert renamed.json()["code"] == "route_name_taken"
    # Renaming a route to its own name is no conflict.
    same = client.patch(
        f"{ROUTES}/{other.id}", json={"name": "Koramangala East"}, headers=admin.headers
    )
    assert same.status_code == 200


@pytest.mark.parametrize(
    "changes",
    [
        {"shift": "night"},
        {"shift": None},
        {"name": ""},
        {"name": "   "},
        {"name": "x" * 81},
        {"area": None},
        {"delivery_boy_id": "Ravi"},
        {"delivery_boy_id": 0},
        {"stops": [1, 2]},
    ],
)
def test_malformed_routes_are_422(
    client: TestClient, admin: Login, session: Session, changes: dict[str, Any]
) -> None:
    response = client.post(ROUTES, json=route_body(**changes), headers=admin.headers)
    assert response.status_code == 422, response.text
    assert _count(session) == 0


def test_only_admins_manage_routes(
    client: TestClient, delivery_boy: Login, customer: Login, session: Session
) -> None:
    route = factories.route(session)
    for caller in (delivery_boy, customer):
        assert client.get(ROUTES, headers=caller.headers).status_code == 403
        assert client.post(ROUTES, json=route_body(), headers=caller.headers).status_code == 403
        assert (
            client.patch(f"{ROUTES}/{route.id}", json={"area": "x"}, headers=caller.headers)
        ).status_code == 403
    assert _count(session) == 1
