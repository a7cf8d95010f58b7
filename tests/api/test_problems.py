"""Errors are RFC 9457 problem details with a stable code; lists page with limit and cursor."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from milkrun.api.app import API_PREFIX
from tests import factories
from tests.factories import Login

PROBLEM_FIELDS = {"type", "title", "status", "detail", "code"}


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body.keys() >= PROBLEM_FIELDS
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == f"https://milkrun.dev/problems/{code.replace('_', '-')}"
    assert body["title"]
    assert body["detail"]
    return body


def test_unknown_paths_are_problems(client: TestClient, admin: Login) -> None:
    assert_problem(client.get(f"{API_PREFIX}/no-such-thing"), 404, "not_found")
    assert_problem(client.get("/no-such-page", headers=admin.headers), 404, "not_found")


def test_a_wrong_method_is_a_problem(client: TestClient, admin: Login) -> None:
    response = client.delete(f"{API_PREFIX}/products", headers=admin.headers)
    assert_problem(response, 405, "method_not_allowed")


def test_a_malformed_body_is_a_422_problem_listing_the_fields(
    client: TestClient, admin: Login
) -> None:
    response = client.post(
        f"{API_PREFIX}/routes",
        json={"name": "", "shift": "noon", "colour": "red"},
        headers=admin.headers,
    )
    body = assert_problem(response, 422, "validation_failed")
    for field in ("name", "area", "shift", "colour"):
        assert field in body["detail"]
    assert {tuple(e["loc"])[-1] for e in body["errors"]} >= {"name", "area", "shift", "colour"}


def test_a_body_that_is_not_json_is_a_422_problem(client: TestClient, admin: Login) -> None:
    response = client.post(
        f"{API_PREFIX}/routes",
        content=b"{not json",
        headers={**admin.headers, "Content-Type": "application/json"},
    )
    assert_problem(response, 422, "validation_failed")


def test_business_refusals_are_problems(
    client: TestClient, admin: Login, customer: Login, session: Session
) -> None:
    factories.product(session, sku="TM500")
    assert_problem(
        client.post(
            f"{API_PREFIX}/products",
            json={"sku": "TM500", "name": "x", "unit": "u", "price": "1"},
            headers=admin.headers,
        ),
        409,
        "sku_taken",
    )
    assert_problem(
        client.get(f"{API_PREFIX}/routes/999999", headers=admin.headers), 404, "route_not_found"
    )
    assert_problem(client.get(f"{API_PREFIX}/routes", headers=customer.headers), 403, "forbidden")
    assert_problem(client.get(f"{API_PREFIX}/routes"), 401, "not_authenticated")
    assert_problem(
        client.post(
            f"{API_PREFIX}/customers",
            json={"name": "A", "phone": "12345", "address": "x", "area": "y"},
            headers=admin.headers,
        ),
        400,
        "invalid_phone",
    )


def test_responses_carry_a_request_id(client: TestClient) -> None:
    assert len(client.get("/healthz").headers["x-request-id"]) == 32
    echoed = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert echoed.headers["x-request-id"] == "abc-123"


# --- pagination ---------------------------------------------------------------------------------


def walk_pages(
    client: TestClient, url: str, headers: dict[str, str], limit: int, **filters: Any
) -> list[int]:
    ids: list[int] = []
    cursor: str | None = None
    for _ in range(1000):
        params: dict[str, Any] = {"limit": limit, **filters}
        if cursor is not None:
            params["cursor"] = cursor
        response = client.get(url, params=params, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["items"]) <= limit
        ids.extend(item["id"] for item in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return ids
    raise AssertionError("the pages never end")


@pytest.mark.parametrize("limit", [1, 4, 7, 23, 500])
def test_paging_walks_every_customer_exactly_once(
    client: TestClient, admin: Login, session: Session, limit: int
) -> None:
    made = [factories.customer(session, name=f"Customer {n}").id for n in range(23)]
    ids = walk_pages(client, f"{API_PREFIX}/customers", admin.headers, limit)
    assert ids == sorted(made)


def test_the_audit_trail_pages_newest_first(
    client: TestClient, admin: Login, session: Session
) -> None:
    for n in range(9):
        factories.customer(session, name=f"Customer {n}")
    ids = walk_pages(client, f"{API_PREFIX}/audit-events", admin.headers, 4)
    assert ids == sorted(ids, reverse=True)
    assert len(ids) == len(set(ids))
    assert len(ids) >= 9


def test_paging_with_a_filter(client: TestClient, admin: Login, session: Session) -> None:
    route = factories.route(session)
    on_route = [factories.customer(session, route=route).id for _ in range(5)]
    for _ in range(5):
        factories.customer(session)
    ids = walk_pages(client, f"{API_PREFIX}/customers", admin.headers, 2, route_id=route.id)
    assert ids == on_route


def _cursor(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!",
        "%%%",
        _cursor("id:"),
        _cursor("id:abc"),
        _cursor("page:3"),
        _cursor("id:-5"),
        _cursor(f"id:{10**20}"),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    ],
)
def test_a_cursor_this_api_did_not_give_out_is_400(
    client: TestClient, admin: Login, cursor: str
) -> None:
    response = client.get(
        f"{API_PREFIX}/customers", params={"cursor": cursor}, headers=admin.headers
    )
    assert_problem(response, 400, "invalid_cursor")


@pytest.mark.parametrize("limit", ["0", "-1", "501", "ten"])
def test_a_limit_out_of_range_is_422(client: TestClient, admin: Login, limit: str) -> None:
    response = client.get(f"{API_PREFIX}/customers", params={"limit": limit}, headers=admin.headers)
    assert_problem(response, 422, "validation_failed")


@pytest.mark.parametrize("value", ["0", "-3", str(2**31), "1.5", "x"])
def test_ids_out_of_range_are_422_not_server_errors(
    client: TestClient, admin: Login, value: str
) -> None:
    assert_problem(
        client.get(f"{API_PREFIX}/customers/{value}", headers=admin.headers),
        422,
        "validation_failed",
    )
    assert_problem(
        client.get(f"{API_PREFIX}/customers", params={"route_id": value}, headers=admin.headers),
        422,
        "validation_failed",
    )
