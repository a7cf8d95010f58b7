"""Every state-changing call writes exactly one audit event, in its own transaction, saying who
did what to which record with the values before and after, and never a secret."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun.api.app import API_PREFIX
from milkrun.audit.models import AuditEvent
from tests import factories
from tests.factories import PASSWORD, Login

SECRET_KEYS = {"password", "password_hash", "token", "token_hash", "access_token"}
# The state-changing operations of accounts, customers, catalog and routes; other areas test
# their own trail.
FOUNDATION = {
    ("POST", "/auth/register"),
    ("POST", "/auth/login"),
    ("POST", "/users"),
    ("PATCH", "/users/{user_id}"),
    ("POST", "/customers"),
    ("PATCH", "/customers/{customer_id}"),
    ("POST", "/customers/{customer_id}/user"),
    ("PUT", "/customers/{customer_id}/user"),
    ("DELETE", "/customers/{customer_id}/user"),
    ("POST", "/products"),
    ("PATCH", "/products/{product_id}"),
    ("POST", "/products/{product_id}/prices"),
    ("POST", "/routes"),
    ("PATCH", "/routes/{route_id}"),
}


def walk(value: Any) -> Iterator[tuple[str | None, Any]]:
    """Every (key, value) pair in a JSON document, at any depth."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key, item
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)
    else:
        yield None, value


def assert_no_secrets(document: Any, tokens: list[str]) -> None:
    for key, value in walk(document):
        assert key not in SECRET_KEYS, f"{key} in {document}"
        if isinstance(value, str):
            assert not value.startswith("$argon2"), document
            assert value not in tokens, document


class Trail:
    """Calls the API and returns the audit events each call wrote."""

    def __init__(self, client: TestClient, session: Session) -> None:
        self.client = client
        self.session = session

    def last_id(self) -> int:
        return self.session.scalar(select(func.max(AuditEvent.id))) or 0

    def call(
        self, method: str, path: str, headers: dict[str, str] | None = None, **kw: Any
    ) -> tuple[Any, list[AuditEvent]]:
        before = self.last_id()
        response = self.client.request(method, API_PREFIX + path, headers=headers, **kw)
        self.session.expire_all()
        events = list(
            self.session.scalars(
                select(AuditEvent).where(AuditEvent.id > before).order_by(AuditEvent.id)
            )
        )
        return response, events


