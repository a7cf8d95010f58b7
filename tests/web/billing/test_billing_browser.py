"""The owner's month end in a real browser: run November, see the drafts, be refused before the
month's last day has closed, finalize once it has, record a payment and see the dues change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from milkrun.billing import settlement
from milkrun.billing.models import Invoice
from milkrun.payments.schemas import PaymentCreate
from tests import factories
from tests.billing import factories as bf
from tests.factories import ACTOR
from tests.web.conftest import LiveServer, log_in


@pytest.mark.browser
def test_the_owner_bills_a_month_and_records_a_payment(page: Page, live_server: LiveServer) -> None:
    with live_server.database.session_scope() as session:
        admin = factories.admin_user(session)
        route = factories.route(session, name="Indiranagar")
        milk = factories.product(session, sku="TM500", price="28.00")
        asha = factories.customer(session, route=route, name="Asha Iyer")
        for day in (3, 4, 5):
            made = bf.order(
                session, customer_id=asha.id, product_id=milk.id, day=dt.date(2026, 11, day)
            )
            bf.deliver(session, made, by=admin)
        admin_phone, asha_id = admin.phone, asha.id
    assert admin_phone
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, live_server.url, admin_phone)
    page.get_by_role("link", name="Billing").click()
    page.get_by_role("link", name="‹ 2026-11").click()
    expect(page.get_by_role("heading", name="Billing · November 2026")).to_be_visible()
    expect(page.locator("#runs")).to_contain_text("Billing has not been run")

    page.get_by_role("button", name="Run billing (rebuild the drafts)").click()
    expect(page.locator("#draft-count")).to_have_text("1")
    expect(page.locator("#invoices")).to_contain_text("Asha Iyer")
    expect(page.locator("#routes")).to_contain_text("Indiranagar")

    page.get_by_role("button", name="Finalize the month").click()
    expect(page.locator("#billing-error")).to_contain_text("cannot be finalized yet")
    expect(page.locator("#issued-count")).to_have_text("0")

    # The next morning's close of 30 November, as the scheduler does it.
    with live_server.database.session_scope() as session:
        bf.close_month(session)
    page.goto(f"{live_server.url}/admin/billing?month=2026-11")
    expect(page.locator("#month-state")).to_contain_text("Its last day has closed.")
    page.get_by_role("button", name="Finalize the month").click()
    expect(page.locator("#issued-count")).to_have_text("1")
    expect(page.get_by_role("link", name="All PDFs (ZIP)")).to_be_visible()

    page.get_by_role("link", name="Dues").first.click()
    expect(page.locator("table.dues")).to_contain_text("Asha Iyer")
    expect(page.locator("table.dues")).to_contain_text("₹168.00")
    page.get_by_role("link", name="record a payment").click()
    expect(page.get_by_label("Customer number")).to_have_value(str(asha_id))
    page.get_by_label("Amount (₹)").fill("100")
    page.get_by_label("Paid by").select_option("upi")
    page.get_by_label("Reference").fill("UPI-4242")
    page.get_by_role("button", name="Record").click()
    row = page.locator("tr.just-recorded")
    expect(row).to_contain_text("UPI-4242")
    expect(row).to_contain_text("₹100.00")

    page.get_by_role("link", name="Dues").first.click()
    expect(page.locator("table.dues")).to_contain_text("₹68.00")
    expect(page.locator("#dues-totals")).to_contain_text("₹68.00")


@pytest.mark.browser
def test_the_billing_pages_fit_a_phone(phone_page: Page, live_server: LiveServer) -> None:
    with live_server.database.session_scope() as session:
        admin = factories.admin_user(session)
        route = factories.route(session, name="Jayanagar")
        milk = factories.product(session, sku="TM500", price="28.00")
        asha = factories.customer(session, route=route, name="Asha Iyer")
        for day in (3, 4):
            made = bf.order(
                session, customer_id=asha.id, product_id=milk.id, day=dt.date(2026, 11, day)
            )
            bf.deliver(session, made, by=admin)
        bf.run(session, bf.NOVEMBER, finalize=True)
        data = PaymentCreate(
            customer_id=asha.id, amount=Decimal("500"), method="upi", reference="UPI-A-LONG-1"
        )
        settlement.receive_payment(session, data, ACTOR)
        admin_phone = admin.phone
        invoice_id = session.scalar(select(Invoice.id))
    assert admin_phone
    log_in(phone_page, live_server.url, admin_phone)
    for path in (
        "/admin/billing?month=2026-11",
        f"/admin/invoices/{invoice_id}",
        "/admin/payments",
        "/admin/dues",
        "/admin/billing/reconcile?month=2026-11",
        "/admin",
    ):
        phone_page.goto(live_server.url + path)
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, path


@pytest.mark.browser
def test_the_owner_checks_the_reconciliation_again(page: Page, live_server: LiveServer) -> None:
    with live_server.database.session_scope() as session:
        admin = factories.admin_user(session)
        route = factories.route(session, name="Jayanagar")
        milk = factories.product(session, sku="TM500", price="28.00")
        asha = factories.customer(session, route=route, name="Asha Iyer")
        made = bf.order(session, customer_id=asha.id, product_id=milk.id, day=dt.date(2026, 11, 3))
        bf.deliver(session, made, by=admin)
        admin_phone, asha_id, milk_id, admin_id = admin.phone, asha.id, milk.id, admin.id
    assert admin_phone
    log_in(page, live_server.url, admin_phone)
    page.goto(f"{live_server.url}/admin/billing/reconcile?month=2026-11")
    expect(page.locator("#checked-at")).to_contain_text("checked from this page")
    expect(page.locator("#unbilled-title")).to_contain_text("1")

    # Another delivery stored behind the page's back: the stored check stays until asked.
    with live_server.database.session_scope() as session:
        more = bf.order(session, customer_id=asha_id, product_id=milk_id, day=dt.date(2026, 11, 4))
        boss = session.get(type(admin), admin_id)
        assert boss is not None
        bf.deliver(session, more, by=boss)
    page.reload()
    expect(page.locator("#unbilled-title")).to_contain_text("1")

    page.get_by_role("button", name="Check again").click()
    expect(page.get_by_role("status").first).to_contain_text("Checked again")
    expect(page.locator("#unbilled-title")).to_contain_text("2")
    assert "done=checked" in page.url
