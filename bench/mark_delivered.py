"""Marking deliveries over HTTP: uvicorn with 2 workers on PostgreSQL, driven by wrk.

Creates a scratch PostgreSQL database, migrates and seeds it (60 routes of 400 stops, one order
of 2 units per stop for today, each route with its delivery boy), starts ``uvicorn
milkrun.app:create_app --workers 2`` on a free loopback port, and drives
``POST /api/v1/delivery-boy/mark-delivered`` with wrk (Debian: ``apt-get install wrk``) and a Lua
script: each request is one delivery boy marking an order of his route, with an Idempotency-Key,
cycling every order through delivered → partially delivered → not delivered, so that every
request is an effective change (an insert or a versioned update, the order's status, one audit
event, the key). Each phase (warm-up, every run, the direct one) has its own slice of the orders.
wrk is bounded in time (``--seconds``) and in count (``--max-requests``).

Then the same transaction runs in-process without HTTP (one session per mark, the same service
calls as the endpoint, the user loaded as the endpoint does) for a few seconds, and the script
prints both rates and their ratio. At the end it checks the database: one audit event per
answered mark.

    .venv/bin/python -m bench.mark_delivered [--runs 3] [--seconds 30] [--connections 8]

``MILKRUN_BENCH_POSTGRES_URL`` (default postgresql://postgres@127.0.0.1:5432/postgres) names the
server; the scratch database is dropped at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import func, insert, select

import milkrun.models  # noqa: F401  (every table on the metadata)
from bench.scratch import scratch_database
from milkrun import clock
from milkrun.audit.models import AuditEvent
from milkrun.audit.service import Actor
from milkrun.auth import service as auth_service
from milkrun.auth import tokens
from milkrun.auth.models import User
from milkrun.auth.schemas import UserCreate
from milkrun.catalog import service as catalog_service
from milkrun.catalog.schemas import ProductCreate
from milkrun.customers.models import Customer
from milkrun.db import migrate
from milkrun.db.session import Database
from milkrun.deliveries import service as delivery_service
from milkrun.deliveries.schemas import MarkRequest
from milkrun.orders.models import Order
from milkrun.routing import service as routing_service
from milkrun.routing.models import Route
from milkrun.routing.schemas import RouteCreate

ROUTES = 60
STOPS_PER_ROUTE = 400
ZONE = "Asia/Kolkata"
ADMIN_URL = os.environ.get(
    "MILKRUN_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
SYSTEM = Actor.system("bench", channel="bench")

LUA = r"""
-- Each wrk thread walks its own share of the orders, cycling each through three outcomes.
local marks = {}
local counter = 0
local responses = 0
local thread_id = 0
local limit = 0

function setup(thread)
  thread:set("id", tostring(setup_count or 0))
  setup_count = (setup_count or 0) + 1
end

