"""The customer's page and a bill in Hindi and Kannada, for docs/screenshots/: the demo dairy
seeded in a fresh database, its first customer switching language on the page (phone and
laptop), and that customer's latest bill as PDF, its first page rendered with pdftoppm.

    .venv/bin/python scripts/screenshots_languages.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshots import CHROMIUM, OUT, ROOT, SIZES, served  # noqa: E402

from milkrun import clock  # noqa: E402
from milkrun.billing import pdf  # noqa: E402
from milkrun.billing import queries as billing_queries  # noqa: E402
from milkrun.billing.models import Invoice  # noqa: E402
from milkrun.config import Settings  # noqa: E402
from milkrun.customers.models import Customer  # noqa: E402
from milkrun.db import migrate  # noqa: E402
from milkrun.db.session import Database  # noqa: E402
from milkrun.demo.seed import seed  # noqa: E402

NAMES = {"hi": "हिन्दी", "kn": "ಕನ್ನಡ"}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="milkrun-languages-") as directory:
        db_url = f"sqlite:///{directory}/demo.db"
        settings = Settings(env="demo", database_url=db_url, scheduler=False)
        migrate.upgrade(db_url)
        database = Database(db_url)
        with database.session_scope() as session:
            logins = seed(session, today=clock.today(settings.zone), settings=settings)
        _name, phone, password = logins.customers[0]
        with served(settings, database) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
            )
            for language, name in NAMES.items():
                for size, viewport in SIZES.items():
                    context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
                    page = context.new_page()
                    page.goto(f"{url}/login")
                    page.get_by_label("Phone or email").fill(phone)
                    page.get_by_label("Password").fill(password)
                    page.get_by_role("button", name="Log in").click()
                    page.wait_for_load_state("networkidle")
                    page.get_by_role("button", name=name).click()
                    page.wait_for_load_state("networkidle")
                    target = OUT / f"customer-{language}-{size}.png"
                    page.screenshot(path=str(target))
                    print(target.relative_to(ROOT))
                    context.close()
                with database.session_scope(write=False) as session:
                    customer = session.scalars(select(Customer).where(Customer.phone == phone)).one()
                    assert customer.language == language
                    invoice = session.scalars(
                        select(Invoice)
                        .where(Invoice.customer_id == customer.id, Invoice.number.is_not(None))
                        .order_by(Invoice.month.desc())
                        .limit(1)
                    ).one()
                    document = pdf.render(billing_queries.bill_of(session, invoice, settings))
                bill = Path(directory) / f"bill-{language}.pdf"
                bill.write_bytes(document)
                stem = OUT / f"bill-{language}"
                subprocess.run(
                    ["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", "-singlefile"]
                    + [str(bill), str(stem)],
                    check=True,
                )
                print(stem.with_suffix(".png").relative_to(ROOT))
            browser.close()
        database.engine.dispose()


if __name__ == "__main__":
    main()
