"""The day close of ``bench.day_close`` on clones of one built day, at two schema revisions,
alternated: the server backend's CPU time (from ``/proc``, so the server must run on this
machine) and the wall clock of each close, commit included.

Builds the dairy and its day once at ``--base`` (migrated to that revision, materialized,
analyzed) in a template database, then for each round and each revision of ``--revisions``
(in turn, the order reversed every other round): ``CREATE DATABASE ... TEMPLATE``, migrate
the clone to the revision, ANALYZE, CHECKPOINT, close the day. The code is this checkout's;
only the schema differs.

    .venv/bin/python -m bench.day_close_compare \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        --base 0027_terms_validity --revisions 0027_terms_validity,head --rounds 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import psycopg
from sqlalchemy.engine import make_url

import milkrun.models  # noqa: F401  (every table on the metadata)
from bench.day_close import CLOSE_TIME
from bench.materialize import DAY, NOW, build_fixtures
from milkrun import clock
from milkrun.audit.service import Actor
from milkrun.config import Settings
from milkrun.db import migrate
from milkrun.db.engine import normalize_url
from milkrun.db.session import Database
from milkrun.deliveries import closing
from milkrun.orders import generate

TEMPLATE = "milkrun_bench_compare_day"
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of process ``pid`` so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def build(server: str, admin: str, base: str, subscriptions: int) -> None:
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE}"')
        connection.execute(f'CREATE DATABASE "{TEMPLATE}"')
    url = make_url(server).set(database=TEMPLATE).render_as_string(hide_password=False)
    clock.freeze(NOW)
    migrate.upgrade(url, base)
    database = Database(url)
    build_fixtures(database, subscriptions, 7)
    with database.session_scope() as session:
        generate.materialize(session, DAY, Actor.system("bench", channel="cli"))
    with database.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT")
        connection.exec_driver_sql("SELECT pg_stat_force_next_flush()")
        connection.exec_driver_sql("ANALYZE")
    database.dispose()


def close_once(server: str, admin: str, revision: str, name: str) -> tuple[float, float, float]:
    """(server CPU, wall, load average before) of one close on a fresh clone at ``revision``."""
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    try:
        migrate.upgrade(url, revision)
        plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(plain, autocommit=True) as connection:
            connection.execute("ANALYZE")
            connection.execute("SELECT pg_stat_force_next_flush()")
            connection.execute("CHECKPOINT")
        time.sleep(1)
        database = Database(url)
        settings = Settings(env="test", database_url=url, day_close_policy="delivered")
        clock.freeze(CLOSE_TIME)
        load = os.getloadavg()[0]
        with database.session_scope() as session:
            pid = int(session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar_one())
            cpu, started = cpu_seconds(pid), time.perf_counter()
            closed = closing.close_day(
                session, DAY, closing.system_actor("cli"), settings, trigger="cli"
            )
        wall, cpu = time.perf_counter() - started, cpu_seconds(pid) - cpu
        assert closed.delivered > 0
        database.dispose()
        return cpu, wall, load
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="PostgreSQL server")
    parser.add_argument("--base", default="0027_terms_validity")
    parser.add_argument("--revisions", default="0027_terms_validity,head")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--subscriptions", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the template database")
    args = parser.parse_args()

    server = normalize_url(args.database_url)
    admin = make_url(server).set(drivername="postgresql").render_as_string(hide_password=False)
    revisions = args.revisions.split(",")
    build(server, admin, args.base, args.subscriptions)
    runs: dict[str, list[tuple[float, float, float]]] = {revision: [] for revision in revisions}
    try:
        for n in range(args.rounds):
            for i, revision in enumerate(revisions if n % 2 == 0 else revisions[::-1]):
                run = close_once(server, admin, revision, f"{TEMPLATE}_{n}_{i}")
                runs[revision].append(run)
                print(
                    f"round {n} {revision}: server CPU {run[0]:.2f} s, wall {run[1]:.2f} s,"
                    f" load average before {run[2]:.2f}",
                    flush=True,
                )
    finally:
        if not args.keep:
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')
    for revision, measured in runs.items():
        cpu = statistics.median(run[0] for run in measured)
        wall = statistics.median(run[1] for run in measured)
        loads = [run[2] for run in measured]
        print(
            f"{revision}: median server CPU {cpu:.2f} s, median wall {wall:.2f} s"
            f" ({len(measured)} closes, load average {min(loads):.1f}-{max(loads):.1f})"
        )


if __name__ == "__main__":
    main()
