from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from milkrun.pagination import paginate
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
