"""The owner imports a bank statement in a real browser, confirms the proposed matches, and the
dues page changes; the pages fit a phone (390 px) with nothing wider than the screen."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from milkrun import clock
from tests import factories
from tests.statements.factories import bill
from tests.web.conftest import LiveServer, log_in

SHOTS = os.environ.get("MILKRUN_SCREENSHOTS")


@pytest.fixture(autouse=True)
def _monday() -> Iterator[None]:
    clock.freeze(dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC))
    yield
    clock.freeze(None)


def statement(live_server: LiveServer, tmp_path: Path) -> tuple[str, Path]:
    with live_server.database.session_scope() as session:
        admin = factories.admin_user(session)
        asha = factories.customer(session, name="Asha Iyer")
        ravi = factories.customer(session, name="Ravi Rao", phone_number="+919845012345")
        factories.customer(session, name="Meera Nair")
        invoice = bill(session, asha.id, 168000)
        bill(session, ravi.id, 50000)
        number = invoice.number
        assert admin.phone
        admin_phone = admin.phone
    path = tmp_path / "hdfc-december.csv"
    path.write_text(
        "Date,Narration,Chq./Ref.No.,Value Dt,Withdrawal Amt.,Deposit Amt.,Closing Balance\n"
        f"06/12/26,UPI-ASHA IYER-asha.iyer@okhdfcbank-{number},334512345678,06/12/26,,"
        '"1,680.00","11,680.00"\n'
        "06/12/26,IMPS-RAVI RAO-9845012345-MILK DEC,334512345679,06/12/26,,500.00,12180.00\n"
        "06/12/26,UPI-SUNIL KUMAR-sunil.k@ybl-GIFT,334512345680,06/12/26,,250.00,12430.00\n"
        '06/12/26,POS PURCHASE FUEL,000,06/12/26,"2,000.00",,10430.00\n'
    )
    return admin_phone, path


@pytest.mark.browser
def test_the_owner_imports_a_statement_and_confirms_the_matches(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    admin_phone, path = statement(live_server, tmp_path)
    log_in(page, live_server.url, admin_phone)
    page.goto(f"{live_server.url}/admin/dues")
    expect(page.locator("table.dues")).to_contain_text("Asha Iyer")
    expect(page.locator("table.dues")).to_contain_text("Ravi Rao")

    page.get_by_role("link", name="Statements").first.click()
    page.get_by_label("Statement file (CSV)").set_input_files(path)
    page.get_by_label("Layout").select_option("hdfc")
    page.get_by_role("button", name="Import").click()
    expect(page.locator("#statement-notice")).to_contain_text(
        "3 new credits (2 to confirm, 1 unmatched"
    )
    lines = page.locator("table.statement-lines")
    expect(lines).to_contain_text("Bill number in the narration")
    expect(lines).to_contain_text("Customer's phone in the narration")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/statements-desktop.png", full_page=True)
    page.get_by_role("button", name="Confirm selected").click()
    expect(page.locator("#statement-notice")).to_contain_text("Confirmed 2 payments.")

    page.get_by_role("link", name="Unmatched (1)").click()
    expect(page.locator("table.statement-lines")).to_contain_text("sunil.k@ybl")
    page.get_by_role("link", name="Choose customer").click()
    page.get_by_role("button", name="Not a customer's money: set aside").click()
    expect(page.locator("#statement-notice")).to_contain_text("set aside")

    page.get_by_role("link", name="Dues").first.click()
    expect(page.get_by_role("status")).to_contain_text("Nobody owes anything")
    expect(page.locator("#dues-totals")).to_contain_text("₹0.00")
    page.get_by_role("link", name="Payments").first.click()
    expect(page.locator("table.payments")).to_contain_text("334512345678")


@pytest.mark.browser
def test_the_statement_pages_fit_a_phone(
    phone_page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    admin_phone, path = statement(live_server, tmp_path)
    log_in(phone_page, live_server.url, admin_phone)
    phone_page.goto(f"{live_server.url}/admin/payments/statements")
    phone_page.get_by_label("Statement file (CSV)").set_input_files(path)
    phone_page.get_by_label("Layout").select_option("hdfc")
    phone_page.get_by_role("button", name="Import").click()
    expect(phone_page.locator("#statement-notice")).to_be_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    if SHOTS:
        phone_page.screenshot(path=f"{SHOTS}/statements-phone.png", full_page=True)
    phone_page.get_by_role("link", name="Unmatched (1)").click()
    phone_page.get_by_role("link", name="Choose customer").click()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    if SHOTS:
        phone_page.screenshot(path=f"{SHOTS}/statement-line-phone.png", full_page=True)


@pytest.mark.browser
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_owner_saves_a_layout_in_a_browser(
    browser: Browser, live_server: LiveServer, tmp_path: Path, size: str
) -> None:
    admin_phone, _ = statement(live_server, tmp_path)
    width = 390 if size == "phone" else 1280
    context = browser.new_context(viewport={"width": width, "height": 844 if width == 390 else 800})
    page = context.new_page()
    log_in(page, live_server.url, admin_phone)
    page.goto(f"{live_server.url}/admin/payments/statements")
    page.get_by_text("Add a bank’s columns").click()
    page.get_by_label("Name").fill("Canara current")
    page.get_by_label("Date column").fill("Txn Date")
    page.get_by_label("Narration column").fill("Particulars")
    page.get_by_role("button", name="Save layout").click()
    expect(page.locator("#statement-error")).to_contain_text("money received")
    expect(page.get_by_label("Narration column")).to_have_value("Particulars")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/statement-layout-{size}.png", full_page=True)
    page.get_by_label("Amount column").fill("Amount")
    page.get_by_label("Cr/Dr column").fill("Cr/Dr")
    page.get_by_role("button", name="Save layout").click()
    expect(page.locator("#statement-notice")).to_contain_text("Saved the layout Canara current")
    expect(page.get_by_label("Layout")).to_have_value("Canara current")
    context.close()