def test_every_state_changing_call_writes_one_event(
    client: TestClient, session: Session, admin: Login
) -> None:
    trail = Trail(client, session)
    h = {**admin.headers, "X-Request-ID": "req-audit-1"}
    called: set[tuple[str, str]] = set()
    tokens = [admin.token]

    def one(
        method: str, path: str, template: str, action: str, entity: str, **kw: Any
    ) -> tuple[dict[str, Any], AuditEvent]:
        response, events = trail.call(method, path, **kw)
        assert response.status_code < 300, (method, path, response.text)
        assert len(events) == 1, (method, path, [e.action for e in events])
        event = events[0]
        assert (event.action, event.entity_type) == (action, entity)
        assert_no_secrets(event.before, tokens)
        assert_no_secrets(event.after, tokens)
        called.add((method, template))
        body: dict[str, Any] = response.json() if response.content else {}
        return body, event

    def by_admin(event: AuditEvent) -> None:
        assert event.actor_user_id == admin.user.id
        assert event.actor_label == "admin:Admin"
        assert event.channel == "api"
        assert event.request_id == "req-audit-1"

    # Sign-up: anonymous; the customer and its login in one event.
    body, event = one(
        "POST",
        "/auth/register",
        "/auth/register",
        "customer.register",
        "customer",
        json={
            "name": "Asha Iyer",
            "phone": "9845012345",
            "password": "secret-password-1",
            "address": "12 MG Road",
            "area": "Indiranagar",
        },
    )
    assert event.actor_user_id is None
    assert event.actor_label == "anonymous"
    assert event.entity_id == body["customer"]["id"]
    assert event.customer_id == body["customer"]["id"]
    assert event.before is None
    assert event.after is not None
    assert event.after["phone"] == "+919845012345"
    assert event.after["login"]["id"] == body["user"]["id"]

    # Logging in changes no business record and writes no event.
    login, events = trail.call(
        "POST", "/auth/login", json={"username": "9845012345", "password": "secret-password-1"}
    )
    assert login.status_code == 200
    assert events == []
    tokens.append(login.json()["access_token"])
    called.add(("POST", "/auth/login"))

    staff, event = one(
        "POST",
        "/users",
        "/users",
        "user.create",
        "user",
        headers=h,
        json={"role": "delivery_boy", "name": "Ravi", "phone": "9000000001", "password": PASSWORD},
    )
    by_admin(event)
    assert event.entity_id == staff["id"]
    assert event.after is not None
    assert event.after["role"] == "delivery_boy"

    _, event = one(
        "PATCH",
        f"/users/{staff['id']}",
        "/users/{user_id}",
        "user.update",
        "user",
        headers=h,
        json={"name": "Ravi Kumar", "password": "another-password-2"},
    )
    by_admin(event)
    assert event.before is not None
    assert event.after is not None
    assert (event.before["name"], event.after["name"]) == ("Ravi", "Ravi Kumar")
    assert event.after["password_changed"] is True

    route, event = one(
        "POST",
        "/routes",
        "/routes",
        "route.create",
        "route",
        headers=h,
        json={"name": "North", "area": "Indiranagar", "shift": "morning"},
    )
    by_admin(event)
    assert event.after is not None
    assert event.after["name"] == "North"

    _, event = one(
        "PATCH",
        f"/routes/{route['id']}",
        "/routes/{route_id}",
        "route.update",
        "route",
        headers=h,
        json={"delivery_boy_id": staff["id"]},
    )
    assert event.before is not None
    assert event.after is not None
    assert (event.before["delivery_boy_id"], event.after["delivery_boy_id"]) == (None, staff["id"])

    plain, event = one(
        "POST",
        "/customers",
        "/customers",
        "customer.create",
        "customer",
        headers=h,
        json={"name": "Kiran", "phone": "9845022222", "address": "7 CMH Road", "area": "HAL"},
    )
    by_admin(event)
    assert event.customer_id == plain["id"]
    assert event.after is not None
    assert "login" not in event.after

    with_login, event = one(
        "POST",
        "/customers",
        "/customers",
        "customer.create",
        "customer",
        headers=h,
        json={
            "name": "Meera",
            "phone": "9845033333",
            "address": "1 Double Road",
            "area": "HAL",
            "login": {"password": "meera-password-3"},
        },
    )
    assert event.after is not None
    assert event.after["login"]["role"] == "customer"

    _, event = one(
        "PATCH",
        f"/customers/{plain['id']}",
        "/customers/{customer_id}",
        "customer.update",
        "customer",
        headers=h,
        json={"route_id": route["id"]},
    )
    assert event.before is not None
    assert event.after is not None
    assert (event.before["route_id"], event.after["route_id"]) == (None, route["id"])

    new_login, event = one(
        "POST",
        f"/customers/{plain['id']}/user",
        "/customers/{customer_id}/user",
        "login.create",
        "user",
        headers=h,
        json={"password": "kiran-password-4"},
    )
    assert event.customer_id == plain["id"]
    assert event.entity_id == new_login["id"]

    _, event = one(
        "DELETE",
        f"/customers/{plain['id']}/user",
        "/customers/{customer_id}/user",
        "login.unlink",
        "user",
        headers=h,
    )
    assert event.before is not None
    assert event.after is not None
    assert (event.before["customer_id"], event.after["customer_id"]) == (plain["id"], None)
    assert event.after["is_active"] is False

    _, event = one(
        "PUT",
        f"/customers/{plain['id']}/user",
        "/customers/{customer_id}/user",
        "login.link",
        "user",
        headers=h,
        json={"user_id": new_login["id"]},
    )
    assert event.after is not None
    assert event.after["customer_id"] == plain["id"]

    product, event = one(
        "POST",
        "/products",
        "/products",
        "product.create",
        "product",
        headers=h,
        json={"sku": "TM500", "name": "Toned milk", "unit": "500 ml", "price": "28.00"},
    )
    assert event.after is not None
    assert event.after["price"]["price_paise"] == 2800

    _, event = one(
        "PATCH",
        f"/products/{product['id']}",
        "/products/{product_id}",
        "product.update",
        "product",
        headers=h,
        json={"tax_rate": "5.00"},
    )
    assert event.before is not None
    assert event.after is not None
    assert (event.before["tax_rate_bps"], event.after["tax_rate_bps"]) == (0, 500)

    price, event = one(
        "POST",
        f"/products/{product['id']}/prices",
        "/products/{product_id}/prices",
        "product.price_add",
        "product_price",
        headers=h,
        json={"price": "30.00", "effective_from": "2030-01-01"},
    )
    assert event.entity_id == price["id"]

    # Every state-changing operation of these areas was called above, and exists.
    assert called == FOUNDATION
    paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    for method, path in FOUNDATION:
        assert method.lower() in paths[API_PREFIX + path]
    assert with_login["id"]


