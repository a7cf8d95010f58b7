"""The owner's reports, each a table (named columns, rows of plain values) that the page shows
and the CSV download writes, the same rows both: daily requirement per product and route, the
deliveries each delivery boy marked, sales per product and month, customers per month.

Each is one or two grouped statements over its period, whatever the size of the dairy. Each
narrows to the hub in view (``HubScope``): the orders, deliveries and sales of its routes (the
route an order was delivered on), the customers on its routes; an order or customer on no route
belongs to no hub and shows only when every hub is in view.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import Session

from milkrun.auth.models import User
from milkrun.catalog.models import Product
from milkrun.customers.models import Customer
from milkrun.deliveries.models import DeliveryStatus
from milkrun.hubs.scope import EVERY_HUB, HubScope
from milkrun.links.models import SharedDeliveryLink
from milkrun.orders.models import Order, OrderStatus
from milkrun.reports import errors
from milkrun.reports.months import (
    month_of_date,
    month_of_instant,
    months_between,
    next_month,
    start_instant,
)
from milkrun.routing.models import Route
from milkrun.subscriptions.models import Pause

MAX_DAYS = 62
MAX_MONTHS = 24
# A mark is late when recorded after this time (the dairy's zone) on the delivery date.
LATE_AFTER = {"morning": dt.time(10, 0), "evening": dt.time(20, 0)}
REASONS = {
    "customer_unavailable": "not at home",
    "address_not_found": "address not found",
    "refused": "refused",
    "out_of_stock": "out of stock",
    "other": "other",
}


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = "text"  # text | int | money (paise)


@dataclass(frozen=True)
class Table:
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)


def _pairs(result: Any) -> dict[Any, Any]:
    """A two-column result as a dict (first column the key)."""
    return dict(result.all())


def check_days(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise errors.InvalidRange("The last day comes before the first")
    if (end - start).days + 1 > MAX_DAYS:
        raise errors.PeriodTooLong(f"Choose at most {MAX_DAYS} days")


def check_months(start: dt.date, end: dt.date) -> list[dt.date]:
    if end < start:
        raise errors.InvalidRange("The last month comes before the first")
    months = months_between(start, end)
    if len(months) > MAX_MONTHS:
        raise errors.PeriodTooLong(f"Choose at most {MAX_MONTHS} months")
    return months


def requirement(
    session: Session, start: dt.date, end: dt.date, scope: HubScope = EVERY_HUB
) -> Table:
    """Per date, route and product: the quantity of the date's orders (cancelled ones aside)."""
    check_days(start, end)
    rows = session.execute(
        select(
            Order.delivery_date,
            func.coalesce(Route.name, literal("No route")),
            Product.name,
            Product.unit,
            func.sum(Order.quantity),
            func.count(),
        )
        .join(Product, Product.id == Order.product_id)
        .outerjoin(Route, Route.id == Order.route_id)
        .where(
            Order.delivery_date >= start,
            Order.delivery_date <= end,
            Order.status != OrderStatus.cancelled.value,
            scope.has_route(Order.route_id),
        )
        .group_by(Order.delivery_date, Route.name, Product.name, Product.unit)
        .order_by(Order.delivery_date, Route.name, Product.name)
    ).all()
    return Table(
        [
            Column("Date"),
            Column("Route"),
            Column("Product"),
            Column("Unit"),
            Column("Quantity", "int"),
            Column("Orders", "int"),
        ],
        [[d.isoformat(), r, p, u, int(q), int(n)] for d, r, p, u, q, n in rows],
    )


def _late(start: dt.date, end: dt.date, zone: ZoneInfo) -> Any:
    """Whether a mark came after the late hour of its order's date and shift (a CASE per date:
    portable, and right in any zone)."""
    whens = []
    day = start
    while day <= end:
        for shift, hour in LATE_AFTER.items():
            limit = dt.datetime.combine(day, hour, zone).astimezone(dt.UTC)
            whens.append(
                (
                    and_(Order.delivery_date == day, Order.shift == shift),
                    case((DeliveryStatus.recorded_at > limit, 1), else_=0),
                )
            )
        day += dt.timedelta(days=1)
    return case(*whens, else_=0)


