"""``milkrun orders generate --date D [--dry-run]``."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select

from milkrun.config import Settings
from milkrun.db import migrate
from milkrun.db.session import Database
from milkrun.orders.models import MaterializationRun, Order
from tests import factories
from tests.cli.conftest import RunCli
from tests.factories import SECRET
from tests.order_book import TOMORROW, make_dairy

NewDatabaseUrl = Callable[[], str]


def test_generate(run_cli: RunCli, new_database_url: NewDatabaseUrl) -> None:
    url = new_database_url()
    migrate.upgrade(url)
    database = Database(url)
    try:
        with database.session_scope() as session:
            dairy = make_dairy(session, Settings(env="test", database_url=url, secret_key=SECRET))
            for _ in range(2):
                factories.subscription(session, customer=dairy.customer, product=dairy.milk)

        dry = run_cli(url, "orders", "generate", "--date", "tomorrow", "--dry-run")
        assert dry.exit_code == 0, dry.output
        assert f"Orders of {TOMORROW} (dry run: nothing changed)" in dry.output
        assert "│       2 │       0 │         0 │         0 │" in dry.output

        done = run_cli(url, "orders", "generate", "--date", TOMORROW.isoformat())
        assert done.exit_code == 0, done.output
        again = run_cli(url, "orders", "generate", "--date", TOMORROW.isoformat())
        assert "│       0 │       0 │         0 │         2 │" in again.output

        past = run_cli(url, "orders", "generate", "--date", "2026-11-30")
        assert past.exit_code == 1
        assert "is over" in past.output
        asked = run_cli(
            url, "orders", "generate", "--date", "2026-11-30", "--past", "--reason", "missed"
        )
        assert asked.exit_code == 0, asked.output

        for bad_date in ("someday", f"{TOMORROW.isoformat()}x"):
            bad = run_cli(url, "orders", "generate", "--date", bad_date)
            assert bad.exit_code == 1, bad.output  # an invalid value; 2 is a bad configuration
            assert "is not a date" in bad.output

        with database.session_scope(write=False) as session:
            assert session.scalar(select(func.count()).select_from(Order)) == 4  # 2 + 2 past
            triggers = session.scalars(select(MaterializationRun.trigger)).all()
            assert triggers == ["cli", "cli", "cli"]
    finally:
        database.dispose()
