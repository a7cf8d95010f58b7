"""Payments (record, allocation, duplicates), dues by age (sort, CSV) and reconciliation pages;
odd addresses answered with 4xx pages."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories
from tests.billing import factories as bf
from tests.factories import Login
from tests.web.billing.conftest import (
    NOVEMBER,
    Month,
    finalized,
    invoice_of,
    milk_product,
    payments,
)

# --- payments ------------------------------------------------------------------------------------


def test_recording_a_payment_shows_where_it_went(
    admin_client: TestClient, session: Session, november: Month
) -> None:
    finalized(admin_client, session)
    bill = invoice_of(session, november.asha.id)
    done = admin_client.post(
        "/admin/payments",
        data={
            "customer_id": str(november.asha.id),
            "amount": "200",
            "method": "upi",
            "reference": "UPI-77",
        },
    )
    assert done.status_code == 303
    page = admin_client.get(done.headers["location"])
    assert "recorded" in page.text
    row = re.search(r'<tr class="just-recorded".*?</tr>', page.text, re.S)
    assert row, page.text
    assert "UPI-77" in row.group(0)
    assert f"{bill.number}</a> ₹168.00" in row.group(0)
    assert "₹32.00 kept as credit" in row.group(0)
    assert "Showing 1 of 1 payment" in page.text


def test_a_reused_reference_is_refused_and_the_form_kept(
    admin_client: TestClient, session: Session, november: Month
) -> None:
    body = {"customer_id": str(november.asha.id), "amount": "50", "method": "upi"}
    admin_client.post("/admin/payments", data={**body, "reference": "R1"})
    refused = admin_client.post("/admin/payments", data={**body, "reference": "R1"})
    assert refused.status_code == 409
    assert "already recorded" in refused.text
    assert 'value="R1"' in refused.text
    assert payments(session) == 1


def test_a_likely_duplicate_asks_to_be_confirmed(
    admin_client: TestClient, session: Session, november: Month
) -> None:
    body = {"customer_id": str(november.ravi.id), "amount": "100", "method": "cash"}
    assert admin_client.post("/admin/payments", data=body).status_code == 303
    warned = admin_client.post("/admin/payments", data=body)
    assert warned.status_code == 409
    assert "was already recorded" in warned.text
    assert 'name="confirm"' in warned.text
    assert payments(session) == 1
    confirmed = admin_client.post("/admin/payments", data={**body, "confirm": "1"})
    assert confirmed.status_code == 303
    assert payments(session) == 2


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"amount": "0", "method": "cash"}, "more than ₹0.00"),
        ({"amount": "ten", "method": "cash"}, "Amount: rupees"),
        ({"amount": "10", "method": "cheque"}, "Choose how it was paid"),
    ],
)
def test_a_bad_payment_is_refused_in_words(
    admin_client: TestClient, session: Session, november: Month, body: dict[str, str], words: str
) -> None:
    refused = admin_client.post(
        "/admin/payments", data={"customer_id": str(november.asha.id), **body}
    )
    assert refused.status_code == 400
    assert words in refused.text
    assert payments(session) == 0


def test_a_payment_for_no_customer_is_refused(admin_client: TestClient, session: Session) -> None:
    refused = admin_client.post(
        "/admin/payments", data={"customer_id": "424242", "amount": "10", "method": "cash"}
    )
    assert refused.status_code == 404
    assert 'value="424242"' in refused.text
    assert payments(session) == 0


# --- dues ----------------------------------------------------------------------------------------


def test_dues_by_age_change_with_a_payment_and_give_the_csv(
    admin_client: TestClient, session: Session, november: Month
) -> None:
    finalized(admin_client, session)
    page = admin_client.get("/admin/dues")
    assert page.status_code == 200
    assert "Showing 2 of 2 customers who owe" in page.text
    assert "₹336.00" in page.text  # the total, all of it 0–30 days old
    admin_client.post(
        "/admin/payments",
        data={"customer_id": str(november.asha.id), "amount": "168", "method": "cash"},
    )
    page = admin_client.get("/admin/dues")
    assert "Showing 1 of 1 customer who owe" in page.text
    assert "Ravi Rao" in page.text
    assert "Asha Iyer" not in page.text
    data = admin_client.get("/admin/dues.csv?sort=name&order=asc")
    assert data.status_code == 200
    assert data.headers["content-type"].startswith("text/csv")
    assert "attachment" in data.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(data.text)))
    assert rows[0][:3] == ["customer_id", "customer", "phone"]
    assert rows[1][1] == "Ravi Rao"
    assert rows[1][3] == "168.00"
    assert rows[1][7] == "168.00"


def test_dues_sort_and_buckets_by_age(
    admin_client: TestClient, session: Session, november: Month, admin: Login
) -> None:
    # Ravi also had October, billed on 1 November: 32 days old on 3 December (31–60).
    october = dt.date(2026, 10, 1)
    for day in (6, 7, 8):
        made = bf.order(
            session,
            customer_id=november.ravi.id,
            product_id=milk_product(session),
            day=dt.date(2026, 10, day),
        )
        bf.deliver(session, made, by=admin.user)
    bf.run(session, october, finalize=True, today=dt.date(2026, 11, 1))
    session.commit()
    finalized(admin_client, session)
    rows = list(
        csv.reader(io.StringIO(admin_client.get("/admin/dues.csv?sort=31-60&order=desc").text))
    )
    assert rows[1][1] == "Ravi Rao"
    assert rows[1][3] == "168.00"
    assert rows[1][4] == "168.00"
    assert rows[1][7] == "336.00"
    assert rows[2][1] == "Asha Iyer"
    assert rows[2][3] == "168.00"
    page = admin_client.get("/admin/dues?sort=bogus&order=sideways&page=0")
    assert page.status_code == 200  # an unknown sort is the default one
    assert 'aria-sort="descending"' in page.text


# --- reconciliation -----------------------------------------------------------------------------


def test_reconciliation_lists_unbilled_and_unresolved_orders_with_links(
    admin_client: TestClient, session: Session, november: Month
) -> None:
    product = factories.product(session, sku="CURD", price="40.00")
    bf.order(session, customer_id=november.ravi.id, product_id=product.id, day=dt.date(2026, 11, 9))
    session.commit()
    page = admin_client.get(f"/admin/billing/reconcile?month={NOVEMBER}")
    assert page.status_code == 200
    assert 'id="not-clean"' in page.text
    route_day = f"/admin/routes/{november.route.id}/day?date=2026-11-09"
    assert route_day in page.text
    assert f"/admin/customers/{november.ravi.id}" in page.text
    assert 'Delivered, not billed <span class="count">6</span>' in page.text
    refused = admin_client.get("/admin/billing/reconcile?month=2030-01")
    assert refused.status_code == 400
    assert "has not begun yet" in refused.text


def test_a_billed_and_closed_month_reconciles_clean(
    admin_client: TestClient, session: Session, november: Month
) -> None:
    finalized(admin_client, session)
    page = admin_client.get(f"/admin/billing/reconcile?month={NOVEMBER}")
    assert 'id="clean"' in page.text


@pytest.mark.parametrize(
    "path",
    [
        "/admin/billing/reconcile?month=2026-13",
        "/admin/billing?month=soon",
        "/admin/billing/pdfs.zip?month=x",
        "/admin/billing?page=abc",
        "/admin/dues?page=abc",
        "/admin/payments?cursor=not-a-cursor",
    ],
)
def test_odd_addresses_are_answered_in_words_not_with_a_crash(
    admin_client: TestClient, path: str
) -> None:
    answer = admin_client.get(path)
    assert 400 <= answer.status_code < 500
    assert "text/html" in answer.headers["content-type"]
