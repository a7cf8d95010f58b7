"""The today board: how the day's deliveries stand, what was left unmarked yesterday, what to
load for tomorrow, the money owed, and new customers waiting for a route.

Each part is one or two set-based statements, so the board costs the same for 50 customers as
for 60,000; ``progress`` alone is what the board refreshes every half minute.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun.audit.models import AuditEvent
from milkrun.billing.models import Invoice, InvoiceStatus
from milkrun.catalog.models import Product
from milkrun.config import Settings
from milkrun.containers import queries as container_queries
from milkrun.containers.schemas import RouteDayCount
from milkrun.counter_sales import queries as counter_queries
from milkrun.counter_sales.schemas import DayTotals
from milkrun.customers.models import Customer
from milkrun.cutoff import cutoff_at
from milkrun.hubs.scope import EVERY_HUB, HubScope
from milkrun.orders.due import due_on
from milkrun.orders.models import MaterializationRun, Order, OrderStatus
from milkrun.payments import collections
from milkrun.reports.months import first_of
from milkrun.routing.models import Route
from milkrun.wallets import queries as wallet_queries
from milkrun.wallets.generation import threshold_of

# What changes the orders of a date after its generation (they re-sync it; the board counts them).
ORDER_CHANGES = (
    "subscription.create",
    "subscription.change",
    "pause.create",
    "pause.update",
    "pause.delete",
    "override.set",
    "override.clear",
    "order.create",
    "order.cancel",
)
UNPAID = (InvoiceStatus.finalized.value, InvoiceStatus.partially_paid.value)
ISSUED = (InvoiceStatus.finalized.value, InvoiceStatus.partially_paid.value, "paid")
WAITING_SHOWN = 8


@dataclass
class RouteProgress:
    route_id: int | None
    name: str
    shift: str
    delivered: int = 0
    partial: int = 0
    not_delivered: int = 0
    pending: int = 0

    @property
    def total(self) -> int:
        return self.delivered + self.partial + self.not_delivered + self.pending

    @property
    def marked(self) -> int:
        return self.total - self.pending

    @property
    def percent(self) -> int:
        return round(100 * self.marked / self.total) if self.total else 100


@dataclass(frozen=True)
class Unmarked:
    route_id: int | None
    name: str
    orders: int


@dataclass(frozen=True)
class LoadLine:
    product_id: int
    product: str
    unit: str
    quantity: int


@dataclass(frozen=True)
class Tomorrow:
    day: dt.date
    cutoff_at: dt.datetime
    generated_at: dt.datetime | None
    changes_since: int
    lines: list[LoadLine]
    # Prepaid customers whose day is held for a low wallet balance (no orders made).
    low_balance: list[wallet_queries.HeldCustomer]


@dataclass(frozen=True)
class Money:
    owed_paise: int
    owing_customers: int
    billed_this_month_paise: int
    month: dt.date


@dataclass(frozen=True)
class Waiting:
    count: int
    newest: list[Customer] = field(default_factory=list)


@dataclass(frozen=True)
class Board:
    day: dt.date
    progress: list[RouteProgress]
    unmarked_yesterday: list[Unmarked]
    tomorrow: Tomorrow
    money: Money
    waiting: Waiting
    # Each route's returnable containers of the day: out, back, missing.
    containers: list[RouteDayCount] = field(default_factory=list)
    # Cash taken at the door not yet handed over: (collections, paise).
    with_delivery_boys: tuple[int, int] = (0, 0)
    # The day's counter sales (walk-in, cash memos): the dairy's, on no hub; None for an admin
    # of one hub.
    counter: DayTotals | None = None


_COLUMN = {
    OrderStatus.delivered.value: "delivered",
    OrderStatus.partially_delivered.value: "partial",
    OrderStatus.not_delivered.value: "not_delivered",
    OrderStatus.scheduled.value: "pending",
}


def _route_names(session: Session) -> dict[int, tuple[str, str]]:
    return {
        r.id: (r.name, r.shift) for r in session.execute(select(Route.id, Route.name, Route.shift))
    }


def progress(session: Session, day: dt.date, scope: HubScope = EVERY_HUB) -> list[RouteProgress]:
    """The orders of ``day`` per route and shift by state (cancelled ones aside), routes in
    name order; every active route (of the hub in view) appears, with nothing to deliver or
    not. One statement."""
    rows = session.execute(
        select(Order.route_id, Order.shift, Order.status, func.count())
        .where(
            Order.delivery_date == day,
            Order.status != OrderStatus.cancelled.value,
            scope.has_route(Order.route_id),
        )
        .group_by(Order.route_id, Order.shift, Order.status)
    ).all()
    routes = session.execute(
        select(Route.id, Route.name, Route.shift, Route.is_active).where(scope.has_route(Route.id))
    ).all()
    names = {r.id: r.name for r in routes}
    lines: dict[tuple[int | None, str], RouteProgress] = {
        (r.id, r.shift): RouteProgress(r.id, r.name, r.shift) for r in routes if r.is_active
    }
    for route_id, shift, status, count in rows:
        line = lines.setdefault(
            (route_id, shift),
            RouteProgress(
                route_id, names.get(route_id, "No route") if route_id else "No route", shift
            ),
        )
        column = _COLUMN.get(status)
        if column:
            setattr(line, column, getattr(line, column) + count)
    return sorted(lines.values(), key=lambda p: (p.route_id is None, p.name, p.shift))


def unmarked(session: Session, day: dt.date, scope: HubScope = EVERY_HUB) -> list[Unmarked]:
    """The orders of ``day`` still not marked, per route (routes with none left out)."""
    rows = session.execute(
        select(Order.route_id, func.count())
        .where(
            Order.delivery_date == day,
            Order.status == OrderStatus.scheduled.value,
            scope.has_route(Order.route_id),
        )
        .group_by(Order.route_id)
    ).all()
    names = {rid: name for rid, (name, _) in _route_names(session).items()}
    found = [Unmarked(rid, names.get(rid, "No route") if rid else "No route", n) for rid, n in rows]
    return sorted(found, key=lambda u: (u.route_id is None, u.name))


def last_generation(session: Session, day: dt.date) -> dt.datetime | None:
    return session.scalar(
        select(func.max(MaterializationRun.started_at)).where(
            MaterializationRun.delivery_date == day
        )
    )


def changes_since(session: Session, since: dt.datetime) -> int:
    """Changes to subscriptions, pauses, overrides and one-time orders recorded after ``since``
    (each may change what a generated date delivers)."""
    return (
        session.scalar(
            select(func.count()).where(
                AuditEvent.occurred_at > since, AuditEvent.action.in_(ORDER_CHANGES)
            )
        )
        or 0
    )


def requirement(
    session: Session, day: dt.date, scope: HubScope = EVERY_HUB
) -> tuple[dt.datetime | None, list[LoadLine]]:
    """What to load for ``day``, per product: its orders once generated; before that, what the
    subscriptions make due on it plus the one-time orders already taken."""
    generated_at = last_generation(session, day)
    orders = select(Order.product_id.label("product_id"), Order.quantity.label("quantity")).where(
        Order.delivery_date == day,
        Order.status != OrderStatus.cancelled.value,
        scope.has_route(Order.route_id),
    )
    if generated_at is None:
        due = due_on(day).subquery("due")
        one_time = orders.where(Order.subscription_id.is_(None))
        wanted = (
            select(due.c.product_id, due.c.quantity)
            .where(scope.has_route(due.c.route_id))
            .union_all(one_time)
            .subquery()
        )
    else:
        wanted = orders.subquery()
    rows = session.execute(
        select(Product.id, Product.name, Product.unit, func.sum(wanted.c.quantity))
        .join(wanted, wanted.c.product_id == Product.id)
        .group_by(Product.id, Product.name, Product.unit)
        .order_by(Product.name)
    ).all()
    return generated_at, [LoadLine(pid, name, unit, int(q)) for pid, name, unit, q in rows]


def money(session: Session, today: dt.date, scope: HubScope = EVERY_HUB) -> Money:
    """Owed on issued bills not fully paid, and the bills issued this month (of the customers
    in view)."""
    owed, owing = session.execute(
        select(
            func.coalesce(func.sum(Invoice.total_paise - Invoice.amount_paid_paise), 0),
            func.count(func.distinct(Invoice.customer_id)),
        ).where(Invoice.status.in_(UNPAID), scope.has_customer(Invoice.customer_id))
    ).one()
    month = first_of(today)
    billed = session.scalar(
        select(func.coalesce(func.sum(Invoice.total_paise), 0)).where(
            Invoice.status.in_(ISSUED),
            Invoice.issue_date >= month,
            Invoice.issue_date <= today,
            scope.has_customer(Invoice.customer_id),
        )
    )
    return Money(int(owed), int(owing), int(billed or 0), month)


def waiting_for_route(session: Session) -> Waiting:
    """Active customers on no route yet (new sign-ups the owner has to place), newest first."""
    count = session.scalar(
        select(func.count()).where(Customer.route_id.is_(None), Customer.is_active)
    )
    newest = session.scalars(
        select(Customer)
        .where(Customer.route_id.is_(None), Customer.is_active)
        .order_by(Customer.id.desc())
        .limit(WAITING_SHOWN)
    ).all()
    return Waiting(count or 0, list(newest))


def board(
    session: Session, today: dt.date, settings: Settings, scope: HubScope = EVERY_HUB
) -> Board:
    """The today board of the hub in view (all of them for an unlimited admin); customers
    waiting for a route are on no hub, so an admin of one hub sees none."""
    tomorrow = today + dt.timedelta(days=1)
    generated_at, lines = requirement(session, tomorrow, scope)
    return Board(
        day=today,
        progress=progress(session, today, scope),
        unmarked_yesterday=unmarked(session, today - dt.timedelta(days=1), scope),
        tomorrow=Tomorrow(
            day=tomorrow,
            cutoff_at=cutoff_at(tomorrow, settings),
            generated_at=generated_at,
            changes_since=changes_since(session, generated_at) if generated_at else 0,
            lines=lines,
            low_balance=wallet_queries.low_on(session, tomorrow, threshold_of(settings)),
        ),
        money=money(session, today, scope),
        waiting=Waiting(0, []) if scope.is_limited else waiting_for_route(session),
        containers=container_queries.route_day_counts(session, today),
        with_delivery_boys=collections.total_with_delivery_boys(session),
        counter=None if scope.is_limited else counter_queries.day_totals(session, today),
    )
