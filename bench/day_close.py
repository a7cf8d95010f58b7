"""The close of one delivery day of 63,784 orders (the materialization benchmark's day).

Builds the dairy of ``bench.materialize`` (100,000 active subscriptions by default), materializes
its day (63,784 orders, none marked: the worst case, every order resolved by the close), then
times ``milkrun.deliveries.closing.close_day`` with the ``delivered`` policy (commit included):
a status, an order update and an audit event per order, set-based. A second close of the same
day must resolve nothing and is timed too.

    .venv/bin/python -m bench.day_close                       # SQLite, a temporary file
    .venv/bin/python -m bench.day_close --database-url postgresql+psycopg://postgres@127.0.0.1/postgres

Target (issue 12): at most 2 s on PostgreSQL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time

from sqlalchemy import func, select

import milkrun.models  # noqa: F401  (every table on the metadata)
from bench.materialize import DAY, NOW, build_fixtures
from bench.scratch import scratch_database
from milkrun import clock
from milkrun.audit.service import Actor
from milkrun.config import Settings
from milkrun.db import migrate, statistics
from milkrun.db.session import Database
from milkrun.deliveries import closing
from milkrun.orders import generate
from milkrun.orders.models import Order

CLOSE_TIME = dt.datetime(2026, 12, 8, 5, 0, tzinfo=dt.UTC)  # 10:30 the next day in Bengaluru


def timed_close(database: Database, settings: Settings) -> tuple[float, closing.Closed]:
    started = time.perf_counter()
    with database.session_scope() as session:
        closed = closing.close_day(
            session, DAY, closing.system_actor("cli"), settings, trigger="cli"
        )
    return time.perf_counter() - started, closed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL server (default: SQLite temp file)")
    parser.add_argument("--subscriptions", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()

    clock.freeze(NOW)
    with scratch_database(args.database_url, args.keep) as url:
        migrate.upgrade(url)
        database = Database(url)
        kind = database.engine.dialect.name
        build_fixtures(database, args.subscriptions, args.seed)
        with database.session_scope() as session:
            generate.materialize(session, DAY, Actor.system("bench", channel="cli"))
        with database.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT")
            if kind == "postgresql":
                # The day's counts reach the statistics before ANALYZE resets them (a backend
                # reports its counts up to a second late): else the close, which refreshes
                # stale statistics, would find orders stale and analyze them in the timing.
                connection.exec_driver_sql("SELECT pg_stat_force_next_flush()")
            connection.exec_driver_sql("ANALYZE")
            orders = connection.scalar(
                select(func.count(Order.id)).where(Order.delivery_date == DAY)
            )
        clock.freeze(CLOSE_TIME)
        settings = Settings(env="test", database_url=url, day_close_policy="delivered")
        with database.session_scope() as session:
            stale = statistics.stale(session, "orders", "delivery_statuses")
        load = os.getloadavg()[0]
        first, closed = timed_close(database, settings)
        second, again = timed_close(database, settings)
        assert closed.delivered == orders, (closed.delivered, orders)
        assert again.resolved == 0
        print(
            f"{kind}: closing a day of {orders:,} orders: {first:.2f} s"
            f" ({closed.delivered:,} marked delivered by the close,"
            f" {orders / first:,.0f} orders/s);"
            f" second close {second:.2f} s (nothing left); load average before {load:.2f};"
            f" stale statistics before the close: {', '.join(stale) or 'none'}"
        )
        database.dispose()


if __name__ == "__main__":
    main()
