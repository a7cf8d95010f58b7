"""Counter sales: priced and taxed as bills are, numbered gapless per financial year under
void, in the day's totals (API and today board) and in the GSTR-1 return; no ledger entry."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit.models import AuditEvent
from milkrun.billing import numbering
from milkrun.config import Settings
from milkrun.counter_sales.models import CounterSale
from milkrun.payments.models import Payment
from tests.counter_sales.conftest import Shop

SALES = "/api/v1/counter-sales"


def _sell(
    client: TestClient, shop: Shop, *lines: tuple[int, int], method: str = "cash"
) -> dict[str, Any]:
    answer = client.post(
        SALES,
        json={"lines": [{"product_id": p, "quantity": q} for p, q in lines], "method": method},
        headers=shop.admin.headers,
    )
    assert answer.status_code == 201, answer.text
    sale: dict[str, Any] = answer.json()
    return sale


def test_a_sale_is_priced_taxed_and_numbered(
    client: TestClient, session: Session, shop: Shop, settings: Settings
) -> None:
    today = clock.today(settings.zone)
    fy = numbering.financial_year_code(today)
    sale = _sell(client, shop, (shop.milk.id, 2), (shop.ghee.id, 1), (shop.milk.id, 1))
    assert sale["number"] == f"CM/{fy}/000001"
    assert sale["total_paise"] == 3 * 2800 + 65000
    by_product = {line["product_id"]: line for line in sale["lines"]}
    assert by_product[shop.milk.id]["quantity"] == 3  # the same product twice adds up
    ghee = by_product[shop.ghee.id]
    # ₹650 at 12 % inclusive: taxable 580.36, CGST = SGST = 34.82
    assert (ghee["taxable_paise"], ghee["cgst_paise"], ghee["sgst_paise"]) == (58036, 3482, 3482)
    assert sale["taxable_paise"] + sale["cgst_paise"] + sale["sgst_paise"] == sale["total_paise"]
    # Not a customer's sale: no payment, no ledger entry; one audit event.
    assert session.scalar(select(func.count(Payment.id))) == 0
    events = session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "counter_sale.recorded")
    )
    assert events == 1


def test_numbering_is_gapless_under_void_and_totals_drop_the_void(
    client: TestClient, shop: Shop, settings: Settings
) -> None:
    first = _sell(client, shop, (shop.milk.id, 1))
    second = _sell(client, shop, (shop.paneer.id, 2), method="upi")
    voided = client.post(
        f"{SALES}/{first['id']}/void", json={"reason": "Rung up twice"}, headers=shop.admin.headers
    )
    assert voided.status_code == 200
    assert voided.json()["status"] == "void"
    assert voided.json()["number"] == first["number"]  # keeps its number
    again = client.post(
        f"{SALES}/{first['id']}/void", json={"reason": "again"}, headers=shop.admin.headers
    )
    assert again.status_code == 409
    no_reason = client.post(
        f"{SALES}/{second['id']}/void", json={"reason": " "}, headers=shop.admin.headers
    )
    assert no_reason.status_code == 400
    third = _sell(client, shop, (shop.ghee.id, 1))
    numbers = [first["number"], second["number"], third["number"]]
    assert [int(n.rsplit("/", 1)[1]) for n in numbers] == [1, 2, 3]

    totals = client.get(f"{SALES}/totals", headers=shop.admin.headers).json()
    assert totals["sales"] == 2
    assert totals["voided"] == 1
    assert totals["cash_paise"] == 65000
    assert totals["upi_paise"] == 18000
    assert totals["total_paise"] == 83000

    listed = client.get(f"{SALES}?limit=2", headers=shop.admin.headers).json()
    assert [s["number"] for s in listed["items"]] == [third["number"], second["number"]]
    assert listed["next_cursor"]


def test_refusals_change_nothing(client: TestClient, session: Session, shop: Shop) -> None:
    headers = shop.admin.headers
    shop.paneer.is_active = False
    session.flush()
    cases = [
        ({"lines": [], "method": "cash"}, 422),
        ({"lines": [{"product_id": shop.milk.id, "quantity": 0}], "method": "cash"}, 422),
        ({"lines": [{"product_id": 999999, "quantity": 1}], "method": "cash"}, 400),
        ({"lines": [{"product_id": shop.paneer.id, "quantity": 1}], "method": "cash"}, 409),
        ({"lines": [{"product_id": shop.milk.id, "quantity": 1}], "method": "card"}, 422),
    ]
    for body, status in cases:
        assert client.post(SALES, json=body, headers=headers).status_code == status, body
    assert session.scalar(select(func.count(CounterSale.id))) == 0
    assert client.get(f"{SALES}/999999", headers=headers).status_code == 404
    assert client.post(SALES, json=cases[0][0]).status_code == 401
    # The next sale still takes number 1: refusals took no number.
    assert _sell(client, shop, (shop.milk.id, 1))["number"].endswith("/000001")


def test_the_gstr1_return_includes_the_counter_sales(
    client: TestClient, shop: Shop, settings: Settings
) -> None:
    today = clock.today(settings.zone)
    month = today.strftime("%Y-%m")
    _sell(client, shop, (shop.milk.id, 2), (shop.paneer.id, 1))
    gone = _sell(client, shop, (shop.ghee.id, 1))
    _sell(client, shop, (shop.ghee.id, 2), method="upi")
    client.post(
        f"{SALES}/{gone['id']}/void", json={"reason": "wrong item"}, headers=shop.admin.headers
    )
    found = client.get(f"/api/v1/billing/gstr1?month={month}", headers=shop.admin.headers)
    assert found.status_code == 200
    tables = {t["name"]: t for t in found.json()["tables"]}

    def rows(name: str) -> list[dict[str, str]]:
        table = tables[name]
        keys = table["columns"]
        return [dict(zip(keys, row, strict=True)) for row in table["rows"]]

    b2cs = {row["rate"]: row for row in rows("b2cs")}
    assert set(b2cs) == {"5.00", "12.00"}
    assert b2cs["12.00"]["taxable"] == "1160.72"  # two ghee at ₹650 (the void one not)
    assert b2cs["12.00"]["cgst"] == "69.64"
    nil = {row["to"]: row for row in rows("nil")}
    assert nil["unregistered customers"]["nil_rated"] == "56.00"
    hsn = {(row["hsn"], row["rate"]): row for row in rows("hsn")}
    assert hsn[("0405", "12.00")]["quantity"] == "2"
    assert hsn[("0405", "12.00")]["value"] == "1300.00"
    assert hsn[("0401", "0.00")]["quantity"] == "2"
    fy = numbering.financial_year_code(today)
    (memo,) = [row for row in rows("docs") if row["series"] == f"CM/{fy}"]
    assert (memo["from"], memo["to"]) == (f"CM/{fy}/000001", f"CM/{fy}/000003")
    assert (memo["total"], memo["cancelled"], memo["net"]) == ("3", "1", "2")
    cancelled = rows("cancelled")
    assert [(r["number"], r["reason"]) for r in cancelled] == [(gone["number"], "wrong item")]
    csv = client.get(f"/api/v1/billing/gstr1/docs.csv?month={month}", headers=shop.admin.headers)
    assert f"CM/{fy}/000003" in csv.text
