"""A prepaid customer running low: tomorrow is held (the board lists it, the customer's phone
page says so), the owner records a top-up on the payments page, and tomorrow comes back."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from milkrun import clock
from milkrun.config import Settings
from milkrun.orders.models import Order
from milkrun.payments.schemas import PaymentCreate
from milkrun.wallets import generation, service
from milkrun.wallets.schemas import WalletUpdate
from tests import factories
from tests.web.conftest import LiveServer, log_in

TODAY = dt.date(2026, 12, 3)
TOMORROW = TODAY + dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _early_december() -> None:
    clock.freeze(dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC))


@dataclass(frozen=True)
class Household:
    customer_id: int
    customer_phone: str
    admin_phone: str


def running_low(live_server: LiveServer, settings: Settings) -> Household:
    """Asha, prepaid, two pouches (₹56) a day, ₹100 paid: today fits, tomorrow is held."""
    with live_server.database.session_scope() as session:
        admin = factories.admin_user(session)
        route = factories.route(session)
        user = factories.customer_user(session, name="Asha Iyer", route=route)
        assert user.customer_id is not None
        assert user.phone
        assert admin.phone
        milk = factories.product(session, sku="TM500", price="28.00")
        factories.subscription(
            session,
            customer=user.customer_id,
            product=milk,
            start=dt.date(2026, 12, 1),
            schedule={"kind": "daily", "quantity": 2},
        )
        service.set_wallet(
            session,
            user.customer_id,
            WalletUpdate(is_prepaid=True),
            factories.ACTOR,
            threshold_paise=0,
            today=TODAY,
        )
        service.receive_payment(
            session,
            PaymentCreate(customer_id=user.customer_id, amount=Decimal("100.00"), method="upi"),
            factories.ACTOR,
            threshold_paise=0,
            today=TODAY,
        )
        for day in (TODAY, TOMORROW):
            generation.materialize(session, day, factories.ACTOR, settings, trigger="test")
        return Household(user.customer_id, user.phone, admin.phone)


def orders_tomorrow(live_server: LiveServer, customer_id: int) -> int:
    with live_server.database.session_scope() as session:
        return len(
            session.scalars(
                select(Order).where(
                    Order.customer_id == customer_id,
                    Order.delivery_date == TOMORROW,
                    Order.status == "scheduled",
                )
            ).all()
        )


@pytest.mark.browser
def test_a_low_wallet_skips_tomorrow_and_a_top_up_brings_it_back(
    live_server: LiveServer, browser: Browser, settings: Settings
) -> None:
    home = running_low(live_server, settings)
    assert orders_tomorrow(live_server, home.customer_id) == 0
    shots = os.environ.get("MILKRUN_SCREENSHOTS")
    owner = browser.new_context(viewport={"width": 1280, "height": 900})
    customer = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    owner.set_default_timeout(10_000)
    customer.set_default_timeout(10_000)
    try:
        desk = owner.new_page()
        log_in(desk, live_server.url, home.admin_phone)
        desk.goto(f"{live_server.url}/admin")
        low = desk.locator("ul.low-balance")
        expect(low).to_contain_text("Asha Iyer")
        expect(low).to_contain_text("wallet ₹44.00, needs ₹56.00")

        phone = customer.new_page()
        log_in(phone, live_server.url, home.customer_phone)
        phone.goto(f"{live_server.url}/me")
        expect(phone.locator("#wallet-balance")).to_have_text("₹44.00")
        notice = phone.locator("#wallet .low-balance")
        expect(notice).to_contain_text("Low balance")
        expect(notice).to_contain_text("Friday 04 December")
        expect(phone.locator("#week")).to_contain_text("Nothing (low balance: top up)")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        if shots:
            phone.screenshot(path=str(Path(shots) / "wallet-phone.png"), full_page=True)

        desk.goto(f"{live_server.url}/admin/customers/{home.customer_id}")
        expect(desk.locator("#wallet .low-balance")).to_contain_text("not delivered")
        if shots:
            desk.locator("#wallet").screenshot(path=str(Path(shots) / "wallet-desktop.png"))
        desk.goto(f"{live_server.url}/admin/payments")
        desk.get_by_label("Customer number").fill(str(home.customer_id))
        desk.get_by_label("Amount (₹)").fill("200")
        desk.get_by_label("Reference").fill("UPI-TOPUP-1")
        desk.get_by_role("button", name="Record").click()
        expect(desk.locator("#payments")).to_contain_text("UPI-TOPUP-1")

        assert orders_tomorrow(live_server, home.customer_id) == 1
        desk.goto(f"{live_server.url}/admin")
        expect(desk.locator("ul.low-balance")).to_have_count(0)
        phone.reload()
        expect(phone.locator("#wallet-balance")).to_have_text("₹244.00")
        expect(phone.locator("#wallet .low-balance")).to_have_count(0)
    finally:
        owner.close()
        customer.close()
