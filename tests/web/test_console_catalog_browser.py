"""The owner's products, routes and staff pages in a real browser (issue 11, point 12): an owner
moves a stop, raises a price after its preview, and adds a delivery boy and gives him a route;
on a phone the tables fit the screen."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from milkrun import clock
from milkrun.customers import stops
from tests import factories
from tests.factories import ACTOR
from tests.web.conftest import LiveServer, log_in

pytestmark = pytest.mark.browser


def _owner(live_server: LiveServer) -> str:
    with live_server.database.session_scope() as session:
        admin = factories.admin_user(session, name="Priya Admin")
        assert admin.phone is not None
        return admin.phone


def test_an_owner_moves_a_stop(page: Page, live_server: LiveServer) -> None:
    with live_server.database.session_scope() as session:
        route = factories.route(session, name="Indiranagar North")
        people = [
            factories.customer(session, route=route, name=n) for n in ("Asha", "Meera", "Kiran")
        ]
        stops.set_stop_order(session, route.id, [c.id for c in people], ACTOR)
        route_id = route.id
    log_in(page, live_server.url, _owner(live_server))

    page.goto(f"{live_server.url}/admin/routes")
    page.get_by_role("link", name="Indiranagar North").click()
    page.get_by_role("button", name="Move Kiran up").click()

    expect(page.get_by_role("status")).to_have_text("Stop order saved.")
    rows = page.locator("table.stops tbody tr")
    expect(rows.nth(1)).to_contain_text("Kiran")
    expect(rows.nth(2)).to_contain_text("Meera")
    page.goto(f"{live_server.url}/admin/routes/{route_id}/day")
    expect(page.locator(".manifest")).to_be_visible()


def test_an_owner_drags_a_stop_to_its_place(page: Page, live_server: LiveServer) -> None:
    with live_server.database.session_scope() as session:
        route = factories.route(session, name="Domlur")
        people = [
            factories.customer(session, route=route, name=n) for n in ("Asha", "Meera", "Kiran")
        ]
        stops.set_stop_order(session, route.id, [c.id for c in people], ACTOR)
        route_id = route.id
    log_in(page, live_server.url, _owner(live_server))
    page.goto(f"{live_server.url}/admin/routes/{route_id}")

    rows = page.locator("table.stops tbody tr")
    first = rows.nth(0).locator("td").nth(1)
    rows.nth(2).locator("td").nth(1).drag_to(first, target_position={"x": 10, "y": 3})

    expect(page.get_by_role("status")).to_have_text("Stop order saved.")
    expect(rows.nth(0)).to_contain_text("Kiran")
    with live_server.database.session_scope() as session:
        assert [c.name for c in stops.stops_of(session, route_id)] == ["Kiran", "Asha", "Meera"]


def test_an_owner_raises_a_price_after_seeing_whom_it_reaches(
    page: Page, live_server: LiveServer
) -> None:
    with live_server.database.session_scope() as session:
        toned = factories.product(session, sku="TM500", price="28.00")
        factories.product(session, sku="CURD", price="40.00")
        for n in range(4):
            customer = factories.customer(session, name=f"Customer {n}")
            factories.subscription(session, customer=customer, product=toned)
        toned_id = toned.id
    log_in(page, live_server.url, _owner(live_server))

    page.goto(f"{live_server.url}/admin/products")
    page.get_by_role("link", name="Change many prices").click()
    page.get_by_label("Toned milk TM500").check()
    page.get_by_label("Amount").fill("2")
    start = clock.today(live_server.settings.zone) + dt.timedelta(days=2)
    page.get_by_label("From").fill(start.isoformat())
    page.get_by_role("button", name="Preview").click()

    preview = page.locator("#preview")
    expect(preview).to_contain_text("4 active subscriptions of 4 customers")
    expect(page.locator("#monthly-change")).to_have_text("₹240.00")  # 4 x 30 x ₹2
    expect(preview).to_contain_text("₹30.00")
    page.get_by_role("button", name="Confirm: save 1 new price").click()

    expect(page.get_by_role("status")).to_have_text("New prices saved.")
    page.goto(f"{live_server.url}/admin/products/{toned_id}")
    expect(page.locator("#prices")).to_contain_text(start.strftime("%d %b %Y"))
    expect(page.locator("#prices")).to_contain_text("planned")


def test_an_owner_adds_a_delivery_boy_and_gives_him_a_route(
    page: Page, live_server: LiveServer
) -> None:
    with live_server.database.session_scope() as session:
        factories.route(session, name="Domlur")
    log_in(page, live_server.url, _owner(live_server))

    page.goto(f"{live_server.url}/admin/staff")
    page.get_by_role("link", name="Add a delivery boy or admin").click()
    page.get_by_label("Name").fill("Suresh Gowda")
    page.get_by_label("Phone (his login)").fill("98450 22222")
    page.get_by_label("Password (8 or more characters)").fill("early-riser")
    page.get_by_role("button", name="Add the login").click()
    expect(page.get_by_role("status")).to_contain_text("Login added.")

    page.get_by_role("link", name="Routes").first.click()
    page.get_by_role("link", name="Domlur").click()
    page.get_by_label("Its own delivery boy").select_option(label="Suresh Gowda")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status")).to_have_text("Route saved.")
    expect(page.locator(".lead")).to_contain_text("walked by Suresh Gowda")
    page.get_by_role("link", name="‹ Routes").click()
    expect(page.locator("table")).to_contain_text("Suresh Gowda")


def test_the_tables_fit_a_phone(phone_page: Page, live_server: LiveServer) -> None:
    with live_server.database.session_scope() as session:
        boy = factories.delivery_boy_user(session, name="Ravi Kumar")
        route = factories.route(session, delivery_boy=boy, name="Indiranagar North")
        for n in ("Asha Iyer", "Meera Nair"):
            factories.customer(session, route=route, name=n)
        factories.product(session, sku="TM500", price="1250.00")
        route_id = route.id
    phone_page.set_viewport_size({"width": 390, "height": 844})
    log_in(phone_page, live_server.url, _owner(live_server))

    for path in ("/admin/products", "/admin/routes", f"/admin/routes/{route_id}", "/admin/staff"):
        phone_page.goto(live_server.url + path)
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width}px wide"
