"""The reports and the board per hub, in a browser: the Jayanagar manager's reports show its
hub's rows only (no hub to choose), on a phone and a laptop; the owner narrows the board to one
hub with its filter, which stays in the URL and in the board's own refresh request, and narrows a
report and the billing month the same way. Nothing is wider than a 390-px screen."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from milkrun import clock
from milkrun.orders import generate
from tests.billing import factories as billing_factories
from tests.factories import ACTOR
from tests.hubs.two_hubs import TwoHubs, make_two_hubs
from tests.order_book import TODAY
from tests.web.conftest import LiveServer, log_in

NOW = dt.datetime(2026, 12, 1, 4, 30, tzinfo=dt.UTC)  # 10:00 in Bengaluru
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
EAST_ROUTE = "Indiranagar 100 Feet Road"
SOUTH_ROUTE = "Jayanagar 4th Block"


def _dairy(live_server: LiveServer) -> TwoHubs:
    with live_server.database.session_scope() as session:
        hubs = make_two_hubs(session, live_server.settings)
        hubs.east.name = EAST_ROUTE
        generate.materialize(session, TODAY, ACTOR)
        return hubs


def _page(browser: Browser, viewport: dict[str, int]) -> Page:
    context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
    context.set_default_timeout(10_000)
    return context.new_page()


def _shot(page: Page, name: str) -> None:
    shots = os.environ.get("MILKRUN_SCREENSHOTS")
    if shots:
        page.screenshot(path=str(Path(shots) / name), full_page=True)


@pytest.mark.browser
@pytest.mark.parametrize(("viewport", "size"), [(PHONE, "phone"), (LAPTOP, "desktop")])
def test_a_hub_managers_reports(
    live_server: LiveServer, browser: Browser, viewport: dict[str, int], size: str
) -> None:
    hubs = _dairy(live_server)
    clock.freeze(NOW)
    page = _page(browser, viewport)
    try:
        assert hubs.south_admin.phone is not None
        log_in(page, live_server.url, hubs.south_admin.phone)
        page.goto(f"{live_server.url}/admin/reports/requirement")
        expect(page.locator("#hub-in-view")).to_contain_text("Jayanagar")
        table = page.locator("table.report-table")
        expect(table).to_contain_text(SOUTH_ROUTE)
        expect(table).not_to_contain_text(EAST_ROUTE)
        expect(page.get_by_label("Hub")).to_have_count(0)  # nothing to choose
        if size == "phone":
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
        _shot(page, f"admin-report-hub-manager-{size}.png")
        page.goto(f"{live_server.url}/admin")
        expect(page.locator("#progress")).to_contain_text(SOUTH_ROUTE)
        expect(page.locator("#progress")).not_to_contain_text(EAST_ROUTE)
        if size == "phone":
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
        _shot(page, f"admin-board-hub-manager-{size}.png")
    finally:
        page.context.close()


@pytest.mark.browser
@pytest.mark.parametrize(("viewport", "size"), [(PHONE, "phone"), (LAPTOP, "desktop")])
def test_the_owner_narrows_the_board_and_a_report_to_a_hub(
    live_server: LiveServer, browser: Browser, viewport: dict[str, int], size: str
) -> None:
    hubs = _dairy(live_server)
    clock.freeze(NOW)
    page = _page(browser, viewport)
    try:
        assert hubs.owner.phone is not None
        log_in(page, live_server.url, hubs.owner.phone)
        page.goto(f"{live_server.url}/admin")
        progress = page.locator("#progress")
        expect(progress).to_contain_text(EAST_ROUTE)
        expect(progress).to_contain_text(SOUTH_ROUTE)
        page.locator(".hub-filter").get_by_label("Hub").select_option(label="Jayanagar")
        page.locator(".hub-filter").get_by_role("button", name="Show").click()
        expect(page).to_have_url(f"{live_server.url}/admin?hub={hubs.jayanagar.id}")
        expect(progress).to_contain_text(SOUTH_ROUTE)
        expect(progress).not_to_contain_text(EAST_ROUTE)
        expect(page.locator(".hub-filter").get_by_label("Hub")).to_have_value(
            str(hubs.jayanagar.id)
        )
        # The board's refresh asks for the same hub, and its answer keeps to it.
        refresh = progress.get_attribute("data-refresh")
        assert refresh == f"/admin/board/progress?hub={hubs.jayanagar.id}"
        refreshed = page.evaluate("url => fetch(url).then(r => r.text())", refresh)
        assert SOUTH_ROUTE in refreshed
        assert EAST_ROUTE not in refreshed
        assert f'data-refresh="{refresh}"' in refreshed
        if size == "phone":
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
        _shot(page, f"admin-board-hub-filter-{size}.png")

        page.goto(f"{live_server.url}/admin/reports/requirement")
        table = page.locator("table.report-table")
        expect(table).to_contain_text(EAST_ROUTE)
        page.get_by_label("Hub").select_option(label="Indiranagar")
        page.get_by_role("button", name="Show").click()
        expect(page.locator("#hub-in-view")).to_contain_text("Indiranagar")
        expect(table).to_contain_text(EAST_ROUTE)
        expect(table).not_to_contain_text(SOUTH_ROUTE)
        csv = page.get_by_role("link", name="Download CSV")
        assert f"hub={hubs.indiranagar.id}" in (csv.get_attribute("href") or "")
        if size == "phone":
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
        _shot(page, f"admin-report-hub-filter-{size}.png")
    finally:
        page.context.close()


@pytest.mark.browser
@pytest.mark.parametrize(("viewport", "size"), [(PHONE, "phone"), (LAPTOP, "desktop")])
def test_the_owner_narrows_the_billing_month_to_a_hub(
    live_server: LiveServer, browser: Browser, viewport: dict[str, int], size: str
) -> None:
    hubs = _dairy(live_server)
    with live_server.database.session_scope() as session:
        for customer in (hubs.dairy.customer, hubs.south_customer):
            billing_factories.issued_invoice(
                session, customer.id, total_paise=5600, customer_name=customer.name
            )
    clock.freeze(NOW)
    page = _page(browser, viewport)
    try:
        assert hubs.owner.phone is not None
        log_in(page, live_server.url, hubs.owner.phone)
        page.goto(f"{live_server.url}/admin/billing?month=2026-11")
        invoices = page.locator("#invoices")
        expect(invoices).to_contain_text("Asha Iyer")
        expect(invoices).to_contain_text("Lakshmi Rao")
        hub = page.locator(".hub-filter").get_by_label("Hub")
        hub.select_option(label="Jayanagar")
        page.locator(".hub-filter").get_by_role("button", name="Show").click()
        expect(page).to_have_url(
            f"{live_server.url}/admin/billing?month=2026-11&hub={hubs.jayanagar.id}"
        )
        expect(page.locator("#hub-in-view")).to_contain_text("Jayanagar")
        expect(invoices).to_contain_text("Lakshmi Rao")
        expect(invoices).not_to_contain_text("Asha Iyer")
        expect(hub).to_have_value(str(hubs.jayanagar.id))
        zip_link = page.get_by_role("link", name="All PDFs (ZIP)")
        assert f"hub={hubs.jayanagar.id}" in (zip_link.get_attribute("href") or "")
        previous = page.get_by_role("link", name="‹ 2026-10")
        assert f"hub={hubs.jayanagar.id}" in (previous.get_attribute("href") or "")
        if size == "phone":
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
        _shot(page, f"admin-billing-hub-filter-{size}.png")

        hub.select_option(label="All hubs")
        page.locator(".hub-filter").get_by_role("button", name="Show").click()
        expect(invoices).to_contain_text("Asha Iyer")
        expect(page.locator("#hub-in-view")).to_have_count(0)
    finally:
        page.context.close()


@pytest.mark.browser
def test_a_hub_manager_has_no_hub_to_choose_on_the_billing_month(
    live_server: LiveServer, browser: Browser
) -> None:
    hubs = _dairy(live_server)
    with live_server.database.session_scope() as session:
        billing_factories.issued_invoice(
            session, hubs.south_customer.id, total_paise=5600, customer_name="Lakshmi Rao"
        )
    clock.freeze(NOW)
    page = _page(browser, PHONE)
    try:
        assert hubs.south_admin.phone is not None
        log_in(page, live_server.url, hubs.south_admin.phone)
        page.goto(f"{live_server.url}/admin/billing?month=2026-11&hub={hubs.indiranagar.id}")
        expect(page.locator("#invoices")).to_contain_text("Lakshmi Rao")
        expect(page.locator(".hub-filter")).to_have_count(0)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        _shot(page, "admin-billing-hub-manager-phone.png")
    finally:
        page.context.close()
