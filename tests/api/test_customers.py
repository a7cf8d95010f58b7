"""Customers and their logins, as an admin manages them, and what a customer may see."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun.auth.models import User
from milkrun.customers.models import Customer
from tests import factories
from tests.factories import PASSWORD, Login

CUSTOMERS = "/api/v1/customers"


def new_customer(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Kiran Rao",
        "phone": "+91 98450 22222",
        "email": None,
        "address": "7 CMH Road",
        "area": "Indiranagar",
    }
    body.update(changes)
    return body


def _login(client: TestClient, username: str, password: str = PASSWORD) -> int:
    response = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    return int(response.status_code)


def _count(session: Session, model: type[Any]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_admin_creates_a_customer_without_a_login(
    client: TestClient, admin: Login, session: Session
) -> None:
    route = factories.route(session)
    response = client.post(
        CUSTOMERS, json=new_customer(route_id=route.id, name="  Kiran Rao "), headers=admin.headers
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["name"] == "Kiran Rao"
    assert body["phone"] == "+919845022222"
    assert body["route_id"] == route.id
    assert body["is_active"] is True
    login = client.get(f"{CUSTOMERS}/{body['id']}/user", headers=admin.headers)
    assert login.status_code == 404
    assert login.json()["code"] == "no_login"


def test_admin_creates_a_customer_with_a_login(client: TestClient, admin: Login) -> None:
    response = client.post(
        CUSTOMERS,
        json=new_customer(email="Kiran@Example.com", login={"password": PASSWORD}),
        headers=admin.headers,
    )
    assert response.status_code == 201, response.text
    customer_id = response.json()["id"]
    login = client.get(f"{CUSTOMERS}/{customer_id}/user", headers=admin.headers)
    assert login.status_code == 200
    assert login.json()["customer_id"] == customer_id
    assert login.json()["role"] == "customer"
    assert _login(client, "98450 22222") == 200
    assert _login(client, "kiran@example.com") == 200


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"phone": "12"}, 422, "validation_failed"),
        ({"phone": "12345"}, 400, "invalid_phone"),
        ({"name": ""}, 422, "validation_failed"),
        ({"address": "   "}, 422, "validation_failed"),
        ({"route_id": 999999}, 400, "route_not_found"),
        ({"route_id": 0}, 422, "validation_failed"),
        ({"login": {"password": "short"}}, 422, "validation_failed"),
        ({"login": {}}, 422, "validation_failed"),
        ({"stop_sequence": 3}, 422, "validation_failed"),
        ({"email": "nope"}, 422, "validation_failed"),
    ],
)
def test_bad_customers_are_refused_and_nothing_is_written(
    client: TestClient,
    admin: Login,
    session: Session,
    changes: dict[str, Any],
    status: int,
    code: str,
) -> None:
    customers, users = _count(session, Customer), _count(session, User)
    response = client.post(CUSTOMERS, json=new_customer(**changes), headers=admin.headers)
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    assert _count(session, Customer) == customers
    assert _count(session, User) == users


def test_a_phone_is_unique_among_active_customers(
    client: TestClient, admin: Login, session: Session
) -> None:
    first = client.post(CUSTOMERS, json=new_customer(), headers=admin.headers).json()
    again = client.post(CUSTOMERS, json=new_customer(phone="09845022222"), headers=admin.headers)
    assert again.status_code == 409
    assert again.json()["code"] == "phone_taken"

    # Once the first customer is inactive, the phone is free again ...
    update = client.patch(
        f"{CUSTOMERS}/{first['id']}", json={"is_active": False}, headers=admin.headers
    )
    assert update.status_code == 200, update.text
    second = client.post(CUSTOMERS, json=new_customer(), headers=admin.headers)
    assert second.status_code == 201
    # ... and the first cannot come back while the second holds it.
    back = client.patch(
        f"{CUSTOMERS}/{first['id']}", json={"is_active": True}, headers=admin.headers
    )
    assert back.status_code == 409
    assert back.json()["code"] == "phone_taken"
    assert session.get(Customer, first["id"]).is_active is False  # type: ignore[union-attr]


def test_update_a_customer(client: TestClient, admin: Login, session: Session) -> None:
    route = factories.route(session)
    customer = factories.customer(session)
    response = client.patch(
        f"{CUSTOMERS}/{customer.id}",
        json={"address": " 9 Double Road ", "route_id": route.id, "email": "K@X.IN"},
        headers=admin.headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["address"] == "9 Double Road"
    assert body["route_id"] == route.id
    assert body["email"] == "k@x.in"

    cleared = client.patch(
        f"{CUSTOMERS}/{customer.id}", json={"route_id": None}, headers=admin.headers
    )
    assert cleared.json()["route_id"] is None

    for bad in ({"name": None}, {"phone": "1"}, {"nickname": "K"}, {"area": ""}):
        refused = client.patch(f"{CUSTOMERS}/{customer.id}", json=bad, headers=admin.headers)
        assert refused.status_code == 422, (bad, refused.text)
    missing = client.patch(f"{CUSTOMERS}/999999", json={"area": "HSR"}, headers=admin.headers)
    assert missing.status_code == 404


def test_list_and_search_customers(client: TestClient, admin: Login, session: Session) -> None:
    factories.customer(session, name="Meera Nair", phone_number="+919845033333")
    factories.customer(session, name="Anil Shetty")
    names = {c["name"] for c in client.get(CUSTOMERS, headers=admin.headers).json()["items"]}
    assert {"Meera Nair", "Anil Shetty"} <= names
    found = client.get(CUSTOMERS, params={"q": "meera"}, headers=admin.headers).json()["items"]
    assert [c["name"] for c in found] == ["Meera Nair"]
    by_phone = client.get(CUSTOMERS, params={"q": "45033333"}, headers=admin.headers).json()
    assert [c["name"] for c in by_phone["items"]] == ["Meera Nair"]


# --- logins -------------------------------------------------------------------------------------


def test_unlink_disables_the_login_and_relinking_enables_it(
    client: TestClient, admin: Login, session: Session, customer: Login
) -> None:
    customer_id = customer.user.customer_id
    phone = customer.user.phone
    assert customer_id is not None
    assert phone is not None
    assert _login(client, phone) == 200

    unlinked = client.delete(f"{CUSTOMERS}/{customer_id}/user", headers=admin.headers)
    assert unlinked.status_code == 204, unlinked.text
    session.refresh(customer.user)
    assert customer.user.customer_id is None
    assert customer.user.is_active is False
    assert _login(client, phone) == 401
    assert client.get("/api/v1/auth/me", headers=customer.headers).status_code == 401
    assert client.get(f"{CUSTOMERS}/{customer_id}/user", headers=admin.headers).status_code == 404
    again = client.delete(f"{CUSTOMERS}/{customer_id}/user", headers=admin.headers)
    assert again.status_code == 404

    # An unlinked login cannot simply be switched back on: it must be linked.
    enable = client.patch(
        f"/api/v1/users/{customer.user.id}", json={"is_active": True}, headers=admin.headers
    )
    assert enable.status_code == 409
    assert enable.json()["code"] == "login_not_linked"

    relinked = client.put(
        f"{CUSTOMERS}/{customer_id}/user", json={"user_id": customer.user.id}, headers=admin.headers
    )
    assert relinked.status_code == 200, relinked.text
    assert relinked.json()["customer_id"] == customer_id
    assert relinked.json()["is_active"] is True
    assert _login(client, phone) == 200
    assert client.get("/api/v1/auth/me", headers=customer.headers).status_code == 200


def test_link_a_login_to_another_customer(
    client: TestClient, admin: Login, session: Session, customer: Login
) -> None:
    old_customer = customer.user.customer_id
    assert old_customer is not None
    new_home = factories.customer(session, name="Same person, new flat")
    assert (
        client.delete(f"{CUSTOMERS}/{old_customer}/user", headers=admin.headers).status_code == 204
    )
    linked = client.put(
        f"{CUSTOMERS}/{new_home.id}/user", json={"user_id": customer.user.id}, headers=admin.headers
    )
    assert linked.status_code == 200
    me = client.get("/api/v1/auth/me", headers=customer.headers).json()
    assert me["customer"]["id"] == new_home.id


def test_linking_refusals(
    client: TestClient, admin: Login, session: Session, customer: Login, delivery_boy: Login
) -> None:
    other = factories.customer_user(session, name="Other")
    lonely = factories.customer(session, name="No login yet")
    assert customer.user.customer_id is not None

    def link(customer_id: int, user_id: int) -> tuple[int, str]:
        response = client.put(
            f"{CUSTOMERS}/{customer_id}/user", json={"user_id": user_id}, headers=admin.headers
        )
        return response.status_code, response.json().get("code", "")

    assert link(lonely.id, delivery_boy.user.id) == (400, "not_a_customer_login")
    assert link(lonely.id, other.id) == (409, "login_already_linked")
    assert link(customer.user.customer_id, other.id) == (409, "login_already_linked")
    assert link(lonely.id, 999999) == (404, "user_not_found")
    assert link(999999, other.id) == (404, "customer_not_found")
    # Linking a login to the customer it already belongs to changes nothing.
    assert link(customer.user.customer_id, customer.user.id)[0] == 200

    for bad in ({}, {"user_id": "x"}, {"user_id": 1, "extra": 1}, {"user_id": -1}):
        response = client.put(f"{CUSTOMERS}/{lonely.id}/user", json=bad, headers=admin.headers)
        assert response.status_code == 422, bad


def test_create_a_login_for_a_customer_that_has_none(
    client: TestClient, admin: Login, session: Session
) -> None:
    lonely = factories.customer(session, phone_number="+919845044444")
    created = client.post(
        f"{CUSTOMERS}/{lonely.id}/user", json={"password": PASSWORD}, headers=admin.headers
    )
    assert created.status_code == 201, created.text
    assert created.json()["customer_id"] == lonely.id
    assert _login(client, "9845044444") == 200
    twice = client.post(
        f"{CUSTOMERS}/{lonely.id}/user", json={"password": PASSWORD}, headers=admin.headers
    )
    assert twice.status_code == 409
    assert twice.json()["code"] == "customer_has_login"


# --- what a customer sees ------------------------------------------------------------------------


def test_a_customer_reads_itself_but_no_other_customer(
    client: TestClient, session: Session, customer: Login, delivery_boy: Login
) -> None:
    other = factories.customer(session, name="Someone else")
    own = client.get(f"{CUSTOMERS}/{customer.user.customer_id}", headers=customer.headers)
    assert own.status_code == 200
    assert own.json()["id"] == customer.user.customer_id

    theirs = client.get(f"{CUSTOMERS}/{other.id}", headers=customer.headers)
    assert theirs.status_code == 404
    missing = client.get(f"{CUSTOMERS}/999999", headers=customer.headers)
    assert missing.status_code == 404
    # Another's record and a missing one look the same: ids reveal nothing.
    assert theirs.json()["code"] == missing.json()["code"] == "customer_not_found"

    assert client.get(f"{CUSTOMERS}/{other.id}", headers=delivery_boy.headers).status_code == 403
    assert client.get(CUSTOMERS, headers=customer.headers).status_code == 403
