"""HSN codes and dated GST rates over the API: one rate per product per date, admins only."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import Login

PRODUCTS = "/api/v1/products"


def test_a_product_has_an_hsn_code_and_dated_tax_rates(client: TestClient, admin: Login) -> None:
    created = client.post(
        PRODUCTS,
        json={
            "sku": "GHEE500",
            "name": "Cow ghee",
            "unit": "500 ml jar",
            "tax_rate": "12.00",
            "hsn_code": "0405",
            "price": "340.00",
        },
        headers=admin.headers,
    )
    assert created.status_code == 201, created.text
    product = created.json()
    assert product["hsn_code"] == "0405"
    rates = f"{PRODUCTS}/{product['id']}/tax-rates"

    added = client.post(
        rates, json={"tax_rate": "5.00", "effective_from": "2027-01-01"}, headers=admin.headers
    )
    again = client.post(
        rates, json={"tax_rate": "18.00", "effective_from": "2027-01-01"}, headers=admin.headers
    )
    malformed = client.post(
        rates, json={"tax_rate": "101", "effective_from": "2027-01-01"}, headers=admin.headers
    )
    unknown_field = client.post(
        rates,
        json={"tax_rate": "5", "effective_from": "2027-02-01", "hsn": "1"},
        headers=admin.headers,
    )

    assert added.status_code == 201, added.text
    assert (added.json()["tax_rate"], added.json()["effective_from"]) == ("5.00", "2027-01-01")
    assert again.status_code == 409
    assert again.json()["code"] == "tax_rate_exists"
    assert malformed.status_code == 422
    assert unknown_field.status_code == 422
    bad_hsn = client.patch(
        f"{PRODUCTS}/{product['id']}", json={"hsn_code": "04-05"}, headers=admin.headers
    )
    assert bad_hsn.status_code == 422
    assert (
        client.post(rates, json={"tax_rate": "5", "effective_from": "2027-03-01"}).status_code
        == 401
    )
