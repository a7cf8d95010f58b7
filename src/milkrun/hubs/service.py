"""Hubs: opening one, placing a route on one, limiting an admin to one. Audited."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.audit import service as audit
from milkrun.auth.errors import UserNotFound
from milkrun.auth.models import Role, User
from milkrun.hubs.errors import HubNameRequired, HubNameTaken, UnknownHub
from milkrun.hubs.models import Hub
from milkrun.hubs.scope import HubScope
from milkrun.routing import queries as route_queries


def _known_hub(session: Session, hub_id: int | None) -> None:
    if hub_id is not None:
        hub = session.get(Hub, hub_id)
        if hub is None or not hub.is_active:
            raise UnknownHub(f"There is no hub {hub_id}")


def create_hub(session: Session, name: str, actor: audit.Actor, scope: HubScope) -> Hub:
    """A new hub; its name is unique (trimmed, any case)."""
    scope.ensure_unlimited("open a hub")
    name = " ".join(name.split())
    if not name or len(name) > 80:
        raise HubNameRequired("Give the hub a name of up to 80 characters")
    taken = session.scalar(select(Hub.id).where(Hub.name.ilike(name)))
    if taken is not None:
        raise HubNameTaken(f"There is already a hub called {name!r}")
    hub = Hub(name=name)
    session.add(hub)
    session.flush()
    audit.record(session, actor, "hub.create", "hub", hub.id, after=audit.snapshot(hub))
    return hub


def place_route(
    session: Session, route_id: int, hub_id: int | None, actor: audit.Actor, scope: HubScope
) -> None:
    """Put a route (and so its customers and their orders to come) on a hub, or on none. An admin
    limited to a hub places its own routes on its own hub only."""
    route = scope.ensure_route(route_queries.get_route(session, route_id))
    scope.ensure_hub(hub_id)
    _known_hub(session, hub_id)
    before = {"hub_id": route.hub_id}
    route.hub_id = hub_id
    session.flush()
    audit.record(
        session, actor, "route.hub", "route", route.id, before=before, after={"hub_id": hub_id}
    )


def limit_admin(
    session: Session, user_id: int, hub_id: int | None, actor: audit.Actor, scope: HubScope
) -> User:
    """Limit an admin to one hub (or lift the limit with None). Only an admin with no limit may
    do it: a limited admin does not hand out hubs."""
    scope.ensure_unlimited("limit an admin to a hub")
    user = session.get(User, user_id)
    if user is None or user.role != Role.admin.value:
        raise UserNotFound(f"There is no admin {user_id}")
    _known_hub(session, hub_id)
    before = {"hub_id": user.hub_id}
    user.hub_id = hub_id
    session.flush()
    audit.record(
        session, actor, "user.hub", "user", user.id, before=before, after={"hub_id": hub_id}
    )
    return user
