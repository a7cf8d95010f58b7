"""``milkrun billing run`` and ``reconcile``: the month billed from the command line, and an
exit code a scheduler can alert on."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from milkrun import clock
from milkrun.billing import reconciliations
from milkrun.billing.models import StoredReconciliation
from milkrun.db import migrate
from milkrun.db.session import Database
from tests import factories
from tests.billing import factories as bf
from tests.cli.conftest import RunCli


def test_billing_run_and_reconcile_from_the_command_line(
    run_cli: RunCli, new_database_url: object
) -> None:
    url: str = new_database_url()  # type: ignore[operator]
    migrate.upgrade(url)
    database = Database(url)
    with database.session_scope() as writer:
        admin = factories.admin_user(writer)
        milk = factories.product(writer)
        customer = factories.customer(writer)
        made = bf.order(
            writer, customer_id=customer.id, product_id=milk.id, day=dt.date(2026, 11, 5)
        )
        bf.deliver(writer, made, by=admin)
    database.dispose()

    unbilled = run_cli(url, "billing", "reconcile", "--month", "2026-11")
    too_soon = run_cli(url, "billing", "run", "--month", "2026-11", "--finalize")
    closed = run_cli(url, "deliveries", "close", "--date", "2026-11-30")
    billed = run_cli(url, "billing", "run", "--month", "2026-11", "--finalize")
    clean = run_cli(url, "billing", "reconcile", "--month", "2026-11")
    future = run_cli(url, "billing", "run", "--month", "2099-01")
    malformed = run_cli(url, "billing", "run", "--month", "November")
    no_month = run_cli(url, "billing", "run", "--month", "2026-13")
    reversed_month = run_cli(url, "billing", "reconcile", "--month", "13-2026")

    assert unbilled.exit_code == 1, unbilled.output
    assert "Delivered, not billed (1)" in unbilled.output
    assert too_soon.exit_code == 1
    assert "its last day, 2026-11-30, has not been closed" in too_soon.output
    assert closed.exit_code == 0, closed.output
    assert "Closed 2026-11-30" in closed.output
    assert billed.exit_code == 0, billed.output
    assert "Billing 2026-11" in billed.output
    assert clean.exit_code == 0, clean.output
    assert "Every delivered unit is billed exactly once" in clean.output
    assert future.exit_code == 1
    assert "has not begun" in future.output
    assert "Billing 2099-01" not in future.output  # refused before a progress bar is drawn
    for invalid in (malformed, no_month, reversed_month):
        assert invalid.exit_code == 1, invalid.output  # an invalid value; 2 is configuration
    # The close and the run stored the month's check for the owner's page, after committing.
    database = Database(url)
    with database.session_scope(write=False) as reader:
        stored = reader.get(StoredReconciliation, dt.date(2026, 11, 1))
        assert stored is not None
        assert stored.trigger == reconciliations.FINALIZE
        assert stored.checked_by == "cli:billing run"
        assert stored.is_clean
    database.dispose()


def test_gstr1_from_the_command_line(run_cli: RunCli, new_database_url: object) -> None:
    url: str = new_database_url()  # type: ignore[operator]
    migrate.upgrade(url)
    database = Database(url)
    with database.session_scope() as writer:
        admin = factories.admin_user(writer)
        milk = factories.product(writer)
        customer = factories.customer(writer)
        made = bf.order(
            writer, customer_id=customer.id, product_id=milk.id, day=dt.date(2026, 11, 5)
        )
        bf.deliver(writer, made, by=admin)
    database.dispose()
    assert run_cli(url, "deliveries", "close", "--date", "2026-11-30").exit_code == 0
    assert run_cli(url, "billing", "run", "--month", "2026-11", "--finalize").exit_code == 0
    month = f"{clock.today(ZoneInfo('Asia/Kolkata')):%Y-%m}"  # the bills were issued today

    tables = run_cli(url, "billing", "gstr1", "--month", month)
    docs = run_cli(url, "billing", "gstr1", "--month", month, "--table", "docs")
    unknown = run_cli(url, "billing", "gstr1", "--month", month, "--table", "nope")

    assert tables.exit_code == 0, tables.output
    assert "HSN summary" in tables.output
    assert docs.exit_code == 0, docs.output
    assert docs.output.splitlines()[1].startswith("Bill of supply,BOS/")
    assert unknown.exit_code == 1
    assert "nope" in unknown.output
