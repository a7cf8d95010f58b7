"""The delivery boy's manifest of a 400-stop route: bytes on the wire and server time.

Builds the dairy of ``bench.materialize`` (routes of about 380 customers, mixed schedules,
pauses, overrides, dated changes of terms), materializes the day, marks a third of the chosen
route's orders, then asks the app in-process (``TestClient``, no network) for the route's
manifest (``GET /api/v1/routes/{id}/manifest``):

- without compression (``Accept-Encoding: identity``), as before,
- gzipped (``Accept-Encoding: gzip``, what a phone's browser sends),
- again with the ``ETag`` it got (``If-None-Match``): a 304 with no body,
- after one more mark, with the old tag: the whole manifest again, under a new tag.

    .venv/bin/python -m bench.manifest                                   # SQLite, a temp file
    .venv/bin/python -m bench.manifest --database-url postgresql+psycopg://postgres@127.0.0.1/postgres

Prints the body and header bytes of each answer and the median milliseconds over ``--requests``
requests of each kind (the time in the app: routing, login, queries, JSON, gzip).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

import milkrun.models  # noqa: F401  (every table on the metadata)
from bench import materialize as dairy
from bench.scratch import scratch_database
from milkrun import clock
from milkrun.app import create_app
from milkrun.auth import tokens
from milkrun.auth.models import User
from milkrun.config import Settings
from milkrun.db import migrate
from milkrun.db.session import Database
from milkrun.orders.models import Order

SECRET = "bench-secret-key-that-is-long-enough-0123456789"
# Customers per route: with the fixture's mix, the busiest route has about 400 stops.
CUSTOMERS_PER_ROUTE = 380


def header_bytes(response: Any) -> int:
    status_line = len(f"HTTP/1.1 {response.status_code} OK\r\n")
    return status_line + sum(len(k) + len(v) + 4 for k, v in response.headers.items()) + 2


def add_admin(database: Database) -> None:
    """User 1, an admin: asks for the manifest and records the marks."""
    with database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (id, role, name, email, password_hash, is_active,"
                " created_at, updated_at) VALUES (1, 'admin', 'Bench', 'bench@example.in',"
                " 'x', true, :now, :now)"
            ),
            {"now": dairy.NOW},
        )


def busiest_route(database: Database) -> tuple[int, int]:
    with database.session_scope() as session:
        route_id, stops = session.execute(
            select(Order.route_id, func.count(func.distinct(Order.customer_id)))
            .where(Order.delivery_date == dairy.DAY, Order.route_id.is_not(None))
            .group_by(Order.route_id)
            .order_by(func.count(func.distinct(Order.customer_id)).desc())
            .limit(1)
        ).one()
    return int(route_id or 0), int(stops)


def mark_a_third(database: Database, route_id: int) -> None:
    """A third of the route's orders delivered, as the morning goes (set-based)."""
    with database.engine.begin() as connection:
        params = {"route": route_id, "day": dairy.DAY, "now": dairy.NOW}
        connection.execute(
            text(
                "INSERT INTO delivery_statuses (order_id, customer_id, status, quantity_delivered,"
                " recorded_by_user_id, recorded_at, version, created_at, updated_at)"
                " SELECT id, customer_id, 'delivered', quantity, 1, :now, 1, :now, :now"
                " FROM orders WHERE route_id = :route AND delivery_date = :day"
                " AND status = 'scheduled' AND id % 3 = 0"
            ),
            params,
        )
        connection.execute(
            text(
                "UPDATE orders SET status = 'delivered' WHERE route_id = :route"
                " AND delivery_date = :day AND status = 'scheduled' AND id % 3 = 0"
            ),
            params,
        )


