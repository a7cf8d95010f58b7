"""Creating and changing routes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.audit import service as audit
from milkrun.auth.models import Role, User
from milkrun.routing import queries
from milkrun.routing.errors import NotADeliveryBoy, RouteNameTaken, SubstituteNotFound
from milkrun.routing.models import Route, RouteSubstitute
from milkrun.routing.schemas import RouteCreate, RouteUpdate


def _ensure_delivery_boy(session: Session, user_id: int) -> None:
    """A route's default delivery boy is an active user with the delivery_boy role."""
    role = session.scalar(select(User.role).where(User.id == user_id, User.is_active))
    if role != Role.delivery_boy:
        raise NotADeliveryBoy(f"User {user_id} is not an active delivery boy")


def _ensure_name_free(session: Session, name: str, *, except_id: int | None = None) -> None:
    holder = queries.route_by_name(session, name)
    if holder is not None and holder.id != except_id:
        raise RouteNameTaken(f"A route named {name!r} already exists")


def create_route(
    session: Session, data: RouteCreate, actor: audit.Actor, *, hub_id: int | None = None
) -> Route:
    """A new route; made by an admin limited to a hub, it is on that hub (``hub_id``)."""
    name = data.name.strip()
    _ensure_name_free(session, name)
    if data.delivery_boy_id is not None:
        _ensure_delivery_boy(session, data.delivery_boy_id)
    route = Route(
        name=name,
        area=data.area.strip(),
        shift=data.shift,
        delivery_boy_id=data.delivery_boy_id,
        hub_id=hub_id,
    )
    session.add(route)
    session.flush()
    audit.record(session, actor, "route.create", "route", route.id, after=audit.snapshot(route))
    return route


def update_route(session: Session, route_id: int, data: RouteUpdate, actor: audit.Actor) -> Route:
    route = queries.get_route(session, route_id)
    before = audit.snapshot(route)
    changes = data.changes()
    if "name" in changes:
        changes["name"] = changes["name"].strip()
        _ensure_name_free(session, changes["name"], except_id=route.id)
    if changes.get("delivery_boy_id") is not None:
        _ensure_delivery_boy(session, changes["delivery_boy_id"])
    for field, value in changes.items():
        setattr(route, field, value)
    session.flush()
    audit.record(
        session,
        actor,
        "route.update",
        "route",
        route.id,
        before=before,
        after=audit.snapshot(route),
    )
    return route


def set_substitute(
    session: Session, route_id: int, day: dt.date, delivery_boy_id: int, actor: audit.Actor
) -> RouteSubstitute:
    """Someone other than the default delivery boy walks the route on ``day`` (one per date).
    Setting the same substitute again changes nothing and records nothing."""
    queries.get_route(session, route_id)
    _ensure_delivery_boy(session, delivery_boy_id)
    substitute = queries.substitute_on(session, route_id, day)
    if substitute is not None and substitute.delivery_boy_id == delivery_boy_id:
        return substitute
    before = audit.snapshot(substitute) if substitute is not None else None
    if substitute is None:
        substitute = RouteSubstitute(
            route_id=route_id,
            delivery_date=day,
            delivery_boy_id=delivery_boy_id,
            created_by_user_id=actor.user_id,
        )
        session.add(substitute)
    else:
        substitute.delivery_boy_id = delivery_boy_id
        substitute.created_by_user_id = actor.user_id
    session.flush()
    audit.record(
        session,
        actor,
        "route.substitute.set",
        "route",
        route_id,
        before=before,
        after=audit.snapshot(substitute),
    )
    return substitute


def remove_substitute(session: Session, route_id: int, day: dt.date, actor: audit.Actor) -> None:
    """The default delivery boy walks the route on ``day`` again."""
    queries.get_route(session, route_id)
    substitute = queries.substitute_on(session, route_id, day)
    if substitute is None:
        raise SubstituteNotFound(f"Route {route_id} has no substitute on {day.isoformat()}")
    before = audit.snapshot(substitute)
    session.delete(substitute)
    session.flush()
    audit.record(session, actor, "route.substitute.remove", "route", route_id, before=before)
