"""``make screenshots``: seed the demo dairy in a fresh database, serve it, and photograph every
page of ``scripts/screenshot_pages.py`` (and of any ``scripts/screenshot_pages_<area>.py``) on a
laptop (1280x800) and a phone (390x844), as docs/screenshots/<name>-desktop.png and
<name>-phone.png.

    .venv/bin/python scripts/screenshots.py                 # every page
    .venv/bin/python scripts/screenshots.py admin-today     # only the pages named
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from playwright.sync_api import Browser, sync_playwright
from sqlalchemy import select

from milkrun import clock
from milkrun.app import create_app
from milkrun.auth.models import Role, User
from milkrun.billing.models import Invoice
from milkrun.catalog.models import Product, ProductTaxRate
from milkrun.config import Settings
from milkrun.db import migrate
from milkrun.db.session import Database
from milkrun.demo.seed import Logins, seed
from milkrun.routing.models import Route
from milkrun.subscriptions.models import Subscription

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("MILKRUN_CHROMIUM", "/usr/bin/chromium")
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


Shot = tuple[str, str, str | None]  # name, path, role (None: seen without logging in)


def all_pages() -> list[Shot]:
    """The pages of screenshot_pages.py, then those of each screenshot_pages_<area>.py (a name
    given twice is taken once, the first time)."""
    pages: dict[str, Shot] = {}
    for path in sorted(Path(__file__).parent.glob("screenshot_pages*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec
        assert spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for name, value in vars(module).items():
            if name == "PAGES" or name.startswith("PAGES_"):
                for shot in value:
                    pages.setdefault(shot[0], shot)
    return list(pages.values())


@contextmanager
def served(settings: Settings, database: Database) -> Iterator[str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(settings, database)
    config = uvicorn.Config(app, log_level="warning", ws="none", lifespan="off", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


def placeholders(database: Database, settings: Settings) -> dict[str, str]:
    today = clock.today(settings.zone)
    with database.session_scope(write=False) as session:
        route_id = session.scalar(select(Route.id).order_by(Route.id).limit(1))
        customer_id = session.scalar(
            select(Subscription.customer_id).order_by(Subscription.customer_id).limit(1)
        )
        product_id = session.scalar(select(Product.id).order_by(Product.id).limit(1))
        taxed_product_id = session.scalar(
            select(ProductTaxRate.product_id).order_by(ProductTaxRate.product_id).limit(1)
        )
        staff_id = session.scalar(
            select(User.id).where(User.role == Role.delivery_boy).order_by(User.id).limit(1)
        )
        invoice_id = session.scalar(
            select(Invoice.id).where(Invoice.number.is_not(None)).order_by(Invoice.id).limit(1)
        )
    last_month = today.replace(day=1).fromordinal(today.replace(day=1).toordinal() - 1)
    return {
        "route_id": str(route_id),
        "customer_id": str(customer_id),
        "product_id": str(product_id),
        "taxed_product_id": str(taxed_product_id or product_id),
        "staff_id": str(staff_id),
        "today": today.isoformat(),
        "yesterday": today.fromordinal(today.toordinal() - 1).isoformat(),
        "tomorrow": today.fromordinal(today.toordinal() + 1).isoformat(),
        "after_tomorrow": today.fromordinal(today.toordinal() + 2).isoformat(),
        "month": today.strftime("%Y-%m"),
        "last_month": last_month.strftime("%Y-%m"),
        "invoice_id": str(invoice_id),
    }


def credentials(logins: Logins, role: str | None) -> tuple[str, str] | None:
    if role is None:
        return None
    if role == "admin":
        return logins.admin
    if role == "delivery_boy":
        return logins.delivery_boys[0][1], logins.delivery_boys[0][2]
    if role == "customer":
        return logins.customers[0][1], logins.customers[0][2]
    raise ValueError(f"unknown role {role!r}")


def photograph(
    browser: Browser,
    url: str,
    pages: list[Shot],
    logins: Logins,
    fill: dict[str, str],
) -> None:
    for size, viewport in SIZES.items():
        for role in dict.fromkeys(role for _, _, role in pages):
            context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
            page = context.new_page()
            login = credentials(logins, role)
            if login is not None:
                page.goto(f"{url}/login")
                page.get_by_label("Phone or email").fill(login[0])
                page.get_by_label("Password").fill(login[1])
                page.get_by_role("button", name="Log in").click()
                page.wait_for_load_state("networkidle")
            for name, path, page_role in pages:
                if page_role != role:
                    continue
                try:
                    address = url + path.format(**fill)
                except KeyError as missing:
                    sys.exit(f"{name}: no value for {missing} in {path} (see placeholders())")
                page.goto(address)
                page.wait_for_load_state("networkidle")
                target = OUT / f"{name}-{size}.png"
                page.screenshot(path=str(target))
                print(f"{target.relative_to(ROOT)}")
            context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="only these pages (default: all)")
    args = parser.parse_args()
    pages = [p for p in all_pages() if not args.names or p[0] in args.names]
    if not pages:
        sys.exit(f"no page named {' '.join(args.names)}")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="milkrun-screenshots-") as directory:
        db_url = f"sqlite:///{directory}/demo.db"
        settings = Settings(env="demo", database_url=db_url, scheduler=False)
        migrate.upgrade(db_url)
        database = Database(db_url)
        with database.session_scope() as session:
            logins = seed(session, today=clock.today(settings.zone), settings=settings)
        fill = placeholders(database, settings)
        with served(settings, database) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
            )
            try:
                photograph(browser, url, pages, logins, fill)
            finally:
                browser.close()
        database.engine.dispose()


if __name__ == "__main__":
    main()
