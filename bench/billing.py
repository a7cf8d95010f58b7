"""Billing a month: 100,000 customers and about 3 million delivered orders.

Builds a dairy with set-based SQL (``generate_series`` on PostgreSQL, a recursive CTE on
SQLite): N customers, each with a daily subscription to toned milk (2 pouches, the price going
up mid-month) for the 30 days of November 2026 and every seventh customer a one-time order of
paneer (5% GST); 90% of orders delivered, 5% partially delivered, 3% not delivered, 2% never
marked. Then it times, each committed:

- the billing run of the month (``billing.service.run_billing``: drafts from deliveries),
- a second run (rebuilds every draft in place),
- finalizing the month (numbers from the counter row, settling),
- reconciliation (both lists must be empty).

    .venv/bin/python -m bench.billing --customers 10000                # SQLite, a temporary file
    .venv/bin/python -m bench.billing --database-url postgresql+psycopg://postgres@127.0.0.1/postgres
    .venv/bin/python -m bench.billing --database-url ... --keep          # prints the kept name
    .venv/bin/python -m bench.billing --database-url ... --reuse milkrun_bench_1234abcd

With a PostgreSQL URL a scratch database is created on that server and dropped at the end;
``--keep`` keeps it, and ``--reuse NAME`` bills a copy of such a kept database (``CREATE DATABASE
... TEMPLATE``, seconds instead of minutes; its billing reset first) and drops the copy.
``--hand-written`` (PostgreSQL) also times, after each of milkrun's, the hand-written limit's run,
rerun and finalize (``bench.billing_sql``) on the same data, and prints the ratios of the medians.
Prints seconds, rows/s, peak Python memory during the run (tracemalloc) and the process's peak
RSS; ``--repeat`` measures again on the same fixtures (billing reset in between) and prints
medians.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from typing import Any

from sqlalchemy import Connection, text

import milkrun.models  # noqa: F401  (every table on the metadata)
from bench import billing_sql
from bench.scratch import scratch_database
from milkrun import clock
from milkrun.audit.service import Actor
from milkrun.billing import reconcile, service
from milkrun.config import Settings
from milkrun.db import migrate
from milkrun.db.session import Database
from milkrun.deliveries import closing
from milkrun.money import format_inr, to_paise

MONTH = dt.date(2026, 11, 1)
DAYS = 30
TODAY = dt.date(2026, 12, 1)
NOW = dt.datetime(2026, 12, 1, 3, 30, tzinfo=dt.UTC)
ACTOR = Actor.system("bench", channel="cli")
SETTINGS = Settings(env="test", secret_key="bench-secret-key-that-is-long-enough-0123456789")


# The fate of an order, from a number 0-99 derived from its customer and day.
OUTCOME = """CASE
    WHEN {bucket} < 90 THEN 'delivered'
    WHEN {bucket} < 95 THEN 'partially_delivered'
    WHEN {bucket} < 98 THEN 'not_delivered'
    ELSE 'scheduled' END"""


def build_fixtures(connection: Connection, customers: int) -> None:
    postgres = connection.dialect.name == "postgresql"
    params: dict[str, Any] = {"n": customers, "now": NOW, "first": MONTH, "days": DAYS}
    if not postgres:
        params["now"] = NOW.replace(tzinfo=None).isoformat(sep=" ")
        params["first"] = MONTH.isoformat()

    def series(name: str, last: str, step: int = 1) -> str:
        """Integers 1..last as a table ``name(x)``."""
        if postgres:
            return f"generate_series(1, {last}, {step}) AS {name}(x)"
        return (
            f"(WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + {step} FROM s"
            f" WHERE x + {step} <= {last}) SELECT x FROM s) AS {name}"
        )

    def day(offset: str) -> str:
        return f"(:first + {offset})" if postgres else f"date(:first, '+' || ({offset}) || ' days')"

    pad = "lpad(c.x::text, 8, '0')" if postgres else "printf('%08d', c.x)"
    true = "true" if postgres else "1"
    statements = [
        "INSERT INTO users (id, role, name, email, password_hash, is_active, created_at,"
        " updated_at) VALUES (1, 'admin', 'Bench', 'bench@example.in', 'x', "
        + true
        + ", :now, :now)",
        "INSERT INTO products (id, sku, name, unit, tax_rate_bps, is_active, created_at,"
        " updated_at) VALUES (1, 'TM500', 'Toned milk', '500 ml pouch', 0, "
        + true
        + ", :now, :now), (2, 'PN200', 'Paneer', '200 g pack', 500, "
        + true
        + ", :now, :now)",
        "INSERT INTO customers (id, name, phone, address, area, is_active, created_at,"
        f" updated_at) SELECT c.x, 'Customer ' || c.x, '+9190' || {pad},"
        f" c.x || ' Bench Road, Bengaluru', 'Bench', {true}, :now, :now"
        f" FROM {series('c', ':n')}",
        "INSERT INTO subscriptions (id, customer_id, start_date, created_at, updated_at)"
        f" SELECT c.x, c.x, '2026-01-01', :now, :now FROM {series('c', ':n')}",
        "INSERT INTO orders (customer_id, product_id, subscription_id, delivery_date, shift,"
        " quantity, unit_price_paise, status, created_at, updated_at)"
        f" SELECT c.x, 1, c.x, {day('d.x - 1')}, 'morning', 2,"
        " CASE WHEN d.x < 16 THEN 2800 ELSE 2900 END,"
        f" {OUTCOME.format(bucket='((c.x * 37 + d.x * 11) % 100)')}, :now, :now"
        f" FROM {series('c', ':n')} CROSS JOIN {series('d', ':days')}",
        # One-time orders: paneer for every seventh customer on the 10th.
        "INSERT INTO orders (customer_id, product_id, subscription_id, delivery_date, shift,"
        " quantity, unit_price_paise, status, created_at, updated_at)"
        f" SELECT c.x, 2, NULL, {day('9')}, 'morning', 2, 9000,"
        f" {OUTCOME.format(bucket='((c.x * 13) % 100)')}, :now, :now"
        f" FROM {series('c', ':n', 7)}",
        "INSERT INTO delivery_statuses (order_id, customer_id, status, quantity_delivered,"
        " reason, recorded_by_user_id, recorded_at, version, created_at, updated_at)"
        " SELECT id, customer_id, status, CASE status WHEN 'delivered' THEN quantity"
        " WHEN 'partially_delivered' THEN quantity - 1 ELSE 0 END,"
        " CASE WHEN status = 'not_delivered' THEN 'customer_unavailable' END,"
        " 1, :now, 1, :now, :now FROM orders WHERE status <> 'scheduled'",
    ]
    for statement in statements:
        connection.execute(text(statement), params)
    if postgres:
        for table in ("users", "products", "customers", "subscriptions"):
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" (SELECT max(id) FROM {table}))"
                )
            )


def counts(database: Database) -> tuple[int, int]:
    with database.engine.connect() as connection:
        orders = connection.execute(text("SELECT count(*) FROM orders")).scalar_one()
        delivered = connection.execute(
            text(
                "SELECT count(*) FROM delivery_statuses"
                " WHERE status IN ('delivered', 'partially_delivered')"
            )
        ).scalar_one()
    return int(orders), int(delivered)


def timed(database: Database, work: Callable[[Any], Any]) -> tuple[float, Any, int]:
    """Seconds (commit included), the result, and the peak of Python allocations."""
    tracemalloc.start()
    started = time.perf_counter()
    with database.session_scope() as session:
        result = work(session)
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, result, peak


def bill(session: Any, progress: Callable[[str], None] | None = None) -> Any:
    return service.run_billing(session, MONTH, ACTOR, SETTINGS, today=TODAY, progress=progress)


def finalize(session: Any, progress: Callable[[str], None] | None = None) -> Any:
    return service.finalize_month(session, MONTH, ACTOR, SETTINGS, today=TODAY, progress=progress)


class StepTimes:
    """The run's progress callback: seconds from each step to the next."""

    def __init__(self) -> None:
        self.marks: list[tuple[str, float]] = []

    def __call__(self, description: str) -> None:
        self.marks.append((description, time.perf_counter()))

    def report(self) -> str:
        ends = [at for _, at in self.marks[1:]] + [time.perf_counter()]
        return "; ".join(
            f"{description} {end - at:.2f} s"
            for (description, at), end in zip(self.marks, ends, strict=True)
        )


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def reset_billing(database: Database) -> None:
    with database.engine.begin() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            connection.execute(text("ALTER TABLE invoices DISABLE TRIGGER USER"))
            connection.execute(text("ALTER TABLE invoice_lines DISABLE TRIGGER USER"))
        connection.execute(text("UPDATE orders SET invoice_id = NULL WHERE invoice_id IS NOT NULL"))
        for table in ("allocations", "adjustments", "invoice_lines", "invoices", "invoice_series"):
            connection.execute(text(f"DELETE FROM {table}"))
        if postgres:
            connection.execute(text("ALTER TABLE invoices ENABLE TRIGGER USER"))
            connection.execute(text("ALTER TABLE invoice_lines ENABLE TRIGGER USER"))


