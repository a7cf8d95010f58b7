"""Dates: a dairy's dates lie within a few years of today (``milkrun.date_window``). Year 1 and
year 9999 are refused with 400 date_out_of_window everywhere a date comes in, never a 5xx; and a
date or an id is parsed strictly."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from milkrun import date_window
from milkrun.http.deps import TOKEN_COOKIE
from tests import factories
from tests.factories import Login

API = "/api/v1"
EXTREMES = ["0001-01-01", "9999-12-31"]


def _assert_out_of_window(response: object) -> None:
    status = response.status_code  # type: ignore[attr-defined]
    assert status == 400, response.text  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["code"] == "date_out_of_window"
    assert "out of range" in body["detail"]


@pytest.mark.parametrize("day", EXTREMES)
def test_manifests_refuse_extreme_dates(
    client: TestClient, session: Session, admin: Login, delivery_boy: Login, day: str
) -> None:
    route = factories.route(session, delivery_boy=delivery_boy.user)
    _assert_out_of_window(
        client.get(f"{API}/routes/{route.id}/manifest?date={day}", headers=admin.headers)
    )
    _assert_out_of_window(
        client.get(f"{API}/delivery-boy/manifest?date={day}", headers=delivery_boy.headers)
    )


@pytest.mark.parametrize("day", EXTREMES)
def test_pages_refuse_extreme_dates(
    client: TestClient, session: Session, admin: Login, delivery_boy: Login, day: str
) -> None:
    route = factories.route(session, delivery_boy=delivery_boy.user)
    client.cookies.set(TOKEN_COOKIE, delivery_boy.token)
    assert client.get(f"/delivery?date={day}").status_code == 400
    client.cookies.set(TOKEN_COOKIE, admin.token)
    assert client.get(f"/admin/routes/{route.id}/day?date={day}").status_code == 400


@pytest.mark.parametrize("day", EXTREMES)
def test_writes_refuse_extreme_dates(
    client: TestClient, session: Session, admin: Login, day: str
) -> None:
    route = factories.route(session)
    customer = factories.customer(session, route=route)
    product = factories.product(session)
    h = admin.headers
    _assert_out_of_window(
        client.post(
            f"{API}/shared-delivery-links",
            json={"route_id": route.id, "delivery_date": day, "label": "Ravi"},
            headers=h,
        )
    )
    _assert_out_of_window(
        client.post(
            f"{API}/orders",
            json={
                "customer_id": customer.id,
                "product_id": product.id,
                "delivery_date": day,
                "quantity": 1,
            },
            headers=h,
        )
    )
    subscription = {
        "customer_id": customer.id,
        "product_id": product.id,
        "start_date": day,
        "schedule": {"kind": "daily", "quantity": 1},
    }
    _assert_out_of_window(client.post(f"{API}/subscriptions", json=subscription, headers=h))
    sub = factories.subscription(session, customer=customer, product=product)
    _assert_out_of_window(
        client.post(f"{API}/subscriptions/{sub.id}/pauses", json={"start_date": day}, headers=h)
    )


def test_a_payment_received_in_year_one_is_refused(
    client: TestClient, session: Session, admin: Login
) -> None:
    customer = factories.customer(session)
    body = {"customer_id": customer.id, "amount": "10.00", "method": "cash"}
    _assert_out_of_window(
        client.post(
            f"{API}/payments",
            json={**body, "received_at": "0001-01-01T00:00:00Z"},
            headers=admin.headers,
        )
    )
    future = client.post(
        f"{API}/payments",
        json={**body, "received_at": "9999-12-31T23:59:59Z"},
        headers=admin.headers,
    )
    assert future.status_code == 400
    assert future.json()["code"] == "received_in_future"


def test_dates_are_parsed_strictly(client: TestClient, session: Session, admin: Login) -> None:
    route = factories.route(session)
    for not_a_date in ("0", "2026-12-07T00:00:00", "20261207"):
        response = client.get(
            f"{API}/routes/{route.id}/manifest", params={"date": not_a_date}, headers=admin.headers
        )
        assert response.status_code == 422, (not_a_date, response.text)


def test_ids_are_parsed_strictly(client: TestClient, session: Session, admin: Login) -> None:
    customer = factories.customer(session)
    assert client.get(f"{API}/customers/{customer.id}", headers=admin.headers).status_code == 200
    for not_an_id in (f"{customer.id}.0", f"{customer.id}e0", f"+{customer.id}"):
        response = client.get(f"{API}/customers/{not_an_id}", headers=admin.headers)
        assert response.status_code in (404, 422), (not_an_id, response.text)


def test_the_window_runs_a_few_years_either_side_of_today() -> None:
    first, last = date_window.window(dt.date(2026, 12, 7))
    assert first == dt.date(2021, 12, 7)
    assert last == dt.date(2031, 12, 7)
