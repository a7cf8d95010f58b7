"""The month close's last step alone: numbering and issuing the drafts, settling credits.

On a database kept by ``bench.billing --keep`` (PostgreSQL): ``--prepare`` puts its billing
back to drafts (the same reset as ``bench.billing``) and runs the month once, committed. Then
each attempt, in one transaction that is rolled back (so attempts repeat on the same drafts):
takes the month's lock, links and re-sums the drafts (``invoicing.link_and_resum``, untimed),
and times ``billing.service._issue`` (what ``finalize_month`` does after "numbering and
issuing"), printing the seconds of each SQL statement it ran (grouped by their first words)
and the Python time around them.

    .venv/bin/python -m bench.issue_step URL --prepare
    .venv/bin/python -m bench.issue_step URL --repeat 3 [--profile] [--explain]

``--profile`` prints cProfile's top functions; ``--explain`` loads ``auto_explain`` in the
session (analyze, nested statements, triggers) and prints the plans of statements over 50 ms.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import time
import tracemalloc
from collections import defaultdict
from typing import Any

from sqlalchemy import event, text

import milkrun.models  # noqa: F401  (every table on the metadata)
from bench.billing import MONTH, NOW, SETTINGS, TODAY, bill, reset_billing
from milkrun import clock
from milkrun.billing import invoicing, months, service
from milkrun.billing.billable import Scope
from milkrun.db.session import Database


def attempt(database: Database, *, profile: bool, explain: bool) -> float:
    statements: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    notices: list[str] = []

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        conn.info["started"] = time.perf_counter()

    def after(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        key = " ".join(statement.split())[:90]
        spent = statements[key]
        spent[0] += time.perf_counter() - conn.info["started"]
        spent[1] += 1

    # The attempts before left dead rows (rolled back): vacuum them so each starts alike.
    with database.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT")
        connection.exec_driver_sql(
            "VACUUM ANALYZE invoices, invoice_lines, orders, outbox_messages"
        )
    with database.writer() as session:
        months.lock_month(session, MONTH)
        invoicing.link_and_resum(session, Scope(MONTH))
        connection = session.connection()
        if explain:
            raw = connection.connection.driver_connection
            assert raw is not None
            raw.add_notice_handler(lambda diag: notices.append(diag.message_primary or ""))
            for setting in (
                "LOAD 'auto_explain'",
                "SET auto_explain.log_min_duration = 50",
                "SET auto_explain.log_analyze = on",
                "SET auto_explain.log_buffers = on",
                "SET auto_explain.log_nested_statements = on",
                "SET auto_explain.log_triggers = on",
                "SET auto_explain.log_level = 'notice'",
                "SET client_min_messages = 'notice'",
            ):
                connection.execute(text(setting))
        engine = session.get_bind()
        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)
        profiler = cProfile.Profile() if profile else None
        tracemalloc.start()  # as bench.billing times it
        started = time.perf_counter()
        try:
            if profiler:
                profiler.enable()
            service._issue(session, MONTH, None, SETTINGS, TODAY, linked=True)
            session.flush()
            if profiler:
                profiler.disable()
        finally:
            event.remove(engine, "before_cursor_execute", before)
            event.remove(engine, "after_cursor_execute", after)
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        session.rollback()
    in_sql = sum(spent for spent, _ in statements.values())
    print(
        f"issue step {elapsed:.2f} s: SQL {in_sql:.2f} s, Python around it"
        f" {elapsed - in_sql:.2f} s; Python peak {peak / 1e6:.1f} MB"
    )
    for key, (spent, calls) in sorted(statements.items(), key=lambda kv: -kv[1][0])[:12]:
        print(f"  {spent:7.3f} s  x{calls:<3} {key}")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    for notice in notices:
        print(notice)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="a PostgreSQL database kept by bench.billing --keep")
    parser.add_argument("--prepare", action="store_true", help="reset to drafts, run the month")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    clock.freeze(NOW)
    database = Database(args.url)
    if args.prepare:
        reset_billing(database)
        # As bench.billing leaves it before finalizing: run, rerun, no VACUUM ANALYZE since.
        for _ in range(2):
            with database.session_scope() as session:
                bill(session)
        return
    times = [
        attempt(database, profile=args.profile, explain=args.explain) for _ in range(args.repeat)
    ]
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"median {statistics.median(times):.2f} s of {len(times)}; load {load}")


if __name__ == "__main__":
    main()
