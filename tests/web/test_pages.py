"""The pages in headless Chromium: logging in, the admin's today board and customers, a
customer's own page, logging out."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import Dairy, LiveServer, log_in

pytestmark = pytest.mark.browser


def test_admin_logs_in_and_sees_the_today_board(
    page: Page, live_server: LiveServer, seeded: Dairy
) -> None:
    log_in(page, live_server.url, seeded.admin_phone)
    expect(page).to_have_url(f"{live_server.url}/admin")
    expect(page.get_by_role("heading", level=1)).to_have_text(live_server.settings.business_name)
    expect(page.get_by_role("heading", name="Deliveries today")).to_be_visible()
    expect(page.locator(f'li.route-progress[data-route="{seeded.route_name}"]')).to_be_visible()
    expect(page.locator("#waiting .count")).to_have_text("0")
    expect(page.locator("header.bar")).to_contain_text("Priya Admin")


def test_admin_lists_and_searches_customers(
    page: Page, live_server: LiveServer, seeded: Dairy
) -> None:
    log_in(page, live_server.url, seeded.admin_phone)
    page.get_by_role("link", name="Customers").click()
    expect(page).to_have_url(f"{live_server.url}/admin/customers")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(len(seeded.customer_names))
    for name in seeded.customer_names:
        expect(page.locator("tbody")).to_contain_text(name)
    expect(page.locator("tbody")).to_contain_text(seeded.route_name)

    page.get_by_label("Search").fill("meera")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"/admin/customers\?q=meera"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Meera Nair")

    page.get_by_label("Search").fill("nobody at all")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".count")).to_contain_text("No customers match.")


def test_a_wrong_password_shows_the_error(
    page: Page, live_server: LiveServer, seeded: Dairy
) -> None:
    log_in(page, live_server.url, seeded.admin_phone, "not-the-password")
    expect(page.get_by_role("alert")).to_have_text("Wrong username or password")
    expect(page).to_have_url(f"{live_server.url}/login")
    # The username stays filled in; the password does not.
    expect(page.get_by_label("Phone or email")).to_have_value(seeded.admin_phone)
    expect(page.get_by_label("Password")).to_have_value("")
    page.goto(f"{live_server.url}/admin")
    expect(page).to_have_url(re.compile(r"/login\?next=/admin$"))


def test_a_customer_lands_on_its_own_page(
    page: Page, live_server: LiveServer, seeded: Dairy
) -> None:
    log_in(page, live_server.url, seeded.customer_phone)
    expect(page).to_have_url(f"{live_server.url}/me")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {seeded.customer_name}")
    expect(page.locator("main")).to_contain_text(seeded.route_name)
    # The admin's pages are not for customers.
    page.goto(f"{live_server.url}/admin/customers")
    expect(page).to_have_url(re.compile(r"/login"))


def test_the_next_page_after_login(page: Page, live_server: LiveServer, seeded: Dairy) -> None:
    page.goto(f"{live_server.url}/admin/customers")
    expect(page).to_have_url(re.compile(r"/login\?next=/admin/customers$"))
    page.get_by_label("Phone or email").fill(seeded.admin_phone)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{live_server.url}/admin/customers")


def test_logout(page: Page, live_server: LiveServer, seeded: Dairy) -> None:
    log_in(page, live_server.url, seeded.customer_phone)
    expect(page).to_have_url(f"{live_server.url}/me")
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{live_server.url}/login")
    # No login left; only the anonymous cookie the login form's CSRF token is bound to, and
    # the language the pages are read in (a preference, not a login).
    names = sorted(cookie["name"] for cookie in page.context.cookies())
    assert names in (["milkrun_csrf"], ["milkrun_csrf", "milkrun_language"])
    page.goto(f"{live_server.url}/me")
    expect(page).to_have_url(re.compile(r"/login\?next=/me$"))


def _page_width(page: Page) -> int:
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width


def test_the_pages_fit_a_phone(phone_page: Page, live_server: LiveServer, seeded: Dairy) -> None:
    """On a 375 px screen nothing widens the page: a list's rows stack into cards."""
    log_in(phone_page, live_server.url, seeded.admin_phone)
    for path in (
        "/admin",
        "/admin/customers",
        "/admin/products",
        "/admin/routes",
        "/admin/staff",
        "/admin/orders/generate",
        "/admin/audit",
        "/admin/reports",
    ):
        phone_page.goto(live_server.url + path)
        assert _page_width(phone_page) <= 375, path
    expect(phone_page.get_by_role("button", name="Log out")).to_be_in_viewport()
    phone_page.goto(f"{live_server.url}/admin/customers")
    table = phone_page.locator("table")
    assert table.evaluate("t => t.scrollWidth <= t.clientWidth")  # no sideways scroll
