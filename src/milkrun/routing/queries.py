from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from milkrun.errors import InvalidInput, NotFound
from milkrun.pagination import paginate
from milkrun.routing.models import Route, RouteSubstitute


def get_route(session: Session, route_id: int) -> Route:
    route = session.get(Route, route_id)
    if route is None:
        raise NotFound(f"There is no route {route_id}", code="route_not_found")
    return route


def get_active_route(session: Session, route_id: int) -> Route:
    """A route that can take customers; an unknown or retired one is a bad reference."""
    route = session.get(Route, route_id)
    if route is None or not route.is_active:
        raise InvalidInput(f"There is no active route {route_id}", code="route_not_found")
    return route


def route_by_name(session: Session, name: str) -> Route | None:
    return session.scalar(select(Route).where(Route.name == name))


def list_routes(
    session: Session, *, limit: int, cursor: str | None, delivery_boy_id: int | None = None
) -> tuple[Sequence[Route], str | None]:
    statement = select(Route)
    if delivery_boy_id is not None:
        statement = statement.where(Route.delivery_boy_id == delivery_boy_id)
    return paginate(session, statement, Route.id, limit=limit, cursor=cursor)


def delivery_boy_on(session: Session, route_id: int, day: dt.date) -> int | None:
    """Who walks the route on ``day``: the substitute for that date, else the default."""
    substitute = session.scalar(
        select(RouteSubstitute.delivery_boy_id).where(
            RouteSubstitute.route_id == route_id, RouteSubstitute.delivery_date == day
        )
    )
    if substitute is not None:
        return substitute
    return session.scalar(select(Route.delivery_boy_id).where(Route.id == route_id))


def routes_walked_by(session: Session, user_id: int, day: dt.date) -> Sequence[Route]:
    """The active routes a delivery boy walks on ``day``: those he substitutes on that date, and
    his own unless someone substitutes for him on it."""
    substitute = RouteSubstitute
    return session.scalars(
        select(Route)
        .outerjoin(
            substitute,
            and_(substitute.route_id == Route.id, substitute.delivery_date == day),
        )
        .where(
            Route.is_active,
            or_(
                substitute.delivery_boy_id == user_id,
                and_(substitute.id.is_(None), Route.delivery_boy_id == user_id),
            ),
        )
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


def count_routes(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Route)) or 0


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
