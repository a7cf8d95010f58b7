from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.errors import InvalidInput, NotFound
from milkrun.pagination import paginate
from milkrun.routing.models import Route


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
