"""Materialization of one day with 100,000 active subscriptions.

Creates a dairy with N active subscriptions (mixed schedules: daily, alternate days, every n
days, weekdays; 10% with a dated change; 5% paused on the day by a subscription or customer-wide
pause; 2% with an override on the day), then times ``milkrun.orders.generate.materialize`` for
one date (commit included), and a second run of the same date, which must change nothing.

    .venv/bin/python -m bench.materialize                       # SQLite, a temporary file
    .venv/bin/python -m bench.materialize --database-url postgresql+psycopg://postgres@127.0.0.1/postgres

With a PostgreSQL URL a scratch database is created on that server and dropped at the end.
Prints rows/s, seconds, peak memory (Python allocations during the run, via tracemalloc, and the
process's peak RSS), and the second run's seconds; ``--repeat`` runs the whole measure again on
the same fixtures (the day's orders deleted in between) and prints medians.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import statistics
import time
import tracemalloc
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, delete, insert, text

import milkrun.models  # noqa: F401  (every table on the metadata)
from bench.scratch import scratch_database
from milkrun.audit.service import Actor
from milkrun.catalog.models import Product, ProductPrice
from milkrun.customers.models import Customer
from milkrun.db import migrate
from milkrun.db.session import Database
from milkrun.orders import generate
from milkrun.orders.models import MaterializationRun, Order
from milkrun.routing.models import Route
from milkrun.subscriptions import validity
from milkrun.subscriptions.models import (
    WEEKDAYS,
    Override,
    Pause,
    Subscription,
    SubscriptionTerms,
)
from milkrun.subscriptions.schedule import day_number

DAY = dt.date(2026, 12, 7)
NOW = dt.datetime(2026, 12, 6, 16, 30, tzinfo=dt.UTC)  # 22:00 in Bengaluru, the cut-off
BATCH = 10_000
SUBSCRIPTIONS_PER_CUSTOMER = 1.6
CUSTOMERS_PER_ROUTE = 400


def batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def insert_rows(connection: Connection, model: Any, rows: Iterator[dict[str, Any]]) -> int:
    count = 0
    for batch in batches(rows):
        connection.execute(insert(model), batch)
        count += len(batch)
    return count


def weekday_columns(quantities: list[int] | None) -> dict[str, int | None]:
    return {
        f"{day}_quantity": (quantities[i] if quantities is not None else None)
        for i, day in enumerate(WEEKDAYS)
    }


def terms_row(
    rng: random.Random, subscription_id: int, since: dt.date, product_id: int, shift: str
) -> dict[str, Any]:
    roll = rng.random()
    quantity: int | None = rng.choice((1, 1, 1, 2, 2, 3))
    weekdays: list[int] | None = None
    if roll < 0.40:
        kind, interval = "daily", 1
    elif roll < 0.60:
        kind, interval = "alternate_days", 2
    elif roll < 0.75:
        kind, interval = "every_n_days", rng.randint(3, 7)
    else:
        kind, interval = "weekdays", 1
        weekdays = [rng.choice((0, 0, 1, 2)) for _ in WEEKDAYS]
        weekdays[rng.randrange(7)] = 1
        quantity = None
    return {
        "subscription_id": subscription_id,
        "effective_from": since,
        "product_id": product_id,
        "shift": shift,
        "kind": kind,
        "quantity": quantity,
        "interval_days": interval,
        **weekday_columns(weekdays),
        "anchor_date": since,
        "anchor_day": day_number(since),
        "created_at": NOW,
    }


def build_fixtures(database: Database, subscriptions: int, seed: int) -> dict[str, int]:
    """Bulk-insert the dairy with executemany in batches of 10,000 rows."""
    rng = random.Random(seed)
    customers = int(subscriptions / SUBSCRIPTIONS_PER_CUSTOMER)
    routes = max(1, customers // CUSTOMERS_PER_ROUTE)
    with database.engine.begin() as connection:
        insert_rows(
            connection,
            Route,
            (
                {
                    "id": r + 1,
                    "name": f"Route {r + 1}",
                    "area": f"Area {r % 20}",
                    "shift": "morning" if r % 3 else "evening",
                    "is_active": True,
                    "created_at": NOW,
                    "updated_at": NOW,
                }
                for r in range(routes)
            ),
        )
        insert_rows(
            connection,
            Product,
            (
                {
                    "id": p + 1,
                    "sku": f"SKU{p + 1}",
                    "name": f"Product {p + 1}",
                    "unit": "unit",
                    "tax_rate_bps": 0,
                    "is_active": True,
                    "created_at": NOW,
                    "updated_at": NOW,
                }
                for p in range(6)
            ),
        )
        insert_rows(
            connection,
            ProductPrice,
            (
                {
                    "product_id": p + 1,
                    "price_paise": 2800 + 500 * p + 100 * n,
                    "effective_from": since,
                    "created_at": NOW,
                }
                for p in range(6)
                for n, since in enumerate(
                    (dt.date(2025, 1, 1), DAY - dt.timedelta(days=30), DAY + dt.timedelta(days=1))
                )
            ),
        )
        insert_rows(
            connection,
            Customer,
            (
                {
                    "id": c + 1,
                    "name": f"Customer {c + 1}",
                    "phone": f"+9190{c + 1:08d}",
                    "address": f"{c + 1} Main Road",
                    "area": f"Area {c % 20}",
                    "route_id": c // CUSTOMERS_PER_ROUTE % routes + 1,
                    "stop_sequence": c % CUSTOMERS_PER_ROUTE + 1,
                    "is_active": True,
                    "created_at": NOW,
                    "updated_at": NOW,
                }
                for c in range(customers)
            ),
        )
        owners = [s % customers + 1 for s in range(subscriptions)]
        starts = [DAY - dt.timedelta(days=rng.randint(0, 400)) for _ in range(subscriptions)]
        insert_rows(
            connection,
            Subscription,
            (
                {
                    "id": s + 1,
                    "customer_id": owners[s],
                    "start_date": starts[s],
                    "end_date": DAY + dt.timedelta(days=rng.randint(1, 300))
                    if rng.random() < 0.1
                    else None,
                    "created_at": NOW,
                    "updated_at": NOW,
                }
                for s in range(subscriptions)
            ),
        )

        def all_terms() -> Iterator[dict[str, Any]]:
            for s in range(subscriptions):
                shift = "morning" if rng.random() < 0.8 else "evening"
                yield terms_row(rng, s + 1, starts[s], rng.randint(1, 6), shift)
                if rng.random() < 0.10:  # a dated change, in force on the day or planned
                    since = starts[s] + dt.timedelta(days=rng.randint(1, 500))
                    yield terms_row(rng, s + 1, since, rng.randint(1, 6), shift)

        terms_rows = list(all_terms())
        validity.link_rows(terms_rows)
        terms = insert_rows(connection, SubscriptionTerms, iter(terms_rows))

        paused = rng.sample(range(subscriptions), subscriptions // 20)
        insert_rows(
            connection,
            Pause,
            (
                {
                    "customer_id": owners[s],
                    # Every fourth paused one is paused customer-wide (a vacation).
                    "subscription_id": None if n % 4 == 0 else s + 1,
                    "start_date": DAY - dt.timedelta(days=rng.randint(0, 20)),
                    "end_date": None if n % 3 == 0 else DAY + dt.timedelta(days=rng.randint(0, 20)),
                    "reason": "vacation",
                    "created_at": NOW,
                    "updated_at": NOW,
                }
                for n, s in enumerate(paused)
            ),
        )
        overridden = rng.sample(range(subscriptions), subscriptions // 50)
        insert_rows(
            connection,
            Override,
            (
                {
                    "subscription_id": s + 1,
                    "delivery_date": DAY,
                    "quantity": rng.choice((0, 1, 2, 3, 4)),
                    "created_at": NOW,
                    "updated_at": NOW,
                }
                for s in overridden
            ),
        )
        if connection.dialect.name == "postgresql":
            for table in ("routes", "products", "customers", "subscriptions", "pauses"):
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                        f" (SELECT max(id) FROM {table}))"
                    )
                )
    # Planner statistics, as a database that has been running a while would have them.
    with database.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT")
        connection.exec_driver_sql("ANALYZE")
    return {"customers": customers, "routes": routes, "terms": terms}


def timed_run(database: Database, *, trace: bool = True) -> tuple[float, generate.Counts, int]:
    """One materialization of DAY, committed: seconds, counts, peak traced bytes (0 without
    ``trace``: tracing Python's allocations slows Python down, so not when comparing)."""
    if not trace:
        started = time.perf_counter()
        with database.session_scope() as session:
            report = generate.materialize(
                session, DAY, Actor.system("bench", channel="cli"), trigger="cli"
            )
        return time.perf_counter() - started, report.counts, 0
    tracemalloc.start()
    started = time.perf_counter()
    with database.session_scope() as session:
        report = generate.materialize(
            session, DAY, Actor.system("bench", channel="cli"), trigger="cli"
        )
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, report.counts, peak


def reset_day(database: Database) -> None:
    with database.engine.begin() as connection:
        connection.execute(delete(MaterializationRun))
        # milkrun never deletes an order (on PostgreSQL a trigger refuses it, migration
        # 0029_status_order_key); the bench undoes its own first run on its scratch database.
        postgresql = connection.dialect.name == "postgresql"
        if postgresql:
            connection.execute(text("ALTER TABLE orders DISABLE TRIGGER orders_kept"))
        connection.execute(delete(Order).where(Order.delivery_date == DAY))
        if postgresql:
            connection.execute(text("ALTER TABLE orders ENABLE TRIGGER orders_kept"))


def compare_with_hand_written(database: Database, times: int) -> None:
    """Reruns and the hand-written check, alternated (back to back, the same load)."""
    from bench import materialize_sql

    reruns, checks = [], []
    with database.engine.connect() as connection:
        for _ in range(times):
            rerun, again, _ = timed_run(database, trace=False)
            assert not again.changed_anything, again
            check, counts = materialize_sql.timed_check(connection, DAY)
            assert counts == (0, 0, 0), counts
            reruns.append(rerun)
            checks.append(check)
    rerun, check = statistics.median(reruns), statistics.median(checks)
    print(
        f"  rerun {rerun:.3f} s, hand-written check {check:.3f} s (medians of {times},"
        f" alternated): {rerun / check:.2f}x; reruns {', '.join(f'{r:.3f}' for r in reruns)};"
        f" checks {', '.join(f'{c:.3f}' for c in checks)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL server (default: SQLite temp file)")
    parser.add_argument("--subscriptions", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1, help="measure N times, print medians")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--hand-written",
        type=int,
        default=0,
        metavar="N",
        help="PostgreSQL: after each first run, N more reruns, each followed by the"
        " hand-written check (bench.materialize_sql), and the ratio of their medians",
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument(
        "--compare-terms",
        action="store_true",
        help="each repeat also with the terms in force as the old anti-join"
        " (bench.terms_in_force), alternating, and the medians of both",
    )
    args = parser.parse_args()

    from bench.terms_in_force import SHAPES
    from milkrun import clock
    from milkrun.orders import due

    clock.freeze(NOW)
    with scratch_database(args.database_url, args.keep) as url:
        migrate.upgrade(url)
        database = Database(url)
        kind = database.engine.dialect.name
        started = time.perf_counter()
        sizes = build_fixtures(database, args.subscriptions, args.seed)
        print(
            f"{kind}: {args.subscriptions:,} subscriptions, {sizes['terms']:,} terms,"
            f" {sizes['customers']:,} customers, {sizes['routes']} routes;"
            f" fixtures in {time.perf_counter() - started:.1f} s"
        )
        shapes = ["range", "anti-join"] if args.compare_terms else ["range"]
        firsts: dict[str, list[float]] = {shape: [] for shape in shapes}
        seconds: dict[str, list[float]] = {shape: [] for shape in shapes}
        peaks = []
        for attempt in range(args.repeat):
            for n, shape in enumerate(shapes):
                due.terms_in_force = SHAPES[shape]  # type: ignore[assignment]
                if attempt or n:
                    reset_day(database)
                first, counts, peak = timed_run(database)
                second, again, _ = timed_run(database)
                assert not again.changed_anything, again
                firsts[shape].append(first)
                seconds[shape].append(second)
                if args.hand_written and kind == "postgresql":
                    compare_with_hand_written(database, args.hand_written)
                peaks.append(peak)
                print(
                    f"  run {attempt + 1} ({shape}): {counts.created:,} orders in {first:.2f} s"
                    f" ({counts.created / first:,.0f} rows/s); second run {second:.2f} s"
                    f" ({again.unchanged:,} unchanged); traced peak {peak / 2**20:.1f} MB;"
                    f" load average {os.getloadavg()[0]:.1f}"
                )
        due.terms_in_force = SHAPES["range"]  # type: ignore[assignment]
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        for shape in shapes:
            first = statistics.median(firsts[shape])
            print(
                f"{kind} median of {args.repeat} ({shape}): first run {first:.2f} s"
                f" ({counts.created / first:,.0f} rows/s), second run"
                f" {statistics.median(seconds[shape]):.2f} s, peak Python memory during a run"
                f" {max(peaks) / 2**20:.1f} MB, process peak RSS {rss:.0f} MB"
            )
        database.dispose()


if __name__ == "__main__":
    main()