def test_a_failed_call_writes_no_event(
    client: TestClient, session: Session, admin: Login, delivery_boy: Login
) -> None:
    trail = Trail(client, session)
    product = factories.product(session, sku="TM500")
    customer = factories.customer_user(session)
    failures = [
        (
            "POST",
            "/products",
            admin.headers,
            {"sku": "TM500", "name": "x", "unit": "u", "price": 1},
        ),
        ("POST", "/products", admin.headers, {"sku": "NEW", "name": "x", "unit": "u", "price": -1}),
        (
            "POST",
            "/products",
            delivery_boy.headers,
            {"sku": "N", "name": "x", "unit": "u", "price": 1},
        ),
        ("POST", "/products", {}, {"sku": "N", "name": "x", "unit": "u", "price": 1}),
        (
            "POST",
            f"/products/{product.id}/prices",
            admin.headers,
            {"price": "1.00", "effective_from": "2026-01-01"},
        ),
        (
            "PUT",
            f"/customers/{customer.customer_id}/user",
            admin.headers,
            {"user_id": admin.user.id},
        ),
        ("POST", "/routes", admin.headers, {"name": "R", "area": "A", "shift": "noon"}),
        (
            "POST",
            "/routes",
            admin.headers,
            {"name": "R", "area": "A", "shift": "morning", "delivery_boy_id": admin.user.id},
        ),
        ("PATCH", "/users/999999", admin.headers, {"name": "Nobody"}),
        (
            "POST",
            "/auth/register",
            {},
            {"name": "A", "phone": "12345", "password": "long-enough", "address": "x", "area": "y"},
        ),
    ]
    for method, path, headers, body in failures:
        response, events = trail.call(method, path, headers=headers, json=body)
        assert response.status_code >= 400, (method, path, response.text)
        assert events == [], (method, path, [e.action for e in events])


def test_audit_events_api_lists_newest_first_and_filters(
    client: TestClient, session: Session, admin: Login
) -> None:
    first = factories.customer(session, name="First")
    second = factories.customer(session, name="Second")
    response = client.get(f"{API_PREFIX}/audit-events", headers=admin.headers)
    assert response.status_code == 200
    ids = [e["id"] for e in response.json()["items"]]
    assert ids == sorted(ids, reverse=True)

    only_first = client.get(
        f"{API_PREFIX}/audit-events", params={"customer_id": first.id}, headers=admin.headers
    ).json()["items"]
    assert [(e["action"], e["entity_id"]) for e in only_first] == [("customer.create", first.id)]
    by_action = client.get(
        f"{API_PREFIX}/audit-events",
        params={"action": "customer.create", "entity_type": "customer", "entity_id": second.id},
        headers=admin.headers,
    ).json()["items"]
    assert [e["customer_id"] for e in by_action] == [second.id]

    for event in client.get(f"{API_PREFIX}/audit-events", headers=admin.headers).json()["items"]:
        assert_no_secrets(event, [admin.token])
