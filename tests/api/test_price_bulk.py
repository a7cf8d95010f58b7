"""Many prices at once (POST /products/prices/bulk): +₹N or +N % from a date, a dry run that
says who is reached and changes nothing, all or none, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit.models import AuditEvent
from milkrun.catalog import queries
from milkrun.catalog.models import ProductPrice
from tests import factories
from tests.factories import Login

BULK = "/api/v1/products/prices/bulk"
TODAY = dt.date(2026, 12, 1)
FROM = dt.date(2026, 12, 10)


@pytest.fixture(autouse=True)
def _today() -> None:
    clock.freeze(dt.datetime(2026, 12, 1, 4, 30, tzinfo=dt.UTC))


def _count(session: Session, model: type[Any]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def dairy(session: Session) -> dict[str, Any]:
    """Toned milk (₹28) and curd (₹27.50): Asha takes 2 toned daily and 1 curd on Mondays,
    Meera 1 toned on alternate days; Kiran (inactive) 5 toned daily."""
    toned = factories.product(session, sku="TM500", price="28.00")
    curd = factories.product(session, sku="CURD", price="27.50")
    asha = factories.customer(session, name="Asha")
    meera = factories.customer(session, name="Meera")
    kiran = factories.customer(session, name="Kiran")
    factories.subscription(
        session, customer=asha, product=toned, schedule={"kind": "daily", "quantity": 2}
    )
    factories.subscription(
        session,
        customer=asha,
        product=curd,
        schedule={"kind": "weekdays", "quantities": {"mon": 1}},
    )
    factories.subscription(
        session, customer=meera, product=toned, schedule={"kind": "alternate_days", "quantity": 1}
    )
    factories.subscription(
        session, customer=kiran, product=toned, schedule={"kind": "daily", "quantity": 5}
    )
    kiran.is_active = False
    session.flush()
    return {"toned": toned, "curd": curd}


def test_a_dry_run_says_who_is_reached_and_changes_nothing(
    client: TestClient, admin: Login, session: Session, dairy: dict[str, Any]
) -> None:
    prices, events = _count(session, ProductPrice), _count(session, AuditEvent)
    ids = [dairy["toned"].id, dairy["curd"].id]

    response = client.post(
        BULK,
        json={"product_ids": ids, "rupees": "2", "effective_from": str(FROM), "dry_run": True},
        headers=admin.headers,
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["dry_run"] is True
    assert [(c["sku"], c["price_before"], c["price_after"]) for c in body["changes"]] == [
        ("CURD", "27.50", "29.50"),
        ("TM500", "28.00", "30.00"),
    ]
    # Toned: 2 x 30 + 1 x 15 = 75 units a month; curd: 30/7 units; each ₹2 more.
    assert body["reach"] == {"subscriptions": 3, "customers": 2, "monthly_change": "158.57"}
    assert _count(session, ProductPrice) == prices
    assert _count(session, AuditEvent) == events


def test_a_percent_rise_from_a_date_is_saved_for_all_and_audited(
    client: TestClient, admin: Login, session: Session, dairy: dict[str, Any]
) -> None:
    toned, curd = dairy["toned"], dairy["curd"]

    response = client.post(
        BULK,
        json={"product_ids": [toned.id, curd.id], "percent": "3", "effective_from": str(FROM)},
        headers=admin.headers,
    )

    assert response.status_code == 200, response.text
    assert [c["price_after"] for c in response.json()["changes"]] == ["28.33", "28.84"]
    assert queries.prices_on(session, [toned.id, curd.id], FROM) == {toned.id: 2884, curd.id: 2833}
    assert queries.prices_on(session, [toned.id, curd.id], FROM - dt.timedelta(days=1)) == {
        toned.id: 2800,
        curd.id: 2750,
    }
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.action == "product.price_bulk")
    ).all()
    assert len(actions) == 2


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"effective_from": str(TODAY - dt.timedelta(days=1))}, 400, "price_in_past"),
        ({"rupees": "-28.50"}, 400, "price_negative"),
        ({"product_ids": "both+99999"}, 400, "product_not_found"),
        ({"percent": "5"}, 422, None),  # rupees and percent both given
        ({"rupees": None}, 422, None),  # neither
        ({"product_ids": []}, 422, None),
    ],
)
def test_a_refused_change_changes_no_price(
    client: TestClient,
    admin: Login,
    session: Session,
    dairy: dict[str, Any],
    change: dict[str, Any],
    status: int,
    code: str | None,
) -> None:
    body: dict[str, Any] = {
        "product_ids": [dairy["toned"].id, dairy["curd"].id],
        "rupees": "1",
        "effective_from": str(FROM),
    }
    if change.get("product_ids") == "both+99999":
        change = {"product_ids": [*body["product_ids"], 99999]}
    body.update(change)
    prices = _count(session, ProductPrice)

    response = client.post(BULK, json=body, headers=admin.headers)

    assert response.status_code == status, response.text
    if code:
        assert response.json()["code"] == code
    assert _count(session, ProductPrice) == prices


def test_one_product_already_priced_on_the_day_refuses_all(
    client: TestClient, admin: Login, session: Session, dairy: dict[str, Any]
) -> None:
    toned, curd = dairy["toned"], dairy["curd"]
    client.post(
        f"/api/v1/products/{curd.id}/prices",
        json={"price": "30.00", "effective_from": str(FROM)},
        headers=admin.headers,
    )
    prices = _count(session, ProductPrice)

    response = client.post(
        BULK,
        json={"product_ids": [toned.id, curd.id], "rupees": "1", "effective_from": str(FROM)},
        headers=admin.headers,
    )

    assert response.status_code == 409
    assert response.json()["code"] == "price_exists"
    assert "CURD" in response.json()["detail"]
    assert _count(session, ProductPrice) == prices


def test_only_an_admin_changes_prices(
    client: TestClient, delivery_boy: Login, session: Session, dairy: dict[str, Any]
) -> None:
    response = client.post(
        BULK,
        json={"product_ids": [dairy["toned"].id], "rupees": "1", "effective_from": str(FROM)},
        headers=delivery_boy.headers,
    )
    assert response.status_code == 403


def test_the_bulk_change_is_in_the_openapi_document(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert "post" in document["paths"][BULK]
    assert "dry_run" in document["components"]["schemas"]["BulkPriceChange"]["properties"]