def median_ms(times: list[float]) -> float:
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL server (default: SQLite temp file)")
    parser.add_argument("--requests", type=int, default=30, help="requests of each kind")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()

    clock.freeze(dairy.NOW)
    dairy.CUSTOMERS_PER_ROUTE = CUSTOMERS_PER_ROUTE
    with scratch_database(args.database_url, args.keep) as url:
        migrate.upgrade(url)
        database = Database(url)
        kind = database.engine.dialect.name
        dairy.build_fixtures(database, 4_000, 7)
        dairy.timed_run(database)
        clock.freeze(dairy.NOW + dt.timedelta(hours=12))  # the morning of the day
        add_admin(database)
        route_id, stops = busiest_route(database)
        mark_a_third(database, route_id)
        with database.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.exec_driver_sql("ANALYZE")

        settings = Settings(env="test", database_url=url, secret_key=SECRET)
        client = TestClient(create_app(settings, database))
        with database.session_scope() as session:
            admin = session.get(User, 1)
            assert admin is not None
            token = tokens.issue_token(admin, secret=SECRET, minutes=600)
        auth = {"Authorization": f"Bearer {token}"}
        url_path = f"/api/v1/routes/{route_id}/manifest?date={dairy.DAY.isoformat()}"

        cpu: dict[str, list[float]] = {}

        def ask(n: int, **headers: str) -> tuple[Any, list[float]]:
            times, response = [], None
            spent = cpu.setdefault(repr(headers), [])
            for _ in range(n):
                started, started_cpu = time.perf_counter(), time.process_time()
                response = client.get(url_path, headers={**auth, **headers})
                times.append(time.perf_counter() - started)
                spent.append(time.process_time() - started_cpu)
            assert response is not None
            return response, times

        ask(3)  # warm up: first statements, first imports
        plain, plain_times = ask(args.requests, **{"Accept-Encoding": "identity"})
        zipped, zipped_times = ask(args.requests, **{"Accept-Encoding": "gzip"})
        tag = zipped.headers["etag"]
        same, same_times = ask(args.requests, **{"Accept-Encoding": "gzip", "If-None-Match": tag})
        assert plain.status_code == zipped.status_code == 200
        assert zipped.headers["content-encoding"] == "gzip"
        assert same.status_code == 304
        assert not same.content
        body = plain.json()
        assert len(body["stops"]) >= stops

        order = next(o for s in body["stops"] for o in s["orders"] if o["status"] == "scheduled")
        customer = next(s for s in body["stops"] if order in s["orders"])["customer"]["id"]
        marked = client.post(
            "/api/v1/delivery-boy/mark-delivered",
            json={"order_id": order["id"], "customer_id": customer, "status": "delivered"},
            headers=auth,
        )
        assert marked.status_code == 200, marked.text
        changed, _ = ask(1, **{"Accept-Encoding": "gzip", "If-None-Match": tag})
        assert changed.status_code == 200
        assert changed.headers["etag"] != tag

        orders = sum(len(s["orders"]) for s in body["stops"])
        print(
            f"{kind}: route {route_id}: {len(body['stops'])} stops, {orders} orders;"
            f" medians of {args.requests} requests"
        )
        for name, response, times, spent in (
            (
                "plain JSON (identity)",
                plain,
                plain_times,
                cpu[repr({"Accept-Encoding": "identity"})],
            ),
            ("gzip", zipped, zipped_times, cpu[repr({"Accept-Encoding": "gzip"})]),
            (
                "If-None-Match, unchanged",
                same,
                same_times,
                cpu[repr({"Accept-Encoding": "gzip", "If-None-Match": tag})],
            ),
        ):
            wire = response.num_bytes_downloaded
            print(
                f"  {name:26} {response.status_code}: body {wire:>7,} B on the wire"
                f" ({len(response.content):,} B decoded), headers {header_bytes(response):,} B;"
                f" {median_ms(times):.1f} ms ({median_ms(spent):.1f} ms of this process's CPU)"
            )
        print(
            f"  after a mark, the old tag: {changed.status_code},"
            f" {changed.num_bytes_downloaded:,} B, new tag"
        )
        database.dispose()


if __name__ == "__main__":
    main()
