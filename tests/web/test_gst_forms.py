"""The GST fields on the owner's pages: a product's HSN code (create and edit) and GST rates (in
force today, dated, a new one from a date, as POST /api/v1/products/{id}/tax-rates), and a
customer's GSTIN (new and edit, the API's rule) shown on its page. Bad input re-renders the form
with the typed values and a message and changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.catalog import tax
from milkrun.catalog.models import Product, ProductTaxRate
from milkrun.customers.models import Customer
from milkrun.http.deps import TOKEN_COOKIE
from tests import factories
from tests.factories import Login

GSTIN = "29ABCDE1234F1Z5"


@pytest.fixture(autouse=True)
def _today() -> None:
    clock.freeze(dt.datetime(2026, 12, 1, 4, 30, tzinfo=dt.UTC))


@pytest.fixture
def admin_client(client: TestClient, admin: Login) -> TestClient:
    client.cookies.set(TOKEN_COOKIE, admin.token)
    return client


def _count(session: Session, model: type[Any]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_new_product_with_its_hsn_code_and_a_bad_one_refused(
    admin_client: TestClient, session: Session
) -> None:
    form = {"name": "Ghee", "sku": "GH200", "unit": "200 ml jar", "tax_rate": "12"}
    form |= {"price": "160", "effective_from": "", "hsn_code": "04-05"}

    refused = admin_client.post("/admin/products/new", data=form)

    assert refused.status_code == 400
    assert "The HSN code is 4, 6 or 8 digits" in refused.text
    assert 'value="04-05"' in refused.text
    assert 'value="Ghee"' in refused.text
    assert _count(session, Product) == 0

    made = admin_client.post("/admin/products/new", data=form | {"hsn_code": "0405"})

    assert made.status_code == 200
    assert "Product added." in made.text
    assert "HSN 0405" in made.text
    product = session.scalars(select(Product)).one()
    assert (product.hsn_code, product.tax_rate_bps) == ("0405", 1200)


def test_editing_the_hsn_code_sets_and_clears_it(
    admin_client: TestClient, session: Session
) -> None:
    product = factories.product(session)
    url = f"/admin/products/{product.id}"
    form = {"name": "Toned milk", "unit": "500 ml pouch", "tax_rate": "0", "is_active": "yes"}

    saved = admin_client.post(url, data=form | {"hsn_code": "0401"})
    assert "Product saved." in saved.text
    assert 'name="hsn_code" value="0401"' in saved.text
    session.refresh(product)
    assert product.hsn_code == "0401"

    bad = admin_client.post(url, data=form | {"hsn_code": "401", "name": "Renamed"})
    assert bad.status_code == 400
    assert "The HSN code is 4, 6 or 8 digits" in bad.text
    assert 'value="401"' in bad.text
    assert 'value="Renamed"' in bad.text
    session.refresh(product)
    assert (product.hsn_code, product.name) == ("0401", "Toned milk")

    admin_client.post(url, data=form | {"hsn_code": ""})
    session.refresh(product)
    assert product.hsn_code is None


def test_the_gst_rates_today_dated_and_a_new_one_from_a_date(
    admin_client: TestClient, session: Session
) -> None:
    product = factories.product(session, tax_rate="5")
    page = admin_client.get(f"/admin/products/{product.id}")
    assert "Rate in force today: <strong>5.00 %</strong>" in page.text
    assert "No dated GST rates yet." in page.text
    assert f'action="/admin/products/{product.id}/tax-rates"' in page.text
    assert page.text.count('name="csrf_token"') == page.text.count('method="post"')
    url = f"/admin/products/{product.id}/tax-rates"

    past = admin_client.post(url, data={"tax_rate": "12", "effective_from": "2026-11-01"})
    planned = admin_client.post(url, data={"tax_rate": "18", "effective_from": "2027-01-01"})

    assert past.status_code == planned.status_code == 200
    assert "New GST rate saved." in planned.text
    assert "Rate in force today: <strong>12.00 %</strong>" in planned.text
    assert "01 Jan 2027" in planned.text
    assert "planned" in planned.text
    assert "in force today" in planned.text
    assert tax.rate_on(session, product.id, dt.date(2027, 1, 1)) == 1800


@pytest.mark.parametrize(
    ("form", "status", "message"),
    [
        ({"tax_rate": "12.345", "effective_from": "2027-01-01"}, 400, "at most two decimals"),
        ({"tax_rate": "101", "effective_from": "2027-01-01"}, 400, "from 0 to 100"),
        ({"tax_rate": "12", "effective_from": ""}, 400, "Choose the date the rate starts"),
        ({"tax_rate": "12", "effective_from": "2026-11-01"}, 409, "already has a tax rate"),
    ],
    ids=["decimals", "too-high", "no-date", "same-date"],
)
def test_a_bad_gst_rate_shows_the_form_again_and_changes_nothing(
    admin_client: TestClient,
    session: Session,
    form: dict[str, str],
    status: int,
    message: str,
) -> None:
    product = factories.product(session)
    url = f"/admin/products/{product.id}/tax-rates"
    admin_client.post(url, data={"tax_rate": "5", "effective_from": "2026-11-01"})

    page = admin_client.post(url, data=form)

    assert page.status_code == status
    assert message in page.text
    assert f'name="tax_rate" value="{form["tax_rate"]}"' in page.text
    assert _count(session, ProductTaxRate) == 1
    assert admin_client.post("/admin/products/99999/tax-rates", data=form).status_code == 404


def _customer_form(**change: str) -> dict[str, str]:
    form = {"name": "Hotel Udupi", "phone": "98450 12345", "email": "", "address": "4 Temple St"}
    return form | {"area": "560004", "route_id": "", "password": ""} | change


def test_a_new_customer_with_a_gstin_gets_it_on_its_page(
    admin_client: TestClient, session: Session
) -> None:
    page = admin_client.post("/admin/customers/new", data=_customer_form(gstin=" 29abcde1234f1z5"))

    assert page.status_code == 200
    assert "Customer added." in page.text
    assert f"GSTIN {GSTIN}" in page.text
    assert "tax invoices" in page.text
    assert session.scalars(select(Customer)).one().gstin == GSTIN


def test_a_bad_gstin_is_refused_and_an_edit_sets_and_clears_it(
    admin_client: TestClient, session: Session
) -> None:
    refused = admin_client.post("/admin/customers/new", data=_customer_form(gstin="29ABCDE1234"))
    assert refused.status_code == 400
    assert "GSTIN: 15 characters" in refused.text
    assert 'value="29ABCDE1234"' in refused.text
    assert 'value="Hotel Udupi"' in refused.text
    assert _count(session, Customer) == 0

    customer = factories.customer(session)
    url = f"/admin/customers/{customer.id}/edit"
    form = _customer_form(name=customer.name, phone=customer.phone)
    assert 'name="gstin" value=""' in admin_client.get(url).text

    saved = admin_client.post(url, data=form | {"gstin": GSTIN})
    assert "Changes saved." in saved.text
    session.refresh(customer)
    assert customer.gstin == GSTIN
    assert f'name="gstin" value="{GSTIN}"' in admin_client.get(url).text

    bad = admin_client.post(url, data=form | {"gstin": "X" * 15, "name": "Renamed"})
    assert bad.status_code == 400
    assert 'value="Renamed"' in bad.text
    session.refresh(customer)
    assert (customer.gstin, customer.name) == (GSTIN, "Asha Iyer")

    cleared = admin_client.post(url, data=form | {"gstin": ""})
    assert "No GSTIN" in cleared.text
    session.refresh(customer)
    assert customer.gstin is None
