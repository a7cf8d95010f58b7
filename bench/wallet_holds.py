"""Deciding the low-balance holds of a day, and generating it with them, on bench.materialize's
dairy with a share of its customers prepaid.

The fixture is bench.materialize's (100,000 subscriptions of 62,500 customers); then every
``--prepaid-every``-th customer is made prepaid and half of those get a deposit of a month of
milk (the others have nothing: their day is held). Timed: ``wallets.holds.decide`` alone (the
low wallets' SQL and the holds written), then the whole generation of the day through
``wallets.generation.materialize`` (holds first), each committed; then a second generation
(must change nothing). A generation without holds (``orders.generate.materialize``) is timed
first on the same data, as the baseline.
"""

from __future__ import annotations

import argparse
import time

from sqlalchemy import func, select, text

from bench.materialize import DAY, NOW, build_fixtures, reset_day
from bench.scratch import scratch_database
from milkrun import clock
from milkrun.audit.service import Actor
from milkrun.config import Settings
from milkrun.db import migrate
from milkrun.db.session import Database
from milkrun.orders import generate as orders_generate
from milkrun.orders.models import LowBalanceHold
from milkrun.wallets import generation, holds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL server (default: SQLite temp file)")
    parser.add_argument("--subscriptions", type=int, default=100_000)
    parser.add_argument("--prepaid-every", type=int, default=10)
    args = parser.parse_args()

    clock.freeze(NOW)
    actor = Actor.system("bench", channel="cli")
    settings = Settings(env="test")
    with scratch_database(args.database_url, False) as url:
        migrate.upgrade(url)
        database = Database(url)
        kind = database.engine.dialect.name
        build_fixtures(database, args.subscriptions, 7)
        with database.engine.begin() as connection:
            connection.execute(
                text("UPDATE customers SET is_prepaid = true WHERE id % :n = 0"),
                {"n": args.prepaid_every},
            )
            connection.execute(
                text(
                    "INSERT INTO payments (customer_id, amount_paise, method, received_at,"
                    " created_at) SELECT id, 168000, 'cash', :now, :now FROM customers"
                    " WHERE is_prepaid AND id % :twice = 0"
                ),
                {"now": NOW, "twice": 2 * args.prepaid_every},
            )
            prepaid = connection.scalar(text("SELECT count(*) FROM customers WHERE is_prepaid"))
            connection.exec_driver_sql("ANALYZE")
        started = time.perf_counter()
        with database.session_scope() as session:  # the baseline: no holds decided
            orders_generate.materialize(session, DAY, actor, trigger="cli")
        plain_s = time.perf_counter() - started
        reset_day(database)
        started = time.perf_counter()
        with database.session_scope() as session:
            decided = holds.decide(session, DAY, generation.threshold_of(settings), actor)
        decide_s = time.perf_counter() - started
        started = time.perf_counter()
        with database.session_scope() as session:
            report = generation.materialize(session, DAY, actor, settings, trigger="cli")
        first_s = time.perf_counter() - started
        started = time.perf_counter()
        with database.session_scope() as session:
            again = generation.materialize(session, DAY, actor, settings, trigger="cli")
        second_s = time.perf_counter() - started
        assert not again.counts.changed_anything, again
        with database.session_scope() as session:
            held = session.scalar(select(func.count()).select_from(LowBalanceHold))
        print(
            f"{kind}: {prepaid:,} prepaid customers; without holds {plain_s:.2f} s;"
            f" decide {decide_s:.2f} s"
            f" ({len(decided.held):,} held); generation with holds {first_s:.2f} s"
            f" ({report.counts.created:,} orders); second {second_s:.2f} s; holds {held:,}"
        )
        database.dispose()


if __name__ == "__main__":
    main()
