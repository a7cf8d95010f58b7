from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, select
from sqlalchemy.orm import Session

from milkrun.db.pagination import paginate
from milkrun.routing.errors import RouteNotFound, UnknownRoute
from milkrun.routing.models import Route, RouteSubstitute


def get_route(session: Session, route_id: int) -> Route:
    route = session.get(Route, route_id)
    if route is None:
        raise RouteNotFound(f"There is no route {route_id}")
    return route


def get_active_route(session: Session, route_id: int) -> Route:
    """A route that can take customers; an unknown or retired one is a bad reference."""
    route = session.get(Route, route_id)
    if route is None or not route.is_active:
        raise UnknownRoute(f"There is no active route {route_id}")
    return route


def count_routes(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Route)) or 0)


def route_names(session: Session) -> dict[int, str]:
    """Every route's name by id."""
    return dict(session.execute(select(Route.id, Route.name)).all())


def route_by_name(session: Session, name: str) -> Route | None:
    return session.scalar(select(Route).where(Route.name == name))


def list_routes(
    session: Session,
    *,
    limit: int,
    cursor: str | None,
    delivery_boy_id: int | None = None,
    routes: Select[Any] | None = None,
) -> tuple[Sequence[Route], str | None]:
    statement = select(Route)
    if routes is not None:
        statement = statement.where(Route.id.in_(routes))
    if delivery_boy_id is not None:
        statement = statement.where(Route.delivery_boy_id == delivery_boy_id)
    return paginate(session, statement, Route.id, limit=limit, cursor=cursor)


# Who walks a route on a date, the one rule: the substitute for that date, else the route's own
# delivery boy; nobody walks a route that is no longer active. The expression reads ``Route``
# and ``RouteSubstitute`` joined on the route and the date by ``substitute_of_the_day``; the
# manifest, the delivery boy's list of routes and the marking of orders all use it.
_WALKER: ColumnElement[int | None] = case(
    (Route.is_active, func.coalesce(RouteSubstitute.delivery_boy_id, Route.delivery_boy_id)),
    else_=None,
)


def walker() -> ColumnElement[int | None]:
    """Who walks the route on the date (the rule above), as SQL."""
    return _WALKER


def substitute_of_the_day(route_id: Any, day: Any) -> ColumnElement[bool]:
    """The join of ``RouteSubstitute`` to a route (id column or value) on a date (column or
    value), for ``walker``."""
    return and_(RouteSubstitute.route_id == route_id, RouteSubstitute.delivery_date == day)


def delivery_boy_on(session: Session, route_id: int, day: dt.date) -> int | None:
    """Who walks the route on ``day`` (``walker``)."""
    return session.scalar(
        select(walker())
        .select_from(Route)
        .outerjoin(RouteSubstitute, substitute_of_the_day(Route.id, day))
        .where(Route.id == route_id)
    )


def routes_walked_by(session: Session, user_id: int, day: dt.date) -> Sequence[Route]:
    """The routes a delivery boy walks on ``day`` (``walker``): those he substitutes on that
    date, and his own unless someone substitutes for him on it; active ones only."""
    return session.scalars(
        select(Route)
        .outerjoin(RouteSubstitute, substitute_of_the_day(Route.id, day))
        .where(walker() == user_id)
        .order_by(Route.shift.desc(), Route.name)
    ).all()


def substitutes_of(
    session: Session, route_id: int, since: dt.date | None = None
) -> Sequence[RouteSubstitute]:
    statement = select(RouteSubstitute).where(RouteSubstitute.route_id == route_id)
    if since is not None:
        statement = statement.where(RouteSubstitute.delivery_date >= since)
    return session.scalars(statement.order_by(RouteSubstitute.delivery_date)).all()


def substitute_on(session: Session, route_id: int, day: dt.date) -> RouteSubstitute | None:
    return session.scalar(
        select(RouteSubstitute).where(
            RouteSubstitute.route_id == route_id, RouteSubstitute.delivery_date == day
        )
    )


def routes_of_delivery_boy(session: Session, user_id: int) -> Sequence[Route]:
    """The active routes whose own delivery boy ``user_id`` is, by name."""
    return session.scalars(
        select(Route).where(Route.delivery_boy_id == user_id, Route.is_active).order_by(Route.name)
    ).all()


PIN_CODE = re.compile(r"\b[1-9][0-9]{5}\b")


def route_for_area(session: Session, area: str) -> Route | None:
    """The one active route that serves ``area``: its area is the same words (any case), or both
    name the same six-digit PIN code. None when no route, or more than one, matches: the owner
    places the customer."""
    wanted = " ".join(area.lower().split())
    pins = set(PIN_CODE.findall(area))
    matching = [
        route
        for route in session.scalars(select(Route).where(Route.is_active).order_by(Route.id))
        if " ".join(route.area.lower().split()) == wanted
        or bool(pins & set(PIN_CODE.findall(route.area)))
    ]
    return matching[0] if len(matching) == 1 else None


def all_routes(session: Session, routes: Select[Any] | None = None) -> Sequence[Route]:
    """Every route (of ``routes``, the ids of a hub's), by name: the choices of a form or a
    filter (all of them, never a page)."""
    statement = select(Route).order_by(Route.name)
    if routes is not None:
        statement = statement.where(Route.id.in_(routes))
    return session.scalars(statement).all()
