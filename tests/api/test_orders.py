"""The order book over the API: one-time orders, listing, materializing a date (dry run,
idempotent), re-sync after a customer's change, a customer's own orders and its next days."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.config import Settings
from milkrun.orders.models import Order
from tests import factories
from tests.order_book import (
    AFTER_CUTOFF,
    BEFORE_CUTOFF,
    PRICE_RISE,
    TODAY,
    TOMORROW,
    Shop,
    audit_count,
    day,
    make_shop,
)

API = "/api/v1"


@pytest.fixture
def shop(session: Session, settings: Settings) -> Shop:
    return make_shop(session, settings)


def order_body(shop: Shop, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "customer_id": shop.me_id,
        "product_id": shop.dairy.curd.id,
        "delivery_date": TOMORROW.isoformat(),
        "quantity": 1,
        "shift": "morning",
    }
    data.update(changes)
    return data


def orders(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Order)) or 0


def generate(client: TestClient, shop: Shop, on: Any, dry_run: bool = False) -> dict[str, Any]:
    response = client.post(
        f"{API}/orders/generate",
        json={"date": str(on), "dry_run": dry_run},
        headers=shop.admin.headers,
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_one_time_orders(client: TestClient, session: Session, shop: Shop) -> None:
    created = client.post(f"{API}/orders", json=order_body(shop), headers=shop.admin.headers)
    assert created.status_code == 201, created.text
    order = created.json()
    assert {
        k: order[k]
        for k in (
            "customer_id",
            "subscription_id",
            "quantity",
            "unit_price",
            "amount",
            "status",
            "route_id",
            "invoice_id",
        )
    } == {
        "customer_id": shop.me_id,
        "subscription_id": None,
        "quantity": 1,
        "unit_price": "35.00",
        "amount": "35.00",
        "status": "scheduled",
        "route_id": shop.dairy.route.id,
        "invoice_id": None,
    }
    # A customer for itself, on /orders or on /me/orders; not for another customer.
    mine = client.post(f"{API}/orders", json=order_body(shop), headers=shop.me.headers)
    assert mine.status_code == 201, mine.text
    own = order_body(shop, product_id=shop.dairy.milk.id, delivery_date=PRICE_RISE.isoformat())
    del own["customer_id"]
    mine = client.post(f"{API}/me/orders", json=own, headers=shop.me.headers)
    assert mine.status_code == 201, mine.text
    assert mine.json()["unit_price"] == "30.00"
    before = (orders(session), audit_count(session))
    theirs = client.post(
        f"{API}/orders", json=order_body(shop, customer_id=shop.other_id), headers=shop.me.headers
    )
    assert (theirs.status_code, theirs.json()["code"]) == (404, "customer_not_found")
    for bad, status, code in [
        (order_body(shop, quantity=0), 422, "validation_failed"),
        (order_body(shop, product_id=424242), 400, "product_not_found"),
        (order_body(shop, delivery_date=day(-1).isoformat()), 409, "date_in_past"),
        (order_body(shop, shift="night"), 422, "validation_failed"),
    ]:
        response = client.post(f"{API}/orders", json=bad, headers=shop.admin.headers)
        assert (response.status_code, response.json()["code"]) == (status, code)
    assert (orders(session), audit_count(session)) == before

    clock.freeze(AFTER_CUTOFF)
    late = client.post(
        f"{API}/me/orders",
        json=own | {"delivery_date": TOMORROW.isoformat()},
        headers=shop.me.headers,
    )
    assert (late.status_code, late.json()["code"]) == (409, "cutoff_passed")
    assert "22:00" in late.json()["detail"]


def test_listing_with_filters_and_pages(client: TestClient, session: Session, shop: Shop) -> None:
    for customer in (shop.me_id, shop.me_id, shop.other_id):
        factories.subscription(session, customer=customer, product=shop.dairy.milk)
    generate(client, shop, TOMORROW)
    generate(client, shop, day(2))
    h = shop.admin.headers
    page = client.get(
        f"{API}/orders", params={"delivery_date": str(TOMORROW), "limit": 2}, headers=h
    ).json()
    assert len(page["items"]) == 2
    rest = client.get(
        f"{API}/orders",
        params={"delivery_date": str(TOMORROW), "limit": 2, "cursor": page["next_cursor"]},
        headers=h,
    ).json()
    assert (len(rest["items"]), rest["next_cursor"]) == (1, None)
    assert {o["delivery_date"] for o in page["items"] + rest["items"]} == {TOMORROW.isoformat()}
    theirs = client.get(f"{API}/orders", params={"customer_id": shop.other_id}, headers=h).json()
    assert len(theirs["items"]) == 2
    on_route = client.get(
        f"{API}/orders",
        params={"route_id": shop.dairy.route.id, "date_from": str(day(2)), "status": "scheduled"},
        headers=h,
    ).json()
    assert len(on_route["items"]) == 3
    assert client.get(f"{API}/orders", params={"status": "lost"}, headers=h).status_code == 422
    assert client.get(f"{API}/orders", headers=shop.me.headers).status_code == 403


def test_generate_dry_run_then_idempotent(client: TestClient, session: Session, shop: Shop) -> None:
    for _ in range(3):
        factories.subscription(session, customer=shop.me_id, product=shop.dairy.milk)
    dry = generate(client, shop, TOMORROW, dry_run=True)
    assert dry == {
        "date": TOMORROW.isoformat(),
        "dry_run": True,
        "created": 3,
        "updated": 0,
        "cancelled": 0,
        "unchanged": 0,
        "holidays": [],
    }
    assert orders(session) == 0
    first = generate(client, shop, TOMORROW)
    assert (first["created"], first["dry_run"]) == (3, False)
    again = generate(client, shop, TOMORROW)
    assert (again["created"], again["updated"], again["cancelled"], again["unchanged"]) == (
        0,
        0,
        0,
        3,
    )
    assert orders(session) == 3
    bad = client.post(
        f"{API}/orders/generate", json={"date": "tomorrow"}, headers=shop.admin.headers
    )
    assert bad.status_code == 422
    assert (
        client.post(
            f"{API}/orders/generate", json={"date": str(TOMORROW)}, headers=shop.me.headers
        ).status_code
        == 403
    )


def test_a_customer_change_before_the_cutoff_resyncs_tomorrow(
    client: TestClient, session: Session, shop: Shop
) -> None:
    sub = factories.subscription(session, customer=shop.me_id, product=shop.dairy.milk)
    generate(client, shop, TOMORROW)
    clock.freeze(BEFORE_CUTOFF)
    h = shop.me.headers
    assert (
        client.put(
            f"{API}/me/subscriptions/{sub.id}/overrides/{TOMORROW}", json={"quantity": 4}, headers=h
        ).status_code
        == 200
    )
    [order] = client.get(f"{API}/me/orders", params={"date_from": str(TOMORROW)}, headers=h).json()[
        "items"
    ]
    assert (order["quantity"], order["status"], order["subscription_id"]) == (
        4,
        "scheduled",
        sub.id,
    )
    assert (
        client.put(
            f"{API}/me/subscriptions/{sub.id}/overrides/{TOMORROW}", json={"quantity": 0}, headers=h
        ).status_code
        == 200
    )
    [order] = client.get(f"{API}/me/orders", params={"date_from": str(TOMORROW)}, headers=h).json()[
        "items"
    ]
    assert order["status"] == "cancelled"


def test_my_orders_are_mine(client: TestClient, session: Session, shop: Shop) -> None:
    mine = factories.one_time_order(
        session, customer_id=shop.me_id, product_id=shop.dairy.curd.id, day=day(3)
    )
    theirs = factories.one_time_order(
        session, customer_id=shop.other_id, product_id=shop.dairy.curd.id, day=day(3)
    )
    h = shop.me.headers
    assert [o["id"] for o in client.get(f"{API}/me/orders", headers=h).json()["items"]] == [mine.id]
    assert client.get(f"{API}/me/orders/{mine.id}", headers=h).status_code == 200
    assert client.get(f"{API}/orders/{mine.id}", headers=h).status_code == 200
    for url in (f"{API}/me/orders/{theirs.id}", f"{API}/orders/{theirs.id}"):
        assert client.get(url, headers=h).status_code == 404
        assert client.post(f"{url}/cancel", headers=h).status_code == 404
    cancelled = client.post(f"{API}/me/orders/{mine.id}/cancel", headers=h)
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")
    again = client.post(f"{API}/orders/{mine.id}/cancel", headers=h)
    assert (again.status_code, again.json()["code"]) == (409, "order_not_open")
    assert (
        client.get(f"{API}/orders/{theirs.id}", headers=shop.admin.headers).json()["status"]
        == "scheduled"
    )


def test_upcoming_orders(client: TestClient, session: Session, shop: Shop) -> None:
    factories.subscription(
        session,
        customer=shop.me_id,
        product=shop.dairy.milk,
        schedule={"kind": "weekdays", "quantities": {"wed": 2, "sat": 1}},
    )
    factories.subscription(session, customer=shop.other_id, product=shop.dairy.milk)
    factories.one_time_order(
        session, customer_id=shop.me_id, product_id=shop.dairy.curd.id, day=day(1)
    )
    generate(client, shop, TODAY)
    response = client.get(f"{API}/me/orders/upcoming", headers=shop.me.headers)
    assert response.status_code == 200, response.text
    upcoming = response.json()
    assert (upcoming["start_date"], upcoming["end_date"]) == (TODAY.isoformat(), day(6).isoformat())
    assert [
        (i["delivery_date"], i["product_id"], i["quantity"], i["materialized"])
        for i in upcoming["items"]
    ] == [
        (TOMORROW.isoformat(), shop.dairy.curd.id, 1, True),  # the one-time order (Wed)
        (TOMORROW.isoformat(), shop.dairy.milk.id, 2, False),  # Wednesday's milk, to come
        (day(4).isoformat(), shop.dairy.milk.id, 1, False),  # Saturday
    ]
    assert (
        client.get(
            f"{API}/me/orders/upcoming", params={"days": 40}, headers=shop.me.headers
        ).status_code
        == 422
    )
    assert client.get(f"{API}/me/orders/upcoming", headers=shop.admin.headers).status_code == 403