function init(args)
  thread_id = tonumber(wrk.thread:get("id"))
  local threads = tonumber(args[2])
  limit = tonumber(args[3])
  local n = 0
  for line in io.lines(args[1]) do
    if n % threads == thread_id then
      local token, order_id, customer_id = line:match("^(%S+) (%d+) (%d+)$")
      marks[#marks + 1] = {token = token, order = order_id, customer = customer_id}
    end
    n = n + 1
  end
end

local bodies = {
  '{"order_id":%s,"customer_id":%s,"status":"delivered"}',
  '{"order_id":%s,"customer_id":%s,"status":"partially_delivered","quantity_delivered":1}',
  '{"order_id":%s,"customer_id":%s,"status":"not_delivered","reason":"customer_unavailable"}',
}

function request()
  local mark = marks[(counter % #marks) + 1]
  local round = math.floor(counter / #marks)
  counter = counter + 1
  local body = string.format(bodies[(round % 3) + 1], mark.order, mark.customer)
  local headers = {
    ["Authorization"] = "Bearer " .. mark.token,
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = string.format("bench-%s-%d-%d", RUN, thread_id, counter),
  }
  return wrk.format("POST", "/api/v1/delivery-boy/mark-delivered", headers, body)
end

function response(status, headers, body)
  responses = responses + 1
  if responses >= limit then
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  io.write(string.format(
    "RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d status_errors=%d " ..
    "connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout))
end
"""


@dataclass
class Figures:
    rate: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int


def seed(database: Database, secret: str, today: dt.date) -> list[tuple[str, int, int]]:
    """The dairy: routes with their delivery boys and one order per stop. Returns, per order,
    (its delivery boy's token, order id, customer id)."""
    marks: list[tuple[str, int, int]] = []
    with database.session_scope() as session:
        product = catalog_service.create_product(
            session,
            ProductCreate(
                sku="TM500",
                name="Toned milk",
                unit="500 ml pouch",
                tax_rate=Decimal("0.00"),
                price=Decimal("28.00"),
                effective_from=today - dt.timedelta(days=30),
            ),
            SYSTEM,
            today=today,
        )
        for r in range(ROUTES):
            boy = auth_service.create_staff(
                session,
                UserCreate(
                    role="delivery_boy",
                    name=f"Boy {r}",
                    phone=f"+9190000{r:05d}",
                    password="bench-password-2026",
                ),
                SYSTEM,
            )
            route = routing_service.create_route(
                session,
                RouteCreate(
                    name=f"Route {r}", area="Bench", shift="morning", delivery_boy_id=boy.id
                ),
                SYSTEM,
            )
            token = tokens.issue_token(boy, secret=secret, minutes=120)
            now = clock.now()
            customer_ids = [
                row.id
                for row in session.execute(
                    insert(Customer).returning(Customer.id),
                    [
                        {
                            "name": f"Customer {r}-{s}",
                            "phone": f"+9198{r:03d}{s:05d}",
                            "address": f"{s} Bench Road",
                            "area": "Bench",
                            "route_id": route.id,
                            "stop_sequence": s + 1,
                            "is_active": True,
                            "created_at": now,
                            "updated_at": now,
                        }
                        for s in range(STOPS_PER_ROUTE)
                    ],
                )
            ]
            order_rows = session.execute(
                insert(Order).returning(Order.id, Order.customer_id),
                [
                    {
                        "customer_id": customer_id,
                        "product_id": product.id,
                        "delivery_date": today,
                        "shift": "morning",
                        "quantity": 2,
                        "unit_price_paise": 2800,
                        "route_id": route.id,
                        "status": "scheduled",
                        "created_at": now,
                        "updated_at": now,
                    }
                    for customer_id in customer_ids
                ],
            )
            marks.extend((token, row.id, row.customer_id) for row in order_rows)
    return marks


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def server(url: str, secret: str, port: int) -> Iterator[str]:
    env = {
        **os.environ,
        "MILKRUN_DATABASE_URL": url,
        "MILKRUN_SECRET_KEY": secret,
        "MILKRUN_ENV": "production",
        "MILKRUN_TIMEZONE": ZONE,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "milkrun.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "2",
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def drive(
    base: str, data: Path, script: Path, *, seconds: int, connections: int, limit: int, run: str
) -> Figures:
    threads = 2
    script.write_text(f'RUN = "{run}"\n' + LUA)
    result = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            base,
            "--",
            str(data),
            str(threads),
            str(limit // threads),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT")]
    values = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", lines[-1])}
    errors = sum(
        values[k]
        for k in ("status_errors", "connect_errors", "read_errors", "write_errors", "timeouts")
    )
    return Figures(
        rate=values["requests"] / (values["duration_us"] / 1e6),
        p50_ms=values["p50_us"] / 1000,
        p99_ms=values["p99_us"] / 1000,
        errors=errors,
        requests=values["requests"],
    )


def mark_once(
    database: Database, user_id: int, body: MarkRequest, key: str, today: dt.date
) -> None:
    """What POST /delivery-boy/mark-delivered does, minus HTTP, JSON and the token."""
    with database.session_scope() as session:
        user = session.get(User, user_id)
        assert user is not None
        actor = Actor(user_id=user.id, label=f"{user.role}:{user.name}", channel="api")
        marker = delivery_service.Marker.for_user(user, actor)
        delivery_service.mark_once(session, marker, body, key=key, today=today)


def direct_rate(url: str, marks: list[tuple[str, int, int]], seconds: float) -> tuple[float, int]:
    """The endpoint's transaction without HTTP, one after another in this process, each in its
    own session: the user loaded, the key claimed, the mark, the answer stored, the commit."""
    database = Database(url)
    today = clock.today(ZoneInfo(ZONE))
    with database.session_scope() as session:
        boys: dict[int, int] = dict(
            session.execute(
                select(Order.id, User.id)
                .join(Route, Route.id == Order.route_id)
                .join(User, User.id == Route.delivery_boy_id)
            ).all()
        )
    cycle = ["delivered", "partially_delivered", "not_delivered"]
    extra: dict[str, dict[str, object]] = {
        "delivered": {},
        "partially_delivered": {"quantity_delivered": 1},
        "not_delivered": {"reason": "refused"},
    }
    done = 0
    start = time.perf_counter()
    try:
        while time.perf_counter() - start < seconds:
            _token, order_id, customer_id = marks[done % len(marks)]
            after = cycle[(done // len(marks)) % 3]  # each visit of an order changes it
            body = MarkRequest.model_validate(
                {"order_id": order_id, "customer_id": customer_id, "status": after, **extra[after]}
            )
            mark_once(database, boys[order_id], body, f"direct-{done}", today)
            done += 1
    finally:
        database.dispose()
    return done / (time.perf_counter() - start), done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument("--direct-seconds", type=float, default=10.0)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    secret = secrets.token_urlsafe(48)
    today = clock.today(ZoneInfo(ZONE))
    with scratch_database(ADMIN_URL) as url, tempfile.TemporaryDirectory() as tmp:
        migrate.upgrade(url)
        database = Database(url)
        marks = seed(database, secret, today)
        database.dispose()
        phases = args.runs + 2  # the warm-up, each run, the direct one: each its own orders
        slices = [marks[n::phases] for n in range(phases)]

        def data(n: int) -> Path:
            path = Path(tmp) / f"marks-{n}.txt"
            path.write_text("".join(f"{t} {o} {c}\n" for t, o, c in slices[n]))
            return path

        print(f"seeded {len(marks)} orders on {ROUTES} routes for {today}; PostgreSQL, 2 workers")
        runs: list[Figures] = []
        with server(url, secret, free_port()) as base:
            warm = drive(
                base,
                data(0),
                Path(tmp) / "mark.lua",
                seconds=3,
                connections=args.connections,
                limit=args.max_requests,
                run="warm",
            )
            print(f"warm-up: {warm.requests} marks")
            for n in range(args.runs):
                figures = drive(
                    base,
                    data(n + 1),
                    Path(tmp) / "mark.lua",
                    seconds=args.seconds,
                    connections=args.connections,
                    limit=args.max_requests,
                    run=f"run{n}",
                )
                runs.append(figures)
                print(
                    f"run {n + 1}: {figures.rate:.0f} marks/s, p50 {figures.p50_ms:.1f} ms, "
                    f"p99 {figures.p99_ms:.1f} ms, errors {figures.errors} "
                    f"({figures.requests} requests, {args.connections} connections, "
                    f"{args.seconds} s)"
                )
        rate, done = direct_rate(url, slices[-1], args.direct_seconds)
        check = Database(url)
        with check.session_scope(write=False) as session:
            events = session.scalar(
                select(func.count()).where(AuditEvent.action.like("delivery.%"))
            )
        check.dispose()
        answered = warm.requests + sum(f.requests for f in runs) + done
        http = statistics.median(f.rate for f in runs)
        print(
            f"HTTP (median of {len(runs)}): {http:.0f} marks/s, "
            f"p50 {statistics.median(f.p50_ms for f in runs):.1f} ms, "
            f"p99 {statistics.median(f.p99_ms for f in runs):.1f} ms, "
            f"errors {sum(f.errors for f in runs)}"
        )
        print(f"direct (no HTTP, one process): {rate:.0f} marks/s; HTTP/direct {http / rate:.2f}")
        print(
            f"audit events of marks: {events}; marks answered: {answered} (one event each; wrk"
            " does not count the few answers in flight when it stops)"
        )


if __name__ == "__main__":
    main()
