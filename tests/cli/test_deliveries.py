"""``milkrun deliveries purge-keys``: old idempotency keys go, recent ones stay."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import insert, select

from milkrun import clock
from milkrun.db import migrate
from milkrun.db.session import Database
from milkrun.deliveries.models import IdempotencyKey
from tests.cli.conftest import RunCli


def test_purge_keys_removes_keys_older_than_72_hours(
    run_cli: RunCli, new_database_url: Callable[[], str]
) -> None:
    url = new_database_url()
    migrate.upgrade(url)
    database = Database(url)
    now = clock.now()
    try:
        with database.session_scope() as session:
            session.execute(
                insert(IdempotencyKey),
                [
                    {"caller": "user:1", "key": key, "request_hash": "0" * 64, "created_at": at}
                    for key, at in (
                        ("old", now - dt.timedelta(hours=73)),
                        ("recent", now - dt.timedelta(hours=71)),
                    )
                ],
            )

        result = run_cli(url, "deliveries", "purge-keys")

        assert result.exit_code == 0, result.output
        assert "Removed 1 idempotency key" in result.output
        with database.session_scope(write=False) as session:
            assert list(session.scalars(select(IdempotencyKey.key))) == ["recent"]
    finally:
        database.dispose()
