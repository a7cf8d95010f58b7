"""The admin pages of the owner's console at the benchmark size: 100,000 subscriptions of
62,500 customers (bench/materialize.py's dairy), with yesterday, today and tomorrow generated,
yesterday almost all marked and today's morning half way, and an audit trail of every mark.

Times each page (the median of ``--repeat`` GETs through the app, logged in as the owner, after
one warm-up GET) and prints the figures; the issue asks for every admin page under 300 ms on
PostgreSQL.

    .venv/bin/python -m bench.admin_pages --database-url postgresql+psycopg://postgres@127.0.0.1/postgres
    .venv/bin/python -m bench.admin_pages                       # SQLite, a temporary file
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time

from fastapi.testclient import TestClient
from sqlalchemy import select, text

import milkrun.models  # noqa: F401  (every table on the metadata)
from bench.materialize import DAY, build_fixtures
from bench.scratch import scratch_database
from milkrun import clock
from milkrun.app import create_app
from milkrun.audit.service import Actor
from milkrun.auth import service as auth_service
from milkrun.auth import tokens
from milkrun.auth.models import User
from milkrun.auth.schemas import UserCreate
from milkrun.billing import service as billing_service
from milkrun.config import Settings
from milkrun.db import migrate
from milkrun.db.session import Database
from milkrun.http.deps import TOKEN_COOKIE
from milkrun.orders import generate

SECRET = "bench-secret-key-that-is-long-enough-0123456789"
# 10:00 in Bengaluru on the benchmark's day: the morning half marked.
NOW = dt.datetime.combine(DAY, dt.time(4, 30), dt.UTC)
YESTERDAY, TOMORROW = DAY - dt.timedelta(days=1), DAY + dt.timedelta(days=1)

# {customer}, {product}, {route}, {boy} and {invoice} are filled in from the built dairy.
PAGES = [
    ("today board", "/admin"),
    ("board refresh (progress)", "/admin/board/progress"),
    ("generate: dry run of tomorrow", f"/admin/orders/generate?date={TOMORROW}"),
    (
        "generate: dry run, not generated",
        f"/admin/orders/generate?date={DAY + dt.timedelta(days=2)}",
    ),
    ("audit trail", "/admin/audit"),
    (
        "audit trail: one action, one day",
        f"/admin/audit?action=delivery.mark&start={DAY}&end={DAY}",
    ),
    ("audit trail: one customer", "/admin/audit?customer=4242"),
    ("reports", "/admin/reports"),
    ("report: requirement (today, tomorrow)", "/admin/reports/requirement"),
    ("report: deliveries (7 days)", "/admin/reports/deliveries"),
    ("report: sales (6 months)", "/admin/reports/sales"),
    ("report: customers (6 months)", "/admin/reports/customers"),
    ("customers", "/admin/customers"),
    ("customers: search by name", "/admin/customers?q=Customer+4242"),
    ("customers: one route, with dues", "/admin/customers?route={route}&owing=1"),
    ("customer", "/admin/customers/{customer}"),
    ("customer: edit", "/admin/customers/{customer}/edit"),
    ("customer: deactivate", "/admin/customers/{customer}/deactivate"),
    ("customer: new", "/admin/customers/new"),
    ("products", "/admin/products"),
    ("product", "/admin/products/{product}"),
    ("products: new", "/admin/products/new"),
    ("prices: bulk change", "/admin/products/prices"),
    ("routes", "/admin/routes"),
    ("route", "/admin/routes/{route}"),
    ("routes: new", "/admin/routes/new"),
    ("route day", "/admin/routes/{route}/day"),
    ("staff", "/admin/staff"),
    ("staff: one delivery boy", "/admin/staff/{boy}"),
    ("staff: new", "/admin/staff/new"),
    ("billing: the month's drafts", f"/admin/billing?month={DAY:%Y-%m}"),
    ("invoice", "/admin/invoices/{invoice}"),
    ("reconciliation", f"/admin/billing/reconcile?month={DAY:%Y-%m}"),
    ("payments", "/admin/payments"),
    ("dues", "/admin/dues"),
    ("message templates", "/admin/messages/templates"),
]


def mark(database: Database, boy_id: int, day: dt.date, share: int) -> int:
    """Mark ``share`` % of the day's orders (by id), as the delivery boy would: the order's
    status, its delivery status and the audit event, in three set-based statements."""
    recorded = dt.datetime.combine(day, dt.time(2, 0), dt.UTC)
    params = {"day": day, "share": share, "boy": boy_id, "at": recorded}
    with database.engine.begin() as connection:
        chosen = "delivery_date = :day AND status = 'scheduled' AND id % 100 < :share"
        connection.execute(
            text(
                "UPDATE orders SET status = CASE WHEN id % 50 = 0 THEN 'not_delivered'"
                " ELSE 'delivered' END WHERE " + chosen
            ),
            params,
        )
        connection.execute(
            text(
                "INSERT INTO delivery_statuses (order_id, customer_id, status, quantity_delivered,"
                " reason, recorded_by_user_id, recorded_at, version, created_at, updated_at)"
                " SELECT id, customer_id, status,"
                " CASE WHEN status = 'delivered' THEN quantity ELSE 0 END,"
                " CASE WHEN status = 'delivered' THEN NULL ELSE 'customer_unavailable' END,"
                " :boy, :at, 1, :at, :at FROM orders"
                " WHERE delivery_date = :day AND status <> 'scheduled' AND status <> 'cancelled'"
                " AND id % 100 < :share"
            ),
            params,
        )
        result = connection.execute(
            text(
                "INSERT INTO audit_events (occurred_at, actor_user_id, actor_label, channel,"
                " action, entity_type, entity_id, customer_id, order_id, after)"
                " SELECT :at, :boy, 'delivery_boy:Ravi', 'api', 'delivery.mark', 'order', id,"
                " customer_id, id, NULL FROM orders"
                " WHERE delivery_date = :day AND status <> 'scheduled' AND status <> 'cancelled'"
                " AND id % 100 < :share"
            ),
            params,
        )
        return int(result.rowcount)


def pay(database: Database, admin_id: int) -> int:
    """A payment from every tenth customer (the payments and dues pages have rows to show)."""
    with database.engine.begin() as connection:
        result = connection.execute(
            text(
                "INSERT INTO payments (customer_id, amount_paise, method, reference, received_at,"
                " created_at, created_by_user_id) SELECT id, 50000 + id % 7 * 1000, 'upi',"
                " 'UTR' || id, :at, :at, :admin FROM customers WHERE id % 10 = 0"
            ),
            {"at": NOW - dt.timedelta(days=2), "admin": admin_id},
        )
        return int(result.rowcount)


def page_ids(database: Database) -> dict[str, int]:
    """The ids the pages' paths name: a customer with a draft bill, its route's first product,
    the route, the delivery boy and the bill."""
    with database.engine.connect() as connection:
        customer, invoice = connection.execute(
            text(
                "SELECT customer_id, id FROM invoices WHERE customer_id >= 4242 ORDER BY id LIMIT 1"
            )
        ).one()
        route = connection.scalar(
            text("SELECT route_id FROM customers WHERE id = :c"), {"c": customer}
        )
        product = connection.scalar(text("SELECT min(id) FROM products"))
        boy = connection.scalar(text("SELECT id FROM users WHERE email = 'ravi@bench.in'"))
    return {
        "customer": customer,
        "invoice": invoice,
        "route": route,
        "product": product,
        "boy": boy,
    }


def build(database: Database, subscriptions: int, seed: int) -> tuple[str, dict[str, int]]:
    clock.freeze(dt.datetime.combine(YESTERDAY, dt.time(16, 30), dt.UTC))
    sizes = build_fixtures(database, subscriptions, seed)
    actor = Actor.system("bench", channel="cli")
    with database.session_scope() as session:
        admin = auth_service.create_admin(
            session,
            name="Owner",
            email="owner@bench.in",
            phone=None,
            password="x" * 12,
            actor=actor,
        )
        boy = auth_service.create_staff(
            session,
            UserCreate(role="delivery_boy", name="Ravi", email="ravi@bench.in", password="x" * 12),
            actor,
        )
        admin_id, boy_id = admin.id, boy.id
    for day in (YESTERDAY, DAY, TOMORROW):
        with database.session_scope() as session:
            report = generate.materialize(session, day, actor, trigger="cli")
        sizes[f"orders {day}"] = report.counts.created
    sizes["marked yesterday"] = mark(database, boy_id, YESTERDAY, 98)
    sizes["marked today"] = mark(database, boy_id, DAY, 50)
    with database.session_scope() as session:
        billed = billing_service.run_billing(session, DAY.replace(day=1), actor, Settings())
        sizes["draft bills"] = billed.invoices_created
    sizes["payments"] = pay(database, admin_id)
    with database.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT")
        connection.exec_driver_sql("ANALYZE")
    clock.freeze(NOW)
    return admin_token(database, admin_id), sizes


def admin_token(database: Database, admin_id: int) -> str:
    with database.session_scope() as session:
        admin = session.get(User, admin_id)
        assert admin is not None
        return tokens.issue_token(admin, secret=SECRET, minutes=600)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL server (default: SQLite temp file)")
    parser.add_argument("--subscriptions", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument(
        "--reuse", metavar="URL", help="time the pages of a database kept by --keep (no build)"
    )
    parser.add_argument(
        "--terms",
        choices=["range", "anti-join"],
        default="range",
        help="the terms in force as the code has them, or as the old anti-join (for comparison)",
    )
    args = parser.parse_args()
    from bench.terms_in_force import SHAPES
    from milkrun.orders import due

    due.terms_in_force = SHAPES[args.terms]  # type: ignore[assignment]

    if args.reuse:
        database = Database(args.reuse)
        clock.freeze(NOW)
        with database.session_scope(write=False) as session:
            admin_id = session.scalar(select(User.id).where(User.email == "owner@bench.in"))
        assert admin_id, "not a database kept by --keep"
        token = admin_token(database, admin_id)
        time_pages(database, args.reuse, token, args.repeat)
        return
    with scratch_database(args.database_url, args.keep) as url:
        migrate.upgrade(url)
        database = Database(url)
        kind = database.engine.dialect.name
        started = time.perf_counter()
        token, sizes = build(database, args.subscriptions, args.seed)
        print(
            f"{kind}: {args.subscriptions:,} subscriptions, {sizes['customers']:,} customers,"
            f" {sizes['routes']} routes; "
            + ", ".join(
                f"{k} {v:,}" for k, v in sizes.items() if k.startswith(("orders", "marked"))
            )
            + f"; built in {time.perf_counter() - started:.0f} s"
        )
        if args.keep:
            print(f"kept: {url}")
        time_pages(database, url, token, args.repeat)


def time_pages(database: Database, url: str, token: str, repeat: int) -> None:
    kind = database.engine.dialect.name
    settings = Settings(env="test", database_url=url, secret_key=SECRET, scheduler=False)
    with TestClient(create_app(settings, database)) as client:
        client.cookies.set(TOKEN_COOKIE, token)
        worst = 0.0
        ids = page_ids(database)
        for name, pattern in PAGES:
            path = pattern.format(**ids)
            answer = client.get(path)
            assert answer.status_code == 200, (path, answer.status_code, answer.text[:500])
            times = []
            for _ in range(repeat):
                began = time.perf_counter()
                answer = client.get(path)
                times.append((time.perf_counter() - began) * 1000)
            median = statistics.median(times)
            worst = max(worst, median)
            print(
                f"  {name:<36} {median:7.1f} ms median of {repeat}"
                f" (min {min(times):.1f}, max {max(times):.1f}; {len(answer.content):,} bytes)"
            )
    print(f"{kind}: slowest page {worst:.1f} ms; load average {os.getloadavg()[0]:.2f}")
    database.engine.dispose()


if __name__ == "__main__":
    main()
