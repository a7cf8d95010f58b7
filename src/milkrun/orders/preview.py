"""What generating a date would do, per route and product: the dry run of ``generate`` broken
down, so the owner sees where the orders to create, change and cancel are before confirming.

One set-based statement: what is due on the date, fully joined to the date's subscription
orders, grouped by route and product, with the rules of ``sync`` (only open orders on no invoice
change; a scheduled order no longer due is cancelled). Its totals are the dry run's counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import cast

from sqlalchemy import ColumnElement, Table, and_, case, func, or_, select
from sqlalchemy.orm import Session

from milkrun.hubs import queries as hub_queries
from milkrun.orders.due import due_on
from milkrun.orders.models import Order, OrderStatus
from milkrun.orders.sync import Counts

_OPEN = (OrderStatus.scheduled.value, OrderStatus.cancelled.value)


@dataclass
class Line:
    route_id: int | None
    product_id: int
    create: int = 0
    change: int = 0
    cancel: int = 0


@dataclass
class Preview:
    day: dt.date
    counts: Counts
    lines: list[Line] = field(default_factory=list)
    # What closes the day ("Whole dairy: Diwali"): those customers are not due.
    holidays: list[str] = field(default_factory=list)


def _sum(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def breakdown(session: Session, day: dt.date) -> Preview:
    """The orders generating ``day`` would create, change and cancel, in total (as the dry run
    counts them) and per (route, product) with anything to do."""
    session.flush()
    due = due_on(day).subquery("due")
    orders = cast(Table, Order.__table__)
    existing = (
        select(orders)
        .where(orders.c.delivery_date == day, orders.c.subscription_id.is_not(None))
        .subquery("existing")
    )
    is_open = and_(existing.c.invoice_id.is_(None), existing.c.status.in_(_OPEN))
    differs = or_(
        existing.c.status == OrderStatus.cancelled.value,
        existing.c.quantity != due.c.quantity,
        existing.c.product_id != due.c.product_id,
        existing.c.shift != due.c.shift,
        existing.c.unit_price_paise != due.c.unit_price_paise,
        existing.c.route_id.is_distinct_from(due.c.route_id),
    )
    is_due = due.c.subscription_id.is_not(None)
    create = and_(is_due, existing.c.id.is_(None))
    change = and_(is_due, existing.c.id.is_not(None), is_open, differs)
    cancel = and_(
        ~is_due,
        existing.c.status == OrderStatus.scheduled.value,
        existing.c.invoice_id.is_(None),
    )
    unchanged = and_(is_due, existing.c.id.is_not(None), ~and_(is_open, differs))
    route = func.coalesce(due.c.route_id, existing.c.route_id).label("route_id")
    product = func.coalesce(due.c.product_id, existing.c.product_id).label("product_id")
    rows = session.execute(
        select(route, product, _sum(create), _sum(change), _sum(cancel), _sum(unchanged))
        .select_from(
            due.join(existing, existing.c.subscription_id == due.c.subscription_id, full=True)
        )
        .group_by(route, product)
    ).all()
    lines, totals = [], [0, 0, 0, 0]
    for route_id, product_id, *figures in rows:
        created, changed, cancelled, kept = (int(f) for f in figures)
        totals = [t + f for t, f in zip(totals, (created, changed, cancelled, kept), strict=True)]
        if created or changed or cancelled:
            lines.append(Line(route_id, product_id, created, changed, cancelled))
    lines.sort(key=lambda line: (line.route_id or 0, line.product_id))
    return Preview(day, Counts(*totals), lines, hub_queries.holidays_on(session, day))
