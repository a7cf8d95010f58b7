"""The GSTR-1 page: the month's tables, each with the CSV of exactly its rows; a bad month
re-renders the page with a message."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.web.billing.conftest import Month, finalized

ISSUED = "2026-12"  # November's bills were issued on 3 December


def test_the_page_shows_the_months_documents_and_offers_each_csv(
    admin_client: TestClient, session: Session, november: Month
) -> None:
    finalized(admin_client, session)

    page = admin_client.get(f"/admin/billing/gstr1?month={ISSUED}")

    assert page.status_code == 200
    html = page.text
    assert "GSTR-1 · December 2026" in html
    assert 'aria-current="page">GSTR-1</a>' in html
    for name in ("b2b", "b2cs", "nil", "hsn", "docs", "cancelled"):
        assert f'id="{name}"' in html
        assert f'href="/admin/billing/gstr1/{name}.csv?month={ISSUED}"' in html
    # Milk only: two bills of supply, numbered in their own series.
    assert "BOS/2627/000001" in html
    assert "BOS/2627/000002" in html
    assert "₹336.00" in html  # six days of two pouches at ₹28, nil-rated, to households

    docs = admin_client.get(f"/admin/billing/gstr1/docs.csv?month={ISSUED}")
    assert docs.status_code == 200
    assert docs.headers["content-type"].startswith("text/csv")
    assert docs.text.splitlines() == [
        "Nature of document,Series,From,To,Total,Cancelled,Net issued",
        "Bill of supply,BOS/2627,BOS/2627/000001,BOS/2627/000002,2,0,2",
    ]
    nil = admin_client.get(f"/admin/billing/gstr1/nil.csv?month={ISSUED}")
    assert nil.text.splitlines()[1:] == [
        "registered customers,0.00",
        "unregistered customers,336.00",
    ]


def test_a_bad_month_or_table_is_refused_on_a_page(
    admin_client: TestClient, session: Session, november: Month
) -> None:
    bad = admin_client.get("/admin/billing/gstr1?month=2026-13")
    assert bad.status_code == 400
    assert "is not a month" in bad.text
    assert "<html" in bad.text.lower()

    unknown = admin_client.get(f"/admin/billing/gstr1/nope.csv?month={ISSUED}")
    assert unknown.status_code == 404
    assert "text/html" in unknown.headers["content-type"]
