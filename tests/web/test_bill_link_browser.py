"""A customer opens the link to a bill on a phone (390 px wide) and sees the amount due, the UPI
QR code, a button that opens a UPI app and, next to them, "Pay online" (the dairy's Razorpay
payment link, made by the local fake Razorpay), with nothing wider than the screen."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, expect

from milkrun import clock
from milkrun.audit.service import Actor
from milkrun.bill_links import service
from milkrun.billing.models import Invoice
from milkrun.config import Settings
from tests import factories
from tests.billing import factories as bf
from tests.conftest import TEST_SECRET
from tests.payments.conftest import gateway_settings
from tests.payments.fake_razorpay import FakeRazorpay
from tests.web.conftest import LiveServer, log_in

VPA = "nandinidairy@okaxis"


@pytest.fixture
def razorpay() -> Iterator[FakeRazorpay]:
    with FakeRazorpay() as fake:
        yield fake


@pytest.fixture
def settings(database_url: str, razorpay: FakeRazorpay) -> Settings:
    """The dairy with a UPI ID and Razorpay (the local fake)."""
    found = gateway_settings(database_url, razorpay.url, upi_vpa=VPA)
    assert found.secret_key.get_secret_value() == TEST_SECRET
    return found


@pytest.fixture(autouse=True)
def _early_december() -> None:
    clock.freeze(dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC))


@dataclass(frozen=True)
class Billed:
    customer_id: int
    invoice_id: int
    admin_id: int
    admin_phone: str


def billed(live_server: LiveServer) -> Billed:
    """November's bill of a customer (2 × ₹21.25 = ₹42.50), issued: the customer's id, the
    bill's id and the admin."""
    with live_server.database.session_scope() as session:
        admin = factories.admin_user(session)
        customer = factories.customer(session, name="Asha Iyer")
        product = factories.product(session, sku="TM500", price="21.25")
        made = bf.order(
            session,
            customer_id=customer.id,
            product_id=product.id,
            day=dt.date(2026, 11, 5),
            quantity=2,
            price_paise=2125,
        )
        bf.deliver(session, made, by=admin)
        bf.run(session, bf.NOVEMBER, finalize=True)
        (invoice,) = bf.invoices_of(session, customer.id)
        assert admin.phone is not None
        return Billed(customer.id, invoice.id, admin.id, admin.phone)


def bill_link(live_server: LiveServer) -> tuple[str, str]:
    """A link to a customer's issued November bill, and the bill's number."""
    made = billed(live_server)
    with live_server.database.session_scope() as session:
        invoice = session.get(Invoice, made.invoice_id)
        assert invoice is not None
        actor = Actor(user_id=made.admin_id, label="admin", channel="test", request_id=None)
        _, token = service.create_link(session, invoice.id, actor, days=30)
        assert invoice.number is not None
        return service.url_of(token, live_server.url), invoice.number


@pytest.mark.browser
def test_a_customer_opens_a_bill_link_on_a_phone_and_sees_the_qr_and_the_amount_due(
    live_server: LiveServer, browser: Browser, razorpay: FakeRazorpay
) -> None:
    url, number = bill_link(live_server)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        response = page.goto(url)
        assert response is not None
        assert response.status == 200
        assert response.headers["referrer-policy"] == "no-referrer"

        expect(page.get_by_role("heading", name=f"Bill {number}")).to_be_visible()
        expect(page.locator(".amount-due")).to_have_text("₹42.50")
        qr = page.get_by_role("img", name="UPI QR code to pay ₹42.50")
        expect(qr).to_be_visible()
        box = qr.bounding_box()
        assert box is not None
        assert box["width"] >= 150  # big enough to scan from another phone
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= 390
        button = page.get_by_role("link", name="Pay with a UPI app")
        expect(button).to_be_visible()
        href = button.get_attribute("href")
        assert href is not None
        fields = parse_qs(urlsplit(href).query)
        assert href.startswith("upi://pay?")
        assert fields["am"] == ["42.50"]
        assert fields["pa"] == [VPA]
        assert fields["tn"] == [number]
        online = page.get_by_role("link", name="Pay online ₹42.50")
        expect(online).to_be_visible()
        (link,) = razorpay.links.values()  # made when the page was first opened
        assert online.get_attribute("href") == link["short_url"]
        assert link["amount"] == 4250
        online_box = online.bounding_box()
        assert online_box is not None
        assert online_box["x"] + online_box["width"] <= 390
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        shots = os.environ.get("MILKRUN_SCREENSHOTS")
        if shots:
            page.screenshot(path=str(Path(shots) / "bill-link-phone.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.browser
def test_the_owner_sends_a_bill_link_from_a_phone(
    live_server: LiveServer, browser: Browser
) -> None:
    made = billed(live_server)
    context = browser.new_context(viewport={"width": 375, "height": 740})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        log_in(page, live_server.url, made.admin_phone)
        page.goto(f"{live_server.url}/admin/customers/{made.customer_id}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        shots = os.environ.get("MILKRUN_SCREENSHOTS")
        if shots:
            page.locator("#money").screenshot(path=str(Path(shots) / "send-bill-link.png"))
        page.get_by_role("button", name="Send bill link").click()
        if shots:
            page.screenshot(path=str(Path(shots) / "bill-link-made.png"), full_page=True)

        url = page.get_by_label("The bill link").input_value()
        assert url.startswith(f"{live_server.settings.base_url}/b/")  # the public address
        expect(page.get_by_role("link", name="Send by WhatsApp")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.goto(live_server.url + urlsplit(url).path)
        expect(page.locator(".amount-due")).to_have_text("₹42.50")
    finally:
        context.close()
