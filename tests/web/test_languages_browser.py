"""On a 390-px phone, in Hindi and Kannada: the delivery page's stop cards (drawn by its scripts
from the translated words the page carries), a customer's festival offer and low-balance wallet.
Nothing is wider than the screen. ``MILKRUN_SCREENSHOTS=<dir>`` saves what the phone shows."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from milkrun import clock
from milkrun.config import Settings
from milkrun.customers.models import Customer
from milkrun.hubs.scope import EVERY_HUB
from milkrun.offers import service as offer_service
from tests import factories
from tests.conftest import TEST_SECRET
from tests.deliveries import factories as day_factories
from tests.factories import ACTOR
from tests.hubs.two_hubs import make_two_hubs
from tests.web.conftest import LiveServer, log_in
from tests.web.test_wallet_browser import running_low

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        env="test", database_url=database_url, secret_key=TEST_SECRET, proof_of_delivery=True
    )


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, service_workers="block")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def _shot(page: Page, name: str) -> None:
    shots = os.environ.get("MILKRUN_SCREENSHOTS")
    if shots:
        page.screenshot(path=str(Path(shots) / name), full_page=True)


def _fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "hi",
            {
                "saved": "सब सहेजा गया",
                "delivered": "डिलीवर हुआ",
                "not_delivered": "डिलीवर नहीं हुआ",
                "why": "क्यों नहीं?",
                "not_home": "घर पर नहीं",
                "here": "यह स्टॉप यहाँ है",
                "done": "डिलीवर नहीं हुआ · घर पर नहीं",
            },
        ),
        (
            "kn",
            {
                "saved": "ಎಲ್ಲಾ ಉಳಿಸಲಾಗಿದೆ",
                "delivered": "ವಿತರಿಸಲಾಗಿದೆ",
                "not_delivered": "ವಿತರಿಸಲಾಗಿಲ್ಲ",
                "why": "ಯಾಕೆ ಇಲ್ಲ?",
                "not_home": "ಮನೆಯಲ್ಲಿ ಇಲ್ಲ",
                "here": "ಈ ಸ್ಟಾಪ್ ಇಲ್ಲಿದೆ",
                "done": "ವಿತರಿಸಲಾಗಿಲ್ಲ · ಮನೆಯಲ್ಲಿ ಇಲ್ಲ",
            },
        ),
    ],
)
def test_the_delivery_pages_stop_cards_speak_the_delivery_boys_language(
    phone: Page, live_server: LiveServer, language: str, words: dict[str, str]
) -> None:
    with live_server.database.session_scope() as session:
        boy = factories.delivery_boy_user(session, name="Ravi Kumar")
        boy.language = language
        day = day_factories.delivery_day(session, boy=boy)
        assert boy.phone is not None
        boy_phone, first = boy.phone, day.customers[0].name
    log_in(phone, live_server.url, boy_phone)
    expect(phone.locator("#sync")).to_contain_text(words["saved"])
    stop = phone.locator(".stop", has_text=first)
    expect(stop.get_by_role("button", name=words["delivered"], exact=True)).to_be_visible()
    expect(stop.get_by_role("button", name=words["here"])).to_be_visible()
    _fits(phone)
    _shot(phone, f"delivery-{language}-phone.png")

    stop.get_by_role("button", name=words["not_delivered"], exact=True).click()
    expect(stop).to_contain_text(words["why"])
    stop.get_by_role("button", name=words["not_home"]).click()
    expect(phone.locator(".stop", has_text=first)).to_contain_text(words["done"])
    expect(phone.locator("#sync")).to_contain_text(words["saved"])
    assert "Delivered" not in phone.locator("#routes").inner_text()
    _fits(phone)


def test_a_festival_offer_in_kannada(phone: Page, live_server: LiveServer) -> None:
    with live_server.database.session_scope() as session:
        hubs = make_two_hubs(session, live_server.settings)
        user = factories.customer_user(session, route=hubs.south, name="Geetha Bhat")
        customer = session.get(Customer, user.customer_id)
        assert customer is not None
        assert user.phone is not None
        customer.language = "kn"
        offer_service.create_offer(
            session,
            dt.date(2026, 12, 4),
            hubs.dairy.curd.id,
            "Festival special: thick curd",
            "",
            ACTOR,
            EVERY_HUB,
            today=dt.date(2026, 12, 1),
        )
        user_phone = user.phone
    clock.freeze(dt.datetime(2026, 12, 1, 4, 30, tzinfo=dt.UTC))
    log_in(phone, live_server.url, user_phone)
    offer = phone.locator("#offers")
    expect(offer).to_contain_text("ಹಬ್ಬದ ಕೊಡುಗೆಗಳು")
    expect(offer).to_contain_text("ಒಂದಕ್ಕೆ ₹35.00")
    offer.get_by_label("ಎಷ್ಟು").fill("2")
    offer.get_by_role("button", name="ಹೌದು, ವಿತರಿಸಿ").click()
    expect(phone.locator("#offers")).to_contain_text("ನೀವು 2 ಆರ್ಡರ್ ಮಾಡಿದ್ದೀರಿ")
    expect(phone.get_by_role("status").first).to_contain_text("ಹಬ್ಬದ ಕೊಡುಗೆ ಸ್ವೀಕರಿಸಲಾಗಿದೆ")
    _fits(phone)
    _shot(phone, "customer-kn-phone.png")


def test_a_low_wallet_in_hindi(phone: Page, live_server: LiveServer, settings: Settings) -> None:
    clock.freeze(dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC))
    household = running_low(live_server, settings)
    with live_server.database.session_scope() as session:
        customer = session.get(Customer, household.customer_id)
        assert customer is not None
        customer.language = "hi"
    log_in(phone, live_server.url, household.customer_phone)
    wallet = phone.locator("#wallet")
    expect(wallet).to_contain_text("मेरा वॉलेट")
    expect(wallet).to_contain_text("कम बैलेंस:")
    expect(wallet).to_contain_text("(₹56.00 चाहिए)")
    expect(wallet).to_contain_text("टॉप अप करें, डिलीवरी फिर शुरू हो जाएगी।")
    assert "Low balance" not in wallet.inner_text()
    _fits(phone)
    _shot(phone, "customer-hi-phone.png")
