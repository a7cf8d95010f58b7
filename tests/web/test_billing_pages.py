"""The owner's billing pages: the month (run, drafts per route, finalize once closed, ZIP of the
PDFs), an invoice (account, PDF, finalize, void with a reason), payments (record, allocation,
duplicates), dues by age (sort, CSV) and reconciliation. Each change goes through the same
service as the API; a refusal re-renders the page with the message and changes nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.billing.models import Invoice
from milkrun.catalog.models import Product
from milkrun.customers.models import Customer
from milkrun.deps import TOKEN_COOKIE
from milkrun.payments.models import Payment
from milkrun.routing.models import Route
from tests import factories
from tests.billing import factories as bf
from tests.factories import Login

NOVEMBER = "2026-11"


@pytest.fixture(autouse=True)
def _early_december() -> Iterator[None]:
    clock.freeze(dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC))
    yield
    clock.freeze(None)


@pytest.fixture
def admin_client(client: TestClient, admin: Login) -> TestClient:
    client.cookies.set(TOKEN_COOKIE, admin.token)
    client.follow_redirects = False
    return client


@dataclass
class Month:
    route: Route
    asha: Customer
    ravi: Customer


@pytest.fixture
def november(session: Session, admin: Login) -> Month:
    """Two customers on one route, each delivered three days of November."""
    route = factories.route(session, name="Koramangala")
    milk = factories.product(session, sku="TM500", price="28.00")
    asha = factories.customer(session, route=route, name="Asha Iyer")
    ravi = factories.customer(session, route=route, name="Ravi Rao")
    for who in (asha, ravi):
        for day in (3, 4, 5):
            made = bf.order(
                session, customer_id=who.id, product_id=milk.id, day=dt.date(2026, 11, day)
            )
            bf.deliver(session, made, by=admin.user)
    session.commit()
    return Month(route, asha, ravi)


def issued(session: Session) -> int:
    session.expire_all()
    return int(
        session.scalar(select(func.count(Invoice.id)).where(Invoice.number.is_not(None))) or 0
    )


def milk_product(session: Session) -> int:
    found = session.scalar(select(Product.id).where(Product.sku == "TM500"))
    assert found is not None
    return found


def run_and_close(client: TestClient, session: Session) -> None:
    assert client.post("/admin/billing/run", data={"month": NOVEMBER}).status_code == 303
    bf.close_month(session)
    session.commit()


# --- the month -----------------------------------------------------------------------------------


def test_running_a_month_shows_its_drafts_per_route(
    admin_client: TestClient, november: Month
) -> None:
    empty = admin_client.get(f"/admin/billing?month={NOVEMBER}")
    assert empty.status_code == 200
    assert "Billing has not been run" in empty.text
    done = admin_client.post("/admin/billing/run", data={"month": NOVEMBER})
    assert done.status_code == 303
    page = admin_client.get(done.headers["location"])
    assert "drafts are rebuilt" in page.text
    assert '<strong id="draft-count">2</strong>' in page.text
    assert "Koramangala" in page.text
    assert "₹336.00" in page.text  # 2 customers x 3 days x 2 x ₹28, on the route's line
    assert "2 new, 0 changed, 0 dropped" in page.text
    assert "Asha Iyer" in page.text
    assert "Ravi Rao" in page.text
    assert "Showing 2 of 2 invoices" in page.text


def test_a_second_run_says_what_changed_since_the_first(
    admin_client: TestClient, session: Session, november: Month, admin: Login
) -> None:
    admin_client.post("/admin/billing/run", data={"month": NOVEMBER})
    extra = bf.order(
        session,
        customer_id=november.asha.id,
        product_id=milk_product(session),
        day=dt.date(2026, 11, 6),
    )
    bf.deliver(session, extra, by=admin.user)
    session.commit()
    admin_client.post("/admin/billing/run", data={"month": NOVEMBER})
    page = admin_client.get(f"/admin/billing?month={NOVEMBER}")
    assert "0 new, 2 changed, 0 dropped" in page.text  # every draft is rebuilt
    assert "the same number of drafts" in page.text
    assert "₹336.00 → ₹392.00" in page.text


def test_finalizing_before_the_last_day_closed_is_refused_in_words(
    admin_client: TestClient, session: Session, november: Month
) -> None:
    admin_client.post("/admin/billing/run", data={"month": NOVEMBER})
    refused = admin_client.post("/admin/billing/finalize", data={"month": NOVEMBER})
    assert refused.status_code == 409
    assert "cannot be finalized yet" in refused.text
    assert "2026-11-30" in refused.text
    assert issued(session) == 0


def test_the_month_is_finalized_in_one_step_once_closed_and_zipped(
    admin_client: TestClient, session: Session, november: Month
) -> None:
    run_and_close(admin_client, session)
    done = admin_client.post("/admin/billing/finalize", data={"month": NOVEMBER})
    assert done.status_code == 303
    assert issued(session) == 2
    page = admin_client.get(done.headers["location"])
    assert "The month is finalized" in page.text
    assert '<strong id="issued-count">2</strong>' in page.text
    archive = admin_client.get(f"/admin/billing/pdfs.zip?month={NOVEMBER}")
    assert archive.status_code == 200
    assert archive.headers["content-type"] == "application/zip"
    assert "bills-2026-11.zip" in archive.headers["content-disposition"]
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert len(names) == 2
    assert all(n.endswith(".pdf") and "/" not in n for n in names)
    first = zipfile.ZipFile(io.BytesIO(archive.content)).read(names[0])
    assert first.startswith(b"%PDF")


def test_a_zip_of_a_month_with_no_bills_is_refused(
    admin_client: TestClient, november: Month
) -> None:
    refused = admin_client.get(f"/admin/billing/pdfs.zip?month={NOVEMBER}")
    assert refused.status_code == 409
    assert "no issued bills" in refused.text


@pytest.mark.parametrize("month", ["2026-13", "November", "2027-01"])
def test_a_month_that_is_no_month_or_not_begun_is_refused(
    admin_client: TestClient, session: Session, november: Month, month: str
) -> None:
    refused = admin_client.post("/admin/billing/run", data={"month": month})
    assert refused.status_code in (400, 409)
    assert 'role="alert"' in refused.text
    session.expire_all()
    assert session.scalar(select(func.count(Invoice.id))) == 0
    assert admin_client.get(f"/admin/billing?month={month}").status_code in (200, 400)


def test_the_nav_leads_to_billing(admin_client: TestClient) -> None:
    page = admin_client.get("/admin")
    assert '<a href="/admin/billing">Billing</a>' in page.text
    billing = admin_client.get("/admin/billing")
    for link in ("/admin/payments", "/admin/dues", "/admin/billing/reconcile"):
        assert f'href="{link}"' in billing.text


def test_the_pages_need_an_admin(client: TestClient, customer: Login) -> None:
    for path in ("/admin/billing", "/admin/payments", "/admin/dues", "/admin/invoices/1"):
        assert client.get(path, follow_redirects=False).status_code == 303
    client.cookies.set(TOKEN_COOKIE, customer.token)
    assert client.get("/admin/dues", follow_redirects=False).status_code == 303


# --- an invoice ----------------------------------------------------------------------------------


def _invoice_of(session: Session, customer_id: int) -> Invoice:
    session.expire_all()
    found = session.scalar(select(Invoice).where(Invoice.customer_id == customer_id))
    assert found is not None
    return found


def test_an_invoice_page_shows_lines_and_finalizes_a_draft(
    admin_client: TestClient, session: Session, november: Month
) -> None:
    run_and_close(admin_client, session)
    draft = _invoice_of(session, november.asha.id)
    page = admin_client.get(f"/admin/invoices/{draft.id}")
    assert page.status_code == 200
    assert "Draft invoice" in page.text
    assert "₹168.00" in page.text
    assert "Finalize this invoice" in page.text
    done = admin_client.post(f"/admin/invoices/{draft.id}/finalize")
    assert done.status_code == 303
    page = admin_client.get(done.headers["location"])
    number = _invoice_of(session, november.asha.id).number
    assert number
    assert f"Invoice {number}" in page.text
    assert 'id="total-due">₹168.00' in page.text  # the account block
    assert "Previous balance" in page.text
    again = admin_client.post(f"/admin/invoices/{draft.id}/finalize")
    assert again.status_code == 409
    assert "already finalized" in again.text
    pdf = admin_client.get(f"/admin/invoices/{draft.id}/pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


def test_finalizing_one_before_the_month_closed_is_refused(
    admin_client: TestClient, session: Session, november: Month
) -> None:
    admin_client.post("/admin/billing/run", data={"month": NOVEMBER})
    draft = _invoice_of(session, november.asha.id)
    refused = admin_client.post(f"/admin/invoices/{draft.id}/finalize")
    assert refused.status_code == 409
    assert "cannot be finalized yet" in refused.text
    assert _invoice_of(session, november.asha.id).number is None


def test_voiding_needs_a_reason_and_then_voids(
    admin_client: TestClient, session: Session, november: Month
) -> None:
    run_and_close(admin_client, session)
    admin_client.post("/admin/billing/finalize", data={"month": NOVEMBER})
    bill = _invoice_of(session, november.ravi.id)
    refused = admin_client.post(f"/admin/invoices/{bill.id}/void", data={"reason": "  "})
    assert refused.status_code == 400
    assert "Say why the bill is voided" in refused.text
    assert _invoice_of(session, november.ravi.id).status == "finalized"
    long = admin_client.post(f"/admin/invoices/{bill.id}/void", data={"reason": "x" * 201})
    assert long.status_code == 400
    assert 'value="' + "x" * 201 + '"' in long.text  # what was typed is kept
    done = admin_client.post(f"/admin/invoices/{bill.id}/void", data={"reason": "wrong address"})
    assert done.status_code == 303
    voided = _invoice_of(session, november.ravi.id)
    assert voided.status == "void"
    assert voided.void_reason == "wrong address"
    page = admin_client.get(done.headers["location"])
    assert "Invoice voided" in page.text
    assert "wrong address" in page.text
    again = admin_client.post(f"/admin/invoices/{bill.id}/void", data={"reason": "again"})
    assert again.status_code == 409
    assert "already void" in again.text


def test_a_draft_is_not_voided(admin_client: TestClient, session: Session, november: Month) -> None:
    admin_client.post("/admin/billing/run", data={"month": NOVEMBER})
    draft = _invoice_of(session, november.asha.id)
    refused = admin_client.post(f"/admin/invoices/{draft.id}/void", data={"reason": "oops"})
    assert refused.status_code == 409
    assert "re-run billing" in refused.text


def test_an_unknown_invoice_is_404(admin_client: TestClient) -> None:
    assert admin_client.get("/admin/invoices/999999").status_code == 404
    assert admin_client.get("/admin/invoices/999999/pdf").status_code == 404


# --- payments ------------------------------------------------------------------------------------


def finalized(client: TestClient, session: Session) -> None:
    run_and_close(client, session)
    assert client.post("/admin/billing/finalize", data={"month": NOVEMBER}).status_code == 303


def payments(session: Session) -> int:
    session.expire_all()
    return int(session.scalar(select(func.count(Payment.id))) or 0)


def test_recording_a_payment_shows_where_it_went(
    admin_client: TestClient, session: Session, november: Month
) -> None:
    finalized(admin_client, session)
    bill = _invoice_of(session, november.asha.id)
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
