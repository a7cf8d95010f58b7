"""The owner's container types in a real browser: on a phone, the owner adds a crate, opens its
edit form, makes it inactive, and deletes it after confirming; the page fits the screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.web.conftest import LiveServer, log_in

pytestmark = pytest.mark.browser


def test_an_owner_adds_retires_and_deletes_a_crate_on_a_phone(
    phone_page: Page, live_server: LiveServer
) -> None:
    with live_server.database.session_scope() as session:
        admin = factories.admin_user(session, name="Priya Admin")
        assert admin.phone is not None
        phone = admin.phone
    page = phone_page
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, phone)
    page.goto(f"{live_server.url}/admin/containers")
    page.get_by_role("link", name="Container types").click()

    page.get_by_label("Name").fill("Curd crate")
    page.get_by_label("Deposit each (₹)").fill("200")
    page.get_by_role("button", name="Add the container type").click()
    expect(page.get_by_text("Container type added.")).to_be_visible()
    expect(page.locator("table.container-types")).to_contain_text("₹200.00")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390

    page.locator("details.type-edit summary").click()
    edit = page.locator("details.type-edit")
    edit.get_by_label("In use (can be chosen for a product)").uncheck()
    edit.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Container type saved.")).to_be_visible()
    expect(page.locator("table.container-types")).to_contain_text("inactive")

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("details.type-edit summary").click()
    page.get_by_role("button", name="Delete this type").click()
    expect(page.get_by_text("Container type deleted.")).to_be_visible()
    expect(page.get_by_text("No container types yet")).to_be_visible()