def settle(database: Database, *, fresh: bool = False) -> None:
    """Planner statistics, and the load's dirty pages written out, as in a database that has
    been running a while (a checkpoint mid-run would time the load too)."""
    with database.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT")
        if connection.dialect.name == "postgresql":
            if not fresh:
                connection.exec_driver_sql("VACUUM ANALYZE")
            connection.exec_driver_sql("CHECKPOINT")
        elif not fresh:
            connection.exec_driver_sql("ANALYZE")


def prepare(database: Database, customers: int, *, fresh: bool) -> None:
    """The month built, settled, and its days closed."""
    with database.engine.begin() as connection:
        build_fixtures(connection, customers)
    settle(database, fresh=fresh)
    # The month's days closed as the scheduler would (orders nobody marked: not
    # delivered), so that it can be finalized; not timed.
    closing_settings = SETTINGS.model_copy(update={"day_close_policy": "not_delivered"})
    with database.session_scope() as session:
        for offset in range(DAYS):
            closing.close_day(
                session,
                MONTH + dt.timedelta(days=offset),
                closing.system_actor("bench"),
                closing_settings,
                today=TODAY,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL server (default: SQLite temp file)")
    parser.add_argument("--customers", type=int, default=None, help="default 100,000 (PG), 10,000")
    parser.add_argument("--repeat", type=int, default=1, help="measure N times, print medians")
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="no ANALYZE after loading: bill a database the planner knows nothing about",
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument(
        "--reuse",
        metavar="DATABASE",
        help="PostgreSQL: bill a copy of a database kept by --keep (same server) instead of"
        " building the month again (its billing is reset first; --customers is ignored)",
    )
    parser.add_argument(
        "--hand-written",
        action="store_true",
        help="PostgreSQL: alternate each measurement with the hand-written limit (billing_sql)",
    )
    args = parser.parse_args()

    clock.freeze(NOW)
    postgres = bool(args.database_url) and not args.database_url.startswith("sqlite")
    customers = args.customers or (100_000 if postgres else 10_000)
    if args.reuse and not postgres:
        parser.error("--reuse needs a PostgreSQL --database-url")
    with scratch_database(args.database_url, args.keep, template=args.reuse) as url:
        migrate.upgrade(url)
        database = Database(url)
        kind = database.engine.dialect.name
        started = time.perf_counter()
        if args.reuse:
            reset_billing(database)
            settle(database)
            with database.engine.connect() as connection:
                customers = int(
                    connection.execute(text("SELECT count(*) FROM customers")).scalar_one()
                )
        else:
            prepare(database, customers, fresh=args.fresh)
        orders, delivered = counts(database)
        print(
            f"{kind}: {customers:,} customers, {orders:,} orders, {delivered:,} delivered;"
            f" fixtures in {time.perf_counter() - started:.1f} s"
            + (f" (a copy of {args.reuse})" if args.reuse else "")
        )
        runs, reruns, finals, recs, peaks = [], [], [], [], []
        hand: dict[str, list[float]] = {"run": [], "rerun": [], "finalize": []}
        hand_written = args.hand_written and kind == "postgresql"
        params: billing_sql.Params = {"month": MONTH, "last": dt.date(2026, 11, 30), "today": TODAY}
        for attempt in range(args.repeat):
            if attempt:
                reset_billing(database)
            steps = StepTimes()
            run, result, peak = timed(database, partial(bill, progress=steps))
            print(f"  steps of run {attempt + 1}: {steps.report()}")
            rss_after_run = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            rerun, again, peak2 = timed(
                database,
                lambda s: service.run_billing(s, MONTH, ACTOR, SETTINGS, today=TODAY),
            )
            final_steps = StepTimes()
            final, issued, peak3 = timed(database, partial(finalize, progress=final_steps))
            print(f"  steps of finalize {attempt + 1}: {final_steps.report()}")
            rec, report, peak4 = timed(database, lambda s: reconcile.reconcile(s, MONTH))
            assert again.total == result.total
            assert again.invoices == result.invoices
            assert report.clean, report
            runs.append(run)
            reruns.append(rerun)
            finals.append(final)
            recs.append(rec)
            peaks.append(peak)
            print(
                f"  run {attempt + 1}: {result.invoices:,} drafts,"
                f" {format_inr(to_paise(result.total))} in {run:.2f} s"
                f" ({delivered / run:,.0f} delivered orders/s), Python peak"
                f" {peak / 2**20:.1f} MB, process peak RSS so far {rss_after_run:.0f} MB;"
                f" rerun {rerun:.2f} s; finalize {issued.invoices_finalized:,}"
                f" ({issued.last_number}) {final:.2f} s; reconcile {rec:.2f} s;"
                f" Python peaks of those {max(peak2, peak3, peak4) / 2**20:.1f} MB;"
                f" load average {load()}"
            )
            if hand_written:
                reset_billing(database)
                hand["run"].append(billing_sql.run(database.engine, params))
                hand["rerun"].append(billing_sql.run(database.engine, params))
                hand["finalize"].append(billing_sql.finalize(database.engine, params))
                print(
                    "  hand-written: "
                    + ", ".join(f"{name} {values[-1]:.2f} s" for name, values in hand.items())
                    + f"; load average {load()}"
                )
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        run = statistics.median(runs)
        print(
            f"{kind} median of {args.repeat}: billing run {run:.2f} s"
            f" ({delivered / run:,.0f} delivered orders/s),"
            f" rerun {statistics.median(reruns):.2f} s,"
            f" finalize {statistics.median(finals):.2f} s, reconcile"
            f" {statistics.median(recs):.2f} s; Python peak during a run"
            f" {max(peaks) / 2**20:.1f} MB, process peak RSS {rss:.0f} MB"
        )
        if hand_written:
            ours = {
                "run": run,
                "rerun": statistics.median(reruns),
                "finalize": statistics.median(finals),
            }
            print(
                "hand-written limit, medians: "
                + ", ".join(
                    f"{name} {statistics.median(values):.2f} s"
                    f" (milkrun {ours[name] / statistics.median(values):.2f}x)"
                    for name, values in hand.items()
                )
            )
        database.dispose()


if __name__ == "__main__":
    main()
