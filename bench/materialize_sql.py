"""The limit for a materialization rerun: one hand-written PostgreSQL statement that proves a
day's orders already agree with what is due (how many are missing, differ, or are no longer
due), on the fixtures of ``bench.materialize``.

It is the same rules as ``milkrun.orders.due`` written by hand the way one would for this
database alone: the terms in force by their validity span (``effective_from <= day <
effective_to``), the prices with ``DISTINCT ON``, the day's pauses looked up
once (hashed), the due rows ``FULL JOIN`` the day's orders, counted with ``FILTER``, in one
statement. Used by ``bench.materialize --hand-written`` (timed back to back with the rerun) and
runnable alone against a kept database:

    .venv/bin/python -m bench.materialize_sql postgresql://postgres@127.0.0.1/milkrun_bench_x
"""

from __future__ import annotations

import datetime as dt
import sys
import time

from sqlalchemy import Connection, create_engine, text

from milkrun.subscriptions.models import WEEKDAYS
from milkrun.subscriptions.schedule import day_number

RERUN_CHECK = """
WITH terms AS (
    SELECT * FROM subscription_terms t WHERE effective_from <= :day
    AND (effective_to IS NULL OR effective_to > :day)
), prices AS (
    SELECT DISTINCT ON (product_id) product_id, price_paise
    FROM product_prices WHERE effective_from <= :day
    ORDER BY product_id, effective_from DESC
), paused AS (
    SELECT customer_id, subscription_id FROM pauses
    WHERE start_date <= :day AND (end_date IS NULL OR end_date >= :day)
), due AS (
    SELECT s.id AS subscription_id, t.product_id, t.shift, c.route_id, pr.price_paise,
           coalesce(ov.quantity, CASE
               WHEN t.kind = 'weekdays' THEN t.{weekday}_quantity
               WHEN (:day_number - t.anchor_day) % t.interval_days = 0 THEN t.quantity
               ELSE 0 END) AS quantity
    FROM subscriptions s
    JOIN customers c ON c.id = s.customer_id AND c.is_active
    JOIN terms t ON t.subscription_id = s.id
    JOIN products p ON p.id = t.product_id AND p.is_active
    JOIN prices pr ON pr.product_id = t.product_id
    LEFT JOIN overrides ov ON ov.subscription_id = s.id AND ov.delivery_date = :day
    WHERE s.start_date <= :day AND (s.end_date IS NULL OR s.end_date >= :day)
      AND s.id NOT IN (SELECT subscription_id FROM paused WHERE subscription_id IS NOT NULL)
      AND s.customer_id NOT IN (SELECT customer_id FROM paused WHERE subscription_id IS NULL)
), due_now AS (SELECT * FROM due WHERE quantity > 0)
SELECT
    count(*) FILTER (WHERE d.subscription_id IS NOT NULL AND o.id IS NULL) AS missing,
    count(*) FILTER (WHERE d.subscription_id IS NOT NULL AND o.invoice_id IS NULL
        AND o.status IN ('scheduled', 'cancelled')
        AND (o.status = 'cancelled' OR o.quantity <> d.quantity OR o.product_id <> d.product_id
             OR o.shift <> d.shift OR o.unit_price_paise <> d.price_paise
             OR o.route_id IS DISTINCT FROM d.route_id)) AS differing,
    count(*) FILTER (WHERE d.subscription_id IS NULL AND o.status = 'scheduled'
        AND o.invoice_id IS NULL) AS not_due
FROM due_now d
FULL JOIN (SELECT * FROM orders WHERE delivery_date = :day AND subscription_id IS NOT NULL) o
    ON o.subscription_id = d.subscription_id
"""


def rerun_check(connection: Connection, day: dt.date) -> tuple[int, int, int]:
    """(missing, differing, no longer due) for ``day``: all three 0 when a rerun changes nothing."""
    statement = text(RERUN_CHECK.format(weekday=WEEKDAYS[day.weekday()]))
    row = connection.execute(statement, {"day": day, "day_number": day_number(day)}).one()
    return int(row[0]), int(row[1]), int(row[2])


def timed_check(connection: Connection, day: dt.date) -> tuple[float, tuple[int, int, int]]:
    """Seconds for the check in its own transaction (commit included, as a rerun's)."""
    started = time.perf_counter()
    with connection.begin():
        counts = rerun_check(connection, day)
    return time.perf_counter() - started, counts


if __name__ == "__main__":
    from bench.materialize import DAY

    engine = create_engine(sys.argv[1].replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as connection:
        for _ in range(3):
            seconds, counts = timed_check(connection, DAY)
            print(f"hand-written rerun check: {counts} in {seconds:.3f} s")