def deliveries(
    session: Session, start: dt.date, end: dt.date, zone: ZoneInfo, scope: HubScope = EVERY_HUB
) -> Table:
    """Per delivery boy (or shared link): the marks of orders dated in the period, by outcome,
    the reasons of the not delivered ones, and how many were marked late."""
    check_days(start, end)
    late = _late(start, end, zone)
    rows = session.execute(
        select(
            DeliveryStatus.recorded_by_user_id,
            DeliveryStatus.recorded_by_link_id,
            DeliveryStatus.status,
            DeliveryStatus.reason,
            func.count(),
            func.sum(late),
        )
        .join(Order, Order.id == DeliveryStatus.order_id)
        .where(
            Order.delivery_date >= start,
            Order.delivery_date <= end,
            scope.has_route(Order.route_id),
        )
        .group_by(
            DeliveryStatus.recorded_by_user_id,
            DeliveryStatus.recorded_by_link_id,
            DeliveryStatus.status,
            DeliveryStatus.reason,
        )
    ).all()
    user_ids = {r[0] for r in rows if r[0]}
    link_ids = {r[1] for r in rows if r[1]}
    users = _pairs(session.execute(select(User.id, User.name).where(User.id.in_(user_ids))))
    links = _pairs(
        session.execute(
            select(SharedDeliveryLink.id, SharedDeliveryLink.label).where(
                SharedDeliveryLink.id.in_(link_ids)
            )
        )
    )
    people: dict[str, dict[str, Any]] = {}
    for user_id, link_id, status, reason, count, late_count in rows:
        who = users.get(user_id, f"user {user_id}") if user_id else f"link: {links.get(link_id)}"
        line = people.setdefault(
            who,
            {
                "marked": 0,
                "delivered": 0,
                "partially_delivered": 0,
                "not_delivered": 0,
                "reasons": {},
                "late": 0,
            },
        )
        line["marked"] += count
        line[status] = line.get(status, 0) + count
        line["late"] += int(late_count or 0)
        if reason:
            words = REASONS.get(reason, reason)
            line["reasons"][words] = line["reasons"].get(words, 0) + count
    return Table(
        [
            Column("Delivery boy"),
            Column("Marked", "int"),
            Column("Delivered", "int"),
            Column("Partial", "int"),
            Column("Not delivered", "int"),
            Column("Reasons"),
            Column("Marked late", "int"),
        ],
        [
            [
                who,
                p["marked"],
                p["delivered"],
                p["partially_delivered"],
                p["not_delivered"],
                ", ".join(f"{k} {v}" for k, v in sorted(p["reasons"].items())),
                p["late"],
            ]
            for who, p in sorted(people.items())
        ],
    )


def sales(session: Session, start: dt.date, end: dt.date, scope: HubScope = EVERY_HUB) -> Table:
    """Per month and product: what was delivered (units) and its value at the orders' prices."""
    months = check_months(start, end)
    month = month_of_date(Order.delivery_date, months).label("month")
    rows = session.execute(
        select(
            month,
            Product.name,
            Product.unit,
            func.sum(DeliveryStatus.quantity_delivered),
            func.sum(DeliveryStatus.quantity_delivered * Order.unit_price_paise),
        )
        .select_from(DeliveryStatus)
        .join(Order, Order.id == DeliveryStatus.order_id)
        .join(Product, Product.id == Order.product_id)
        .where(
            Order.delivery_date >= months[0],
            Order.delivery_date < next_month(months[-1]),
            DeliveryStatus.status.in_(("delivered", "partially_delivered")),
            scope.has_route(Order.route_id),
        )
        .group_by(month, Product.name, Product.unit)
        .order_by(month, Product.name)
    ).all()
    return Table(
        [
            Column("Month"),
            Column("Product"),
            Column("Unit"),
            Column("Delivered", "int"),
            Column("Sales", "money"),
        ],
        [[m, p, u, int(q), int(v)] for m, p, u, q, v in rows],
    )


def customers(
    session: Session, start: dt.date, end: dt.date, zone: ZoneInfo, scope: HubScope = EVERY_HUB
) -> Table:
    """Per month: customers added, customers who began a pause, customers who left (made
    inactive; dated by their last change)."""
    months = check_months(start, end)
    first, after = start_instant(months[0], zone), start_instant(next_month(months[-1]), zone)
    added_month = month_of_instant(Customer.created_at, months, zone)
    added: dict[str, int] = _pairs(
        session.execute(
            select(added_month, func.count())
            .where(
                Customer.created_at >= first,
                Customer.created_at < after,
                scope.has_customer(Customer.id),
            )
            .group_by(added_month)
        )
    )
    left_month = month_of_instant(Customer.updated_at, months, zone)
    left: dict[str, int] = _pairs(
        session.execute(
            select(left_month, func.count())
            .where(
                ~Customer.is_active,
                Customer.updated_at >= first,
                Customer.updated_at < after,
                scope.has_customer(Customer.id),
            )
            .group_by(left_month)
        )
    )
    pause_month = month_of_date(Pause.start_date, months)
    paused: dict[str, int] = _pairs(
        session.execute(
            select(pause_month, func.count(func.distinct(Pause.customer_id)))
            .where(
                Pause.start_date >= months[0],
                Pause.start_date < next_month(months[-1]),
                scope.has_customer(Pause.customer_id),
            )
            .group_by(pause_month)
        )
    )
    return Table(
        [Column("Month"), Column("Added", "int"), Column("Paused", "int"), Column("Left", "int")],
        [
            [k, added.get(k, 0), paused.get(k, 0), left.get(k, 0)]
            for k in (m.strftime("%Y-%m") for m in months)
        ],
    )
