"""Proof of delivery on the delivery page, in headless Chromium on a phone-sized screen: with
the location allowed, each mark carries where the phone was (also a mark queued offline and sent
later) and "This stop is here" sends the door for the owner's approval; with the location not
allowed, the page marks as before."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, ViewportSize, expect
from sqlalchemy import select

from milkrun.config import Settings
from milkrun.customers.models import Customer
from milkrun.deliveries.models import DeliveryProof, DeliveryStatus
from tests import factories
from tests.conftest import TEST_SECRET
from tests.deliveries import factories as day_factories
from tests.web.conftest import CHROMIUM, LiveServer, log_in

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}
DOOR = (12.935200, 77.624500)
AT_THE_DOOR = {"latitude": 12.935290, "longitude": 77.624520, "accuracy": 8}  # ~10 m away


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        env="test", database_url=database_url, secret_key=TEST_SECRET, proof_of_delivery=True
    )


@dataclass
class Walk:
    boy_phone: str
    order_ids: list[int]
    customer_ids: list[int]
    names: list[str]


@pytest.fixture
def walk(live_server: LiveServer) -> Walk:
    with live_server.database.session_scope() as session:
        boy = factories.delivery_boy_user(session, name="Ravi Kumar")
        day = day_factories.delivery_day(session, boy=boy)
        day.customers[0].latitude, day.customers[0].longitude = DOOR
        assert boy.phone is not None
        return Walk(
            boy.phone,
            [o.id for o in day.orders],
            [c.id for c in day.customers],
            [c.name for c in day.customers],
        )


def _phone(browser: Browser, **options: object) -> Iterator[Page]:
    assert os.access(CHROMIUM, os.X_OK)
    context = browser.new_context(
        viewport=PHONE,
        is_mobile=True,
        service_workers="block",
        **options,  # type: ignore[arg-type]
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def located_phone(browser: Browser) -> Iterator[Page]:
    yield from _phone(browser, geolocation=AT_THE_DOOR, permissions=["geolocation"])


@pytest.fixture
def unlocated_phone(browser: Browser) -> Iterator[Page]:
    yield from _phone(browser)


def _stop(page: Page, name: str) -> Locator:
    return page.locator(".stop", has_text=name)


def _wait_for_the_fix(page: Page) -> None:
    """Until the page has the phone's location. Polled from here: Playwright's own polling of a
    predicate evaluates a string in the page, which the page's CSP (no 'unsafe-eval') refuses."""
    ready = "() => Boolean(window.milkrunProof && window.milkrunProof.where().latitude)"
    for _ in range(100):
        if page.evaluate(ready):
            return
        page.wait_for_timeout(100)
    raise AssertionError("the page never had the phone's location")


def _proofs(live_server: LiveServer) -> dict[int, tuple[float, float, int | None]]:
    with live_server.database.session_scope() as session:
        rows = session.execute(
            select(
                DeliveryProof.order_id,
                DeliveryProof.latitude,
                DeliveryProof.longitude,
                DeliveryProof.accuracy_m,
            )
        ).all()
    return {row[0]: (row[1], row[2], row[3]) for row in rows}


def _marked(live_server: LiveServer) -> set[int]:
    with live_server.database.session_scope() as session:
        return set(session.scalars(select(DeliveryStatus.order_id)))


def test_a_mark_carries_the_phones_location_even_when_sent_later(
    located_phone: Page, live_server: LiveServer, walk: Walk
) -> None:
    page = located_phone
    log_in(page, live_server.url, walk.boy_phone)
    expect(page.locator("#sync")).to_contain_text("All saved")
    _wait_for_the_fix(page)
    first, second, _third = walk.names

    _stop(page, first).get_by_role("button", name="Delivered", exact=True).click()
    expect(page.locator("#sync")).to_contain_text("All saved")
    # Offline: the mark waits in the phone's queue with where it was made.
    page.context.set_offline(True)
    _stop(page, second).get_by_role("button", name="Delivered", exact=True).click()
    expect(page.locator("#sync")).to_have_attribute("data-pending", "1")
    page.context.set_geolocation({"latitude": 12.9, "longitude": 77.6})  # walked on
    page.context.set_offline(False)
    expect(page.locator("#sync")).to_have_attribute("data-pending", "0")
    expect(page.locator("#sync")).to_contain_text("All saved")

    proofs = _proofs(live_server)
    assert proofs[walk.order_ids[0]] == (12.93529, 77.62452, 8)
    assert proofs[walk.order_ids[1]][:2] == (12.93529, 77.62452)  # where it was marked
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_this_stop_is_here_sends_the_door_for_the_owners_approval(
    located_phone: Page, live_server: LiveServer, walk: Walk
) -> None:
    page = located_phone
    log_in(page, live_server.url, walk.boy_phone)
    _wait_for_the_fix(page)
    stop = _stop(page, walk.names[1])

    stop.get_by_role("button", name="This stop is here").click()

    expect(stop.get_by_role("status")).to_have_text("Sent: the owner will approve this location.")
    expect(stop.get_by_role("button", name="This stop is here")).to_be_disabled()
    with live_server.database.session_scope() as session:
        customer = session.get(Customer, walk.customer_ids[1])
        assert customer is not None
        assert (customer.proposed_latitude, customer.proposed_longitude) == (12.93529, 77.62452)
        assert customer.latitude is None  # not until the owner approves
    shots = os.environ.get("MILKRUN_SCREENSHOTS")
    if shots:
        page.screenshot(path=str(Path(shots) / "delivery-proof-phone.png"), full_page=True)


def test_without_the_location_the_page_marks_as_before(
    unlocated_phone: Page, live_server: LiveServer, walk: Walk
) -> None:
    page = unlocated_phone
    log_in(page, live_server.url, walk.boy_phone)
    expect(page.locator("#sync")).to_contain_text("All saved")
    first = walk.names[0]

    _stop(page, first).get_by_role("button", name="Delivered", exact=True).click()
    expect(page.locator("#sync")).to_contain_text("All saved")
    _stop(page, walk.names[1]).get_by_role("button", name="This stop is here").click()

    assert walk.order_ids[0] in _marked(live_server)
    assert _proofs(live_server) == {}
    expect(_stop(page, walk.names[1]).get_by_role("status")).to_contain_text(
        "location", ignore_case=True
    )
