"""The generation dry run's shapes of "the terms in force on D", timed back to back on a
database kept by ``bench.admin_pages --keep`` (PostgreSQL; the dairy of ``bench.materialize``).

Each shape replaces ``milkrun.orders.due.terms_in_force`` and times ``orders.preview.breakdown``
(what ``/admin/orders/generate?date=`` runs) for tomorrow (generated) and the day after (not
generated), alternating the shapes, one warm-up each, then ``--repeat`` rounds; prints the
medians and the load average:

- ``range``: ``effective_from <= D AND (effective_to IS NULL OR effective_to > D)`` (the code);
- ``anti-join``: ``effective_from <= D AND NOT EXISTS (later terms in (effective_from, D])``
  (before ``effective_to``);
- ``distinct-on``: the id of the latest terms on or before D per subscription
  (``DISTINCT ON``, PostgreSQL only).

    .venv/bin/python -m bench.terms_in_force postgresql+psycopg://postgres@127.0.0.1/milkrun_bench_x
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, select
from sqlalchemy.orm import aliased

import milkrun.models  # noqa: F401  (every table on the metadata)
from bench.materialize import DAY
from milkrun.db.session import Database
from milkrun.orders import due, preview
from milkrun.subscriptions.models import SubscriptionTerms

Shape = Callable[[Any, dt.date], ColumnElement[bool]]


def anti_join(t: Any, day: dt.date) -> ColumnElement[bool]:
    later = aliased(SubscriptionTerms, name="later_terms")
    superseded = exists().where(
        later.subscription_id == t.subscription_id,
        later.effective_from > t.effective_from,
        later.effective_from <= day,
    )
    return and_(t.effective_from <= day, ~superseded)


def distinct_on(t: Any, day: dt.date) -> ColumnElement[bool]:
    terms = SubscriptionTerms
    latest = (
        select(terms.id)
        .where(terms.effective_from <= day)
        .distinct(terms.subscription_id)
        .order_by(terms.subscription_id, terms.effective_from.desc())
    )
    in_latest: ColumnElement[bool] = t.id.in_(latest)
    return in_latest


SHAPES: dict[str, Shape] = {
    "range": due.terms_in_force,
    "anti-join": anti_join,
    "distinct-on": distinct_on,
}


def timed(database: Database, shape: Shape, day: dt.date) -> tuple[float, tuple[int, ...]]:
    due.terms_in_force = shape  # type: ignore[assignment]
    try:
        with database.session_scope(write=False) as session:
            started = time.perf_counter()
            result = preview.breakdown(session, day)
            elapsed = (time.perf_counter() - started) * 1000
    finally:
        due.terms_in_force = SHAPES["range"]  # type: ignore[assignment]
    c = result.counts
    return elapsed, (c.created, c.updated, c.cancelled, c.unchanged)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="a database kept by bench.admin_pages --keep")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--shapes", default=",".join(SHAPES))
    args = parser.parse_args()
    database = Database(args.url)
    names = args.shapes.split(",")
    days = {"tomorrow": DAY + dt.timedelta(days=1), "not generated": DAY + dt.timedelta(days=2)}
    times: dict[tuple[str, str], list[float]] = {}
    for label, day in days.items():
        counts = {name: timed(database, SHAPES[name], day)[1] for name in names}  # warm-up
        assert len(set(counts.values())) == 1, f"the shapes disagree on {day}: {counts}"
        for _ in range(args.repeat):
            for name in names:
                times.setdefault((label, name), []).append(timed(database, SHAPES[name], day)[0])
    print(f"load average {os.getloadavg()[0]:.1f} / {os.getloadavg()[1]:.1f}")
    for (label, name), values in times.items():
        print(f"{label:14} {name:12} median {statistics.median(values):7.0f} ms  {values}")


if __name__ == "__main__":
    main()
