"""Driving the pages in a real browser: a live server and headless Chromium.

Fixtures, for any test under tests/web (mark such tests ``@pytest.mark.browser``):

``live_server``
    The app served by uvicorn in a background thread on a free 127.0.0.1 port, on the
    ``committed_database`` (real commits, emptied after the test). ``live_server.url`` is its
    base URL; ``live_server.database`` lets a test create what it needs before the browser
    looks, for example::

        with live_server.database.session_scope() as session:
            user = factories.admin_user(session)

``seeded``
    A ``Dairy`` on the live server: an admin, a delivery boy with a route, and customers with
    logins (``seeded.admin_phone``, ``seeded.customer_phone``, ``seeded.customer_name``, ...);
    every password is ``tests.factories.PASSWORD``.

``browser``
    One headless Chromium (Debian's /usr/bin/chromium, or MILKRUN_CHROMIUM) for the session.

``page`` / ``phone_page``
    A fresh browser context and page per test: desktop (1280x800) or phone (375x740).

``log_in(page, url, username, password)``
    Fill and submit the login form.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright

from milkrun.app import create_app
from milkrun.config import Settings
from milkrun.db.session import Database
from tests import factories

CHROMIUM = os.environ.get("MILKRUN_CHROMIUM", "/usr/bin/chromium")
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}


@dataclass
class LiveServer:
    url: str
    database: Database
    settings: Settings


@pytest.fixture
def live_server(committed_database: Database, settings: Settings) -> Iterator[LiveServer]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(settings, committed_database)
    config = uvicorn.Config(app, log_level="warning", ws="none", lifespan="off", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the live server did not start")
        time.sleep(0.02)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", committed_database, settings)
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


@dataclass
class Dairy:
    admin_phone: str
    delivery_boy_phone: str
    customer_phone: str
    customer_name: str
    route_name: str
    customer_names: list[str]


@pytest.fixture
def seeded(live_server: LiveServer) -> Dairy:
    with live_server.database.session_scope() as session:
        admin = factories.admin_user(session, name="Priya Admin")
        boy = factories.delivery_boy_user(session, name="Ravi Kumar")
        route = factories.route(session, delivery_boy=boy, name="Indiranagar North")
        names = ["Asha Iyer", "Meera Nair", "Kiran Rao", "Anil Shetty"]
        logins = [factories.customer_user(session, route=route, name=name) for name in names]
        assert admin.phone is not None
        assert boy.phone is not None
        assert logins[0].phone is not None
        return Dairy(
            admin_phone=admin.phone,
            delivery_boy_phone=boy.phone,
            customer_phone=logins[0].phone,
            customer_name=names[0],
            route_name=route.name,
            customer_names=names,
        )


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"the page tests need Chromium at {CHROMIUM} (make browser)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        yield browser
        browser.close()


def _page(browser: Browser, viewport: dict[str, int], **options: Any) -> Iterator[Page]:
    context = browser.new_context(viewport=viewport, **options)  # type: ignore[arg-type]
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    yield from _page(browser, DESKTOP)


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    yield from _page(browser, PHONE)


@pytest.fixture
def routed_phone_page(browser: Browser) -> Iterator[Page]:
    """A phone whose requests ``page.route`` sees: Playwright does not intercept what a service
    worker handles, and the delivery page registers one, so here it is blocked."""
    yield from _page(browser, PHONE, service_workers="block")


def log_in(page: Page, url: str, username: str, password: str = factories.PASSWORD) -> None:
    page.goto(f"{url}/login")
    page.get_by_label("Phone or email").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
