"""The delivery round on a phone-sized, offline-capable browser: bottles given and taken back
and cash taken at a stop wait in the phone's queue while offline and land exactly once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from milkrun.containers import service as container_service
from milkrun.containers.models import ContainerMovement
from milkrun.payments.models import CashCollection
from tests import factories
from tests.deliveries import factories as day_factories
from tests.web.conftest import LiveServer, log_in

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@dataclass
class Walk:
    boy_phone: str
    customer_names: list[str]


@pytest.fixture
def walk(live_server: LiveServer) -> Walk:
    with live_server.database.session_scope() as session:
        boy = factories.delivery_boy_user(session, name="Ravi Kumar")
        day = day_factories.delivery_day(session, boy=boy)
        bottle = container_service.create_type(
            session, factories.ACTOR, name="1 L glass bottle", deposit_paise=5000, sku="DEP-B1"
        )
        container_service.comes_in(session, factories.ACTOR, day.product.id, bottle.id)
        assert boy.phone is not None
        return Walk(boy_phone=boy.phone, customer_names=[c.name for c in day.customers])


def _stop(page: Page, name: str) -> Locator:
    return page.locator(".stop", has_text=name)


def test_bottles_and_cash_recorded_offline_arrive_once_when_back_online(
    phone_page: Page, live_server: LiveServer, walk: Walk
) -> None:
    log_in(phone_page, live_server.url, walk.boy_phone)
    expect(phone_page).to_have_url(f"{live_server.url}/delivery")
    first = walk.customer_names[0]
    sync = phone_page.locator("#sync")
    expect(sync).to_contain_text("All saved")

    phone_page.context.set_offline(True)
    stop = _stop(phone_page, first)
    stop.get_by_role("button", name="Bottles").click()
    # Two bottles of milk today, none held yet: 2 given, 0 back by default.
    expect(stop.locator('output[data-field="given"]')).to_have_text("2")
    expect(stop.locator('output[data-field="returned"]')).to_have_text("0")
    stop.get_by_role("button", name="Save bottles").click()
    stop.get_by_role("button", name="Cash").click()
    stop.get_by_label("Cash taken (₹)").fill("abc")
    stop.get_by_role("button", name="Save cash").click()
    expect(stop.get_by_role("alert")).to_contain_text("Type the rupees taken")
    stop.get_by_label("Cash taken (₹)").fill("450.50")
    stop.get_by_role("button", name="Save cash").click()

    expect(sync).to_have_attribute("data-pending", "2")
    expect(stop).to_contain_text("bottles waiting to send")
    expect(stop).to_contain_text("₹450.50 cash waiting to send")
    _stop(phone_page, first).get_by_role("button", name="Delivered", exact=True).click()
    expect(sync).to_have_attribute("data-pending", "3")

    phone_page.context.set_offline(False)
    expect(sync).to_have_attribute("data-pending", "0")
    done = _stop(phone_page, first)
    expect(done).to_contain_text("Holds 2 × 1 L glass bottle")
    expect(done).to_contain_text("₹450.50 cash taken")
    with live_server.database.session_scope() as session:
        movements = session.scalars(select(ContainerMovement)).all()
        cash = session.scalars(select(CashCollection)).all()
        assert [(m.given, m.returned, m.deposit_paise) for m in movements] == [(2, 0, 10000)]
        assert [(c.amount_paise, c.handover_id) for c in cash] == [(45050, None)]

    # The next stop: open the bottles panel for the screenshot of the page at work.
    _stop(phone_page, walk.customer_names[1]).get_by_role("button", name="Bottles").click()
    phone_page.set_viewport_size({"width": 390, "height": 844})
    phone_page.screenshot(path=str(SHOTS / "delivery-round-phone.png"), full_page=True)

    # A reload (the saved state, or the dairy's) still knows what the customer holds.
    phone_page.reload()
    expect(_stop(phone_page, first)).to_contain_text("Holds 2 × 1 L glass bottle")
