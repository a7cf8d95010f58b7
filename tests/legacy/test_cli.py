"""``milkrun import legacy DIR [--dry-run]``: a report a person can read, exit 1 with the file,
line and field of a malformed export, and nothing changed unless it all went in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from milkrun.db import migrate
from milkrun.db.session import Database
from milkrun.legacy import service
from milkrun.legacy.models import LegacyRecord
from milkrun.legacy.order_book import ORDERS
from milkrun.legacy.store import Run
from milkrun.orders.models import Order
from tests.cli.conftest import RunCli
from tests.legacy.export import DATA

NewDatabaseUrl = Callable[[], str]


def _counts(url: str) -> tuple[int, int]:
    database = Database(url)
    try:
        with database.session_scope(write=False) as session:
            orders = session.scalar(select(func.count()).select_from(Order))
            records = session.scalar(select(func.count()).select_from(LegacyRecord))
            return orders or 0, records or 0
    finally:
        database.dispose()


def test_import_legacy(run_cli: RunCli, new_database_url: NewDatabaseUrl, tmp_path: Path) -> None:
    url = new_database_url()
    migrate.upgrade(url)

    dry = run_cli(url, "import", "legacy", str(DATA), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "Legacy import (dry run: nothing changed)" in dry.output
    assert (
        "│ orders        │   19 │      19 │                0 │        0 │       0 │" in dry.output
    )
    assert "│ confirmations unmatched " in dry.output
    assert "d-0019" in dry.output
    assert "Dry run: the import above was rolled back; nothing changed." in dry.output
    assert _counts(url) == (0, 0)

    done = run_cli(url, "import", "legacy", str(DATA))
    assert done.exit_code == 0, done.output
    assert (
        "│ deliveries    │   20 │      16 │                0 │        0 │       4 │" in done.output
    )
    assert "Reported (9)" in done.output
    assert "Imported." in done.output
    assert _counts(url) == (19, 55)

    again = run_cli(url, "import", "legacy", str(DATA))
    assert again.exit_code == 0, again.output
    assert (
        "│ orders        │   19 │       0 │               19 │        0 │       0 │" in again.output
    )
    assert "Nothing new: the database already has everything in this export." in again.output
    assert _counts(url) == (19, 55)

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "products.jsonl").write_text((DATA / "products.jsonl").read_text())
    (broken / "orders.jsonl").write_text(
        '{"_id": "o-1", "customer": "c-101", "product": "TM500", "date": "2026-10-31",'
        ' "quantity": 1}\n{"_id": "o-2", "customer": "c-101", "product": "TM500",'
        ' "date": "31/10/2026", "quantity": 1}\n'
    )
    refused = run_cli(url, "import", "legacy", str(broken))
    assert refused.exit_code == 1
    assert "orders.jsonl line 2, field 'date': '31/10/2026' is not a date (YYYY-MM-DD)" in " ".join(
        refused.output.split()
    )
    assert "legacy_export_invalid" in refused.output
    assert _counts(url) == (19, 55)

    missing = run_cli(url, "import", "legacy", str(tmp_path / "nowhere"))
    assert missing.exit_code == 1
    assert "not a directory" in missing.output


def test_a_refusal_of_the_database_is_a_message_and_changes_nothing(
    run_cli: RunCli, new_database_url: NewDatabaseUrl, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = new_database_url()
    migrate.upgrade(url)

    def refused(run: Run) -> None:
        """The last step writes an order of 0 units: the database's CHECK refuses it."""
        row = {"customer_id": 1, "product_id": 1, "delivery_date": dt.date(2026, 10, 1),
               "shift": "morning", "quantity": 0, "unit_price_paise": 100}  # fmt: skip
        run.session.execute(insert(ORDERS), [row])

    monkeypatch.setattr(service, "STEPS", (*service.STEPS, refused))

    result = run_cli(url, "import", "legacy", str(DATA))

    assert result.exit_code == 1
    assert "The database refused the import; nothing was changed" in result.output
    assert "quantity_positive" in result.output
    assert _counts(url) == (0, 0)


def test_a_deeply_nested_line_gets_the_one_line_message(
    run_cli: RunCli, new_database_url: NewDatabaseUrl, tmp_path: Path
) -> None:
    url = new_database_url()
    migrate.upgrade(url)
    broken = tmp_path / "nested"
    broken.mkdir()
    (broken / "orders.jsonl").write_text("[" * 100_000 + "\n")
    refused = run_cli(url, "import", "legacy", str(broken))
    assert refused.exit_code == 1
    assert "orders.jsonl line 1" in refused.output
    assert "nested too deeply" in refused.output
    assert "RecursionError" not in refused.output
    assert len(refused.output.strip().splitlines()) <= 3, refused.output
