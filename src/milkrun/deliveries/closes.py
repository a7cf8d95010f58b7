"""Reads of the day close: what each close did, and the orders of past days still unresolved.

An order is unresolved when its day is over and it is still unmarked (``scheduled``): the
owner's review list (with the ``review`` policy the day close leaves them there) and a leak in
reconciliation until someone marks it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from milkrun.db.pagination import paginate
from milkrun.deliveries.schemas import DayCloseRead
from milkrun.hubs.scope import EVERY_HUB, HubScope
from milkrun.orders.models import Order, OrderStatus
from milkrun.periods.models import DayClose
from milkrun.routing.models import Route


def unresolved(
    today: dt.date, since: dt.date | None = None, scope: HubScope = EVERY_HUB
) -> Select[Order]:
    """The orders of days before ``today`` (from ``since``) that nobody, not even the day
    close, has resolved (on the routes of the hub in view)."""
    statement = select(Order).where(
        Order.delivery_date < today,
        Order.status == OrderStatus.scheduled.value,
        scope.has_route(Order.route_id),
    )
    if since is not None:
        statement = statement.where(Order.delivery_date >= since)
    return statement


def count_unresolved(
    session: Session, today: dt.date, since: dt.date | None = None, scope: HubScope = EVERY_HUB
) -> int:
    statement = unresolved(today, since, scope).with_only_columns(func.count(Order.id))
    return int(session.scalar(statement) or 0)


def unresolved_page(
    session: Session,
    today: dt.date,
    *,
    limit: int,
    cursor: str | None,
    scope: HubScope = EVERY_HUB,
) -> tuple[Sequence[Order], str | None]:
    """One page of the review list, oldest order first."""
    return paginate(session, unresolved(today, scope=scope), Order.id, limit=limit, cursor=cursor)


def read_close(session: Session, close: DayClose) -> DayCloseRead:
    """What the close of a day did, and how many of its orders are still unresolved now."""
    left = int(
        session.scalar(
            select(func.count(Order.id)).where(
                Order.delivery_date == close.delivery_date,
                Order.status == OrderStatus.scheduled.value,
            )
        )
        or 0
    )
    return DayCloseRead(
        date=close.delivery_date,
        policy=close.policy,
        trigger=close.trigger,
        first_closed_at=close.first_closed_at,
        closed_at=close.closed_at,
        delivered=close.delivered,
        not_delivered=close.not_delivered,
        review=close.review,
        marked=close.marked,
        unresolved=left,
    )


def close_of(session: Session, day: dt.date) -> DayCloseRead | None:
    """The close of ``day`` for the board and the route day, None while the day is open."""
    close = session.scalar(select(DayClose).where(DayClose.delivery_date == day))
    return read_close(session, close) if close is not None else None


def recent_closes(session: Session, until: dt.date, days: int = 31) -> list[DayCloseRead]:
    """The closes of the ``days`` days up to ``until``, latest first."""
    since = dt.date.min if until.toordinal() <= days else until - dt.timedelta(days=days)
    closes = session.scalars(
        select(DayClose)
        .where(DayClose.delivery_date <= until, DayClose.delivery_date > since)
        .order_by(DayClose.delivery_date.desc())
    )
    return [read_close(session, close) for close in closes]


@dataclass(frozen=True)
class Waiting:
    """Past orders of one day and route that nobody has resolved: the owner's review list."""

    day: dt.date
    route_id: int | None
    route: str
    orders: int


def waiting_for_review(
    session: Session, today: dt.date, limit: int = 20, scope: HubScope = EVERY_HUB
) -> list[Waiting]:
    """The review list grouped by day and route, oldest day first (one grouped statement)."""
    rows = session.execute(
        select(Order.delivery_date, Order.route_id, Route.name, func.count(Order.id))
        .outerjoin(Route, Route.id == Order.route_id)
        .where(
            Order.delivery_date < today,
            Order.status == OrderStatus.scheduled.value,
            scope.has_route(Order.route_id),
        )
        .group_by(Order.delivery_date, Order.route_id, Route.name)
        .order_by(Order.delivery_date, Route.name)
        .limit(limit)
    )
    return [
        Waiting(day=day, route_id=route_id, route=name or "No route", orders=int(count))
        for day, route_id, name, count in rows
    ]
