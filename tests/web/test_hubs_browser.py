"""On a phone (390 px): the owner declares a holiday for a hub and sees what it did; a customer
accepts a festival offer on its page. Nothing is wider than the screen."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from milkrun import clock
from milkrun.hubs.scope import EVERY_HUB
from milkrun.offers import service as offer_service
from tests import factories
from tests.factories import ACTOR
from tests.hubs.two_hubs import TwoHubs, make_two_hubs
from tests.web.conftest import LiveServer, log_in

NOW = dt.datetime(2026, 12, 1, 4, 30, tzinfo=dt.UTC)  # 10:00 in Bengaluru
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}


def _dairy(live_server: LiveServer) -> tuple[TwoHubs, str]:
    with live_server.database.session_scope() as session:
        hubs = make_two_hubs(session, live_server.settings)
        customer = factories.customer_user(session, route=hubs.south, name="Geetha Bhat")
        offer_service.create_offer(
            session,
            dt.date(2026, 12, 4),
            hubs.dairy.curd.id,
            "Festival special: thick curd",
            "Set the evening before, for your festival cooking.",
            ACTOR,
            EVERY_HUB,
            today=dt.date(2026, 12, 1),
        )
        assert customer.phone is not None
        return hubs, customer.phone


def _phone(browser: Browser, viewport: dict[str, int] = PHONE) -> Page:
    context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
    context.set_default_timeout(10_000)
    return context.new_page()


def _shot(page: Page, name: str) -> None:
    shots = os.environ.get("MILKRUN_SCREENSHOTS")
    if shots:
        page.screenshot(path=str(Path(shots) / name), full_page=True)


@pytest.mark.browser
def test_the_owner_declares_a_holiday_on_a_phone(live_server: LiveServer, browser: Browser) -> None:
    hubs, _ = _dairy(live_server)
    clock.freeze(NOW)
    page = _phone(browser)
    try:
        assert hubs.owner.phone is not None
        log_in(page, live_server.url, hubs.owner.phone)
        page.goto(f"{live_server.url}/admin/holidays")
        page.get_by_label("Date").fill("2026-12-03")
        page.get_by_label("Where").select_option(label="Jayanagar")
        page.get_by_label("Reason (customers read it)").fill("Cold room repair")
        page.get_by_role("button", name="Declare the holiday").click()
        expect(page.get_by_role("status")).to_contain_text("customer told")
        expect(page.locator("#holidays")).to_contain_text("Cold room repair")
        expect(page.locator("#holidays")).to_contain_text("Jayanagar")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        _shot(page, "holidays-phone.png")
        page.goto(f"{live_server.url}/admin/hubs")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        _shot(page, "hubs-phone.png")
    finally:
        page.context.close()
    wide = _phone(browser, LAPTOP)
    try:
        assert hubs.owner.phone is not None
        log_in(wide, live_server.url, hubs.owner.phone)
        wide.goto(f"{live_server.url}/admin/holidays")
        _shot(wide, "holidays-desktop.png")
        wide.goto(f"{live_server.url}/admin/hubs")
        _shot(wide, "hubs-desktop.png")
        wide.goto(f"{live_server.url}/admin/offers")
        _shot(wide, "offers-desktop.png")
    finally:
        wide.context.close()


@pytest.mark.browser
def test_a_customer_accepts_a_festival_offer_on_a_phone(
    live_server: LiveServer, browser: Browser
) -> None:
    _, phone = _dairy(live_server)
    clock.freeze(NOW)
    page = _phone(browser)
    try:
        log_in(page, live_server.url, phone)
        offer = page.locator("#offers")
        expect(offer).to_contain_text("Festival special: thick curd")
        expect(offer).to_contain_text("₹35.00 each")
        offer.get_by_label("How many").fill("2")
        offer.get_by_role("button", name="Yes, deliver it").click()
        expect(page.locator("#offers")).to_contain_text("You ordered 2")
        expect(page.get_by_role("status").first).to_contain_text("festival offer accepted")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        _shot(page, "offer-phone.png")
    finally:
        page.context.close()
