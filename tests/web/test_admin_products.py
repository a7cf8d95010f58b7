"""The owner's products (/admin/products): the list with its count and pages, a new product, a
product's page (details, dated prices, a new price), and many prices at once with a preview of
who it reaches; bad input re-renders the form with the typed values and changes nothing."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit.models import AuditEvent
from milkrun.catalog import queries
from milkrun.catalog.models import Product, ProductPrice
from milkrun.http.deps import TOKEN_COOKIE
from tests import factories
from tests.factories import Login

TODAY = dt.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def _today() -> None:
    clock.freeze(dt.datetime(2026, 12, 1, 4, 30, tzinfo=dt.UTC))


@pytest.fixture
def admin_client(client: TestClient, admin: Login) -> TestClient:
    client.cookies.set(TOKEN_COOKIE, admin.token)
    return client


def _count(session: Session, model: type[Any]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_the_list_counts_pages_and_shows_rupees_with_indian_grouping(
    admin_client: TestClient, session: Session
) -> None:
    for n in range(51):
        factories.product(session, sku=f"P{n:03}", price="125000.00" if n == 0 else "28.00")

    first = admin_client.get("/admin/products")

    assert first.status_code == 200
    assert "Showing 50 of 51 products" in first.text
    assert "₹1,25,000.00" in first.text
    next_link = re.search(r'href="\?show=all&amp;cursor=([^"]+)"', first.text)
    assert next_link
    second = admin_client.get(f"/admin/products?show=all&cursor={next_link.group(1)}")
    assert "Showing 1 of 51 products" in second.text
    assert "P050" in second.text
    damaged = admin_client.get("/admin/products?cursor=nonsense")
    assert damaged.status_code == 200
    assert "not valid" in damaged.text


def test_adding_a_product_opens_its_page(admin_client: TestClient, session: Session) -> None:
    response = admin_client.post(
        "/admin/products/new",
        data={
            "name": "Buffalo milk",
            "sku": "bm1",
            "unit": "1 litre",
            "tax_rate": "",
            "price": "72.50",
            "effective_from": "",
        },
        follow_redirects=False,
    )

    assert response.status_code == 303
    product = session.scalars(select(Product).where(Product.sku == "BM1")).one()
    assert response.headers["location"] == f"/admin/products/{product.id}?done=created"
    page = admin_client.get(response.headers["location"])
    assert "Product added." in page.text
    assert "₹72.50" in page.text
    assert "01 Dec 2026" in page.text  # effective today in the dairy's zone


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"price": "twenty"}, 400, "The price is an amount in rupees"),
        ({"sku": "no spaces"}, 400, "The SKU is letters and digits"),
        ({"tax_rate": "150"}, 400, "The tax rate is a percentage"),
        ({"sku": "TAKEN"}, 409, "A product with SKU TAKEN already exists"),
    ],
)
def test_a_refused_new_product_keeps_what_was_typed_and_adds_nothing(
    admin_client: TestClient, session: Session, change: dict[str, str], status: int, message: str
) -> None:
    factories.product(session, sku="TAKEN")
    before = _count(session, Product)
    form = {"name": "Buffalo milk", "sku": "BM1", "unit": "1 litre", "price": "72.50"}
    form.update(change)

    response = admin_client.post("/admin/products/new", data=form)

    assert response.status_code == status
    assert message in response.text
    assert 'value="Buffalo milk"' in response.text
    assert f'value="{form["price"]}"' in response.text
    assert _count(session, Product) == before


def test_editing_a_product_and_its_refusal(admin_client: TestClient, session: Session) -> None:
    product = factories.product(session, sku="TM500")
    url = f"/admin/products/{product.id}"

    saved = admin_client.post(
        url, data={"name": "Toned milk (new)", "unit": "500 ml", "tax_rate": "5"}
    )
    assert saved.status_code == 200  # followed to the page
    assert "Product saved." in saved.text
    session.refresh(product)
    assert (product.name, product.tax_rate_bps, product.is_active) == (
        "Toned milk (new)",
        500,
        False,
    )

    refused = admin_client.post(url, data={"name": "", "unit": "1 litre", "tax_rate": "5"})
    assert refused.status_code == 400
    assert "Give the product a name" in refused.text
    assert 'value="1 litre"' in refused.text
    session.refresh(product)
    assert product.unit == "500 ml"
    assert admin_client.get("/admin/products/99999").status_code == 404


def test_a_new_price_from_a_date_shows_as_planned(
    admin_client: TestClient, session: Session
) -> None:
    product = factories.product(session, price="28.00")
    url = f"/admin/products/{product.id}/prices"

    page = admin_client.post(url, data={"price": "30", "effective_from": "2026-12-15"})

    assert page.status_code == 200
    assert "New price saved." in page.text
    assert "15 Dec 2026" in page.text
    assert "planned" in page.text
    assert queries.price_on(session, product.id, dt.date(2026, 12, 15)) == 3000

    again = admin_client.post(url, data={"price": "31.00", "effective_from": "2026-12-15"})
    assert again.status_code == 409
    assert "already has a price effective 2026-12-15" in again.text
    assert 'value="31.00"' in again.text
    bad = admin_client.post(url, data={"price": "31.005", "effective_from": "2026-12-16"})
    assert bad.status_code == 400
    assert queries.price_on(session, product.id, dt.date(2026, 12, 16)) == 3000


def test_many_prices_preview_who_is_reached_then_confirm(
    admin_client: TestClient, session: Session
) -> None:
    toned = factories.product(session, sku="TM500", price="28.00")
    curd = factories.product(session, sku="CURD", price="40.00")
    untouched = factories.product(session, sku="GHEE", price="600.00")
    for n in range(3):
        customer = factories.customer(session, name=f"Customer {n}")
        factories.subscription(session, customer=customer, product=toned)
    prices, events = _count(session, ProductPrice), _count(session, AuditEvent)
    form = {
        "product_ids": [str(toned.id), str(curd.id)],
        "by": "percent",
        "amount": "10",
        "effective_from": "2026-12-05",
    }

    preview = admin_client.post("/admin/products/prices", data={**form, "step": "preview"})

    assert preview.status_code == 200
    text = preview.text
    assert "<strong>3</strong> active subscriptions of <strong>3</strong> customers" in text
    assert "₹252.00" in text  # 3 x 30 pouches x ₹2.80 a month
    assert "₹30.80" in text
    assert "₹44.00" in text
    assert f'name="product_ids" value="{untouched.id}" >' in text  # not ticked
    assert _count(session, ProductPrice) == prices
    assert _count(session, AuditEvent) == events

    done = admin_client.post("/admin/products/prices", data={**form, "step": "confirm"})

    assert done.status_code == 200
    assert "New prices saved." in done.text
    day = dt.date(2026, 12, 5)
    assert queries.prices_on(session, [toned.id, curd.id, untouched.id], day) == {
        toned.id: 3080,
        curd.id: 4400,
        untouched.id: 60000,
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"product_ids": []}, "Tick at least one product"),
        ({"amount": "lots"}, "Say by what percentage"),
        ({"effective_from": "2026-11-30"}, "New prices start today or later"),
        ({"amount": "-100"}, "Say by what percentage"),
    ],
)
def test_a_refused_bulk_change_keeps_the_form_and_changes_nothing(
    admin_client: TestClient, session: Session, change: dict[str, Any], message: str
) -> None:
    toned = factories.product(session, sku="TM500", price="28.00")
    prices = _count(session, ProductPrice)
    form: dict[str, Any] = {
        "product_ids": [str(toned.id)],
        "by": "percent",
        "amount": "10",
        "effective_from": "2026-12-05",
        "step": "confirm",
    }
    form.update(change)

    response = admin_client.post("/admin/products/prices", data=form)

    assert response.status_code == 400
    assert message in response.text
    assert f'value="{form["amount"]}"' in response.text
    assert _count(session, ProductPrice) == prices


def test_only_an_admin_sees_the_products(client: TestClient, delivery_boy: Login) -> None:
    client.cookies.set(TOKEN_COOKIE, delivery_boy.token)
    response = client.get("/admin/products/prices", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
