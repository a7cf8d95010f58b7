"""The catalog over the API: products with a first price, dated price changes, history."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.catalog.models import Product, ProductPrice
from tests import factories
from tests.factories import Login

PRODUCTS = "/api/v1/products"
TODAY = dt.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def _today() -> None:
    # 10:00 in Bengaluru on TODAY.
    clock.freeze(dt.datetime(2026, 12, 1, 4, 30, tzinfo=dt.UTC))


def toned_milk(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "sku": "tm500",
        "name": "Toned milk",
        "unit": "500 ml pouch",
        "tax_rate": "5.00",
        "price": "28.00",
    }
    body.update(changes)
    return body


def _count(session: Session, model: type[Any]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_create_a_product_with_its_first_price(client: TestClient, admin: Login) -> None:
    response = client.post(PRODUCTS, json=toned_milk(), headers=admin.headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body == {
        "id": body["id"],
        "sku": "TM500",
        "name": "Toned milk",
        "unit": "500 ml pouch",
        "tax_rate": "5.00",
        "hsn_code": None,
        "price": "28.00",
        "is_active": True,
    }
    history = client.get(f"{PRODUCTS}/{body['id']}/prices", headers=admin.headers).json()
    assert [(p["price"], p["effective_from"]) for p in history] == [("28.00", TODAY.isoformat())]


def test_a_price_may_be_given_as_a_number(client: TestClient, admin: Login) -> None:
    response = client.post(PRODUCTS, json=toned_milk(price=28.5), headers=admin.headers)
    assert response.status_code == 201, response.text
    assert response.json()["price"] == "28.50"


def test_a_product_whose_first_price_starts_later_has_no_price_today(
    client: TestClient, admin: Login
) -> None:
    response = client.post(
        PRODUCTS, json=toned_milk(effective_from="2026-12-05"), headers=admin.headers
    )
    assert response.status_code == 201
    assert response.json()["price"] is None


def test_dated_prices_and_the_price_today(
    client: TestClient, admin: Login, session: Session
) -> None:
    product = client.post(
        PRODUCTS, json=toned_milk(effective_from="2026-01-01"), headers=admin.headers
    ).json()
    prices = f"{PRODUCTS}/{product['id']}/prices"

    future = client.post(
        prices, json={"price": "30.00", "effective_from": "2027-01-01"}, headers=admin.headers
    )
    assert future.status_code == 201, future.text
    assert future.json()["price"] == "30.00"
    today = client.get(f"{PRODUCTS}/{product['id']}", headers=admin.headers).json()
    assert today["price"] == "28.00"  # the new price has not started yet

    started = client.post(
        prices, json={"price": "29.00", "effective_from": "2026-11-15"}, headers=admin.headers
    )
    assert started.status_code == 201
    today = client.get(f"{PRODUCTS}/{product['id']}", headers=admin.headers).json()
    assert today["price"] == "29.00"

    history = client.get(prices, headers=admin.headers).json()
    assert [(p["effective_from"], p["price"]) for p in history] == [
        ("2026-01-01", "28.00"),
        ("2026-11-15", "29.00"),
        ("2027-01-01", "30.00"),
    ]
    clock.freeze(dt.datetime(2027, 1, 1, 0, 0, tzinfo=dt.UTC))  # 05:30 on 1 January locally
    headers = factories.login(session, admin.user).headers  # the first token has expired
    assert client.get(f"{PRODUCTS}/{product['id']}", headers=headers).json()["price"] == "30.00"


def test_duplicate_sku_is_a_conflict(client: TestClient, admin: Login, session: Session) -> None:
    assert client.post(PRODUCTS, json=toned_milk(), headers=admin.headers).status_code == 201
    again = client.post(PRODUCTS, json=toned_milk(sku="TM500", name="x"), headers=admin.headers)
    assert again.status_code == 409
    assert again.json()["code"] == "sku_taken"
    assert _count(session, Product) == 1


def test_duplicate_price_date_is_a_conflict(
    client: TestClient, admin: Login, session: Session
) -> None:
    product = client.post(PRODUCTS, json=toned_milk(), headers=admin.headers).json()
    response = client.post(
        f"{PRODUCTS}/{product['id']}/prices",
        json={"price": "31.00", "effective_from": TODAY.isoformat()},
        headers=admin.headers,
    )
    assert response.status_code == 409
    assert response.json()["code"] == "price_exists"
    assert _count(session, ProductPrice) == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"price": "-1.00"},
        {"price": "28.005"},
        {"price": 28.005},
        {"price": "abc"},
        {"price": "NaN"},
        {"price": "Infinity"},
        {"price": "10000000.00"},
        {"price": None},
        {"tax_rate": "100.01"},
        {"tax_rate": "-5"},
        {"tax_rate": "5.001"},
        {"sku": "has space"},
        {"sku": ""},
        {"name": "  "},
        {"unit": ""},
        {"effective_from": "2026-02-30"},
        {"colour": "white"},
    ],
)
def test_malformed_products_are_422_and_nothing_is_written(
    client: TestClient, admin: Login, session: Session, changes: dict[str, Any]
) -> None:
    response = client.post(PRODUCTS, json=toned_milk(**changes), headers=admin.headers)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation_failed"
    assert _count(session, Product) == 0
    assert _count(session, ProductPrice) == 0


@pytest.mark.parametrize(
    "body",
    [
        {"price": "-0.01", "effective_from": "2027-01-01"},
        {"price": "1.001", "effective_from": "2027-01-01"},
        {"price": "1.00"},
        {"effective_from": "2027-01-01"},
        {"price": "1.00", "effective_from": "soon"},
        {"price": "1.00", "effective_from": "2027-01-01", "note": "x"},
    ],
)
def test_malformed_prices_are_422(
    client: TestClient, admin: Login, session: Session, body: dict[str, Any]
) -> None:
    product = client.post(PRODUCTS, json=toned_milk(), headers=admin.headers).json()
    response = client.post(f"{PRODUCTS}/{product['id']}/prices", json=body, headers=admin.headers)
    assert response.status_code == 422, response.text
    assert _count(session, ProductPrice) == 1


def test_prices_of_an_unknown_product_are_404(client: TestClient, admin: Login) -> None:
    body = {"price": "1.00", "effective_from": "2027-01-01"}
    assert client.post(
        f"{PRODUCTS}/999999/prices", json=body, headers=admin.headers
    ).status_code == (404)
    assert client.get(f"{PRODUCTS}/999999/prices", headers=admin.headers).status_code == 404
    assert client.get(f"{PRODUCTS}/999999", headers=admin.headers).status_code == 404


def test_update_a_product(client: TestClient, admin: Login) -> None:
    product = client.post(PRODUCTS, json=toned_milk(), headers=admin.headers).json()
    url = f"{PRODUCTS}/{product['id']}"
    response = client.patch(
        url,
        json={"name": "Toned milk (Nandini)", "tax_rate": "0", "is_active": False},
        headers=admin.headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["name"], body["tax_rate"], body["is_active"]) == (
        "Toned milk (Nandini)",
        "0.00",
        False,
    )
    assert body["price"] == "28.00"
    for bad in ({"sku": "X"}, {"price": "1.00"}, {"name": None}, {"tax_rate": "101"}):
        assert client.patch(url, json=bad, headers=admin.headers).status_code == 422, bad
    active = client.get(PRODUCTS, params={"is_active": True}, headers=admin.headers).json()
    assert product["id"] not in [p["id"] for p in active["items"]]


def test_everyone_logged_in_reads_the_catalog_only_admins_change_it(
    client: TestClient, admin: Login, customer: Login, delivery_boy: Login
) -> None:
    product = client.post(PRODUCTS, json=toned_milk(), headers=admin.headers).json()
    for reader in (customer, delivery_boy):
        assert client.get(PRODUCTS, headers=reader.headers).status_code == 200
        assert client.get(f"{PRODUCTS}/{product['id']}/prices", headers=reader.headers).json()
        assert client.post(
            PRODUCTS, json=toned_milk(sku="X1"), headers=reader.headers
        ).status_code == (403)
    assert client.get(PRODUCTS).status_code == 401
