"""The OpenAPI document tells the truth: null only where null is taken, a price string only in
the form that is read, the 400 refusals an operation can draw, and 405 answers name (Allow)
every method the path takes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import Login

API = "/api/v1"


@pytest.fixture
def document(client: TestClient) -> dict[str, Any]:
    schema: dict[str, Any] = client.get("/openapi.json").json()
    return schema


def _property(document: dict[str, Any], model: str, field: str) -> dict[str, Any]:
    prop: dict[str, Any] = document["components"]["schemas"][model]["properties"][field]
    return prop


def _allows_null(prop: dict[str, Any]) -> bool:
    return {"type": "null"} in prop.get("anyOf", [])


def test_patch_fields_that_refuse_null_are_not_documented_as_nullable(
    document: dict[str, Any], client: TestClient, admin: Login
) -> None:
    assert not _allows_null(_property(document, "UserUpdate", "is_active"))
    assert not _allows_null(_property(document, "SubscriptionUpdate", "schedule"))
    assert _allows_null(_property(document, "SubscriptionUpdate", "end_date"))  # clears it
    refused = client.patch(
        f"{API}/users/{admin.user.id}", json={"is_active": None}, headers=admin.headers
    )
    assert refused.status_code == 422


def test_an_empty_price_string_does_not_match_the_schema(document: dict[str, Any]) -> None:
    price = _property(document, "ProductCreate", "price")
    pattern = next(o["pattern"] for o in price["anyOf"] if o.get("type") == "string")
    assert re.fullmatch(pattern, "") is None
    assert re.fullmatch(pattern, "42.50")


def test_the_400_refusals_are_documented(document: dict[str, Any]) -> None:
    customers = document["paths"][f"{API}/customers"]["get"]["responses"]
    assert "invalid_cursor" in customers["400"]["description"]
    billing = document["paths"][f"{API}/billing/runs"]["post"]["responses"]
    assert "month_in_future" in billing["400"]["description"]


def test_a_405_names_every_method_the_path_takes(client: TestClient, admin: Login) -> None:
    response = client.put(f"{API}/customers", headers=admin.headers)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    assert response.json()["code"] == "method_not_allowed"


def test_get_orders_generate_is_405_not_a_malformed_order_id(
    client: TestClient, admin: Login
) -> None:
    response = client.get(f"{API}/orders/generate", headers=admin.headers)
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
