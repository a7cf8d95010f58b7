"""Delivery routes (the word is the business's: a route is a walk through an area)."""

from __future__ import annotations

from fastapi import APIRouter, status

from milkrun.api.deps import (
    DEFAULT_LIMIT,
    ActorDep,
    AdminUser,
    Cursor,
    IdFilter,
    Limit,
    PathId,
    SessionDep,
)
from milkrun.pagination import Page
from milkrun.routing import queries, service
from milkrun.routing.schemas import RouteCreate, RouteRead, RouteUpdate

router = APIRouter(prefix="/routes", tags=["routes"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=RouteRead)
def create_route(body: RouteCreate, _: AdminUser, actor: ActorDep, session: SessionDep) -> object:
    return service.create_route(session, body, actor)


@router.get("", response_model=Page[RouteRead])
def list_routes(
    _: AdminUser,
    session: SessionDep,
    delivery_boy_id: IdFilter = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[RouteRead]:
    routes, next_cursor = queries.list_routes(
        session, limit=limit, cursor=cursor, delivery_boy_id=delivery_boy_id
    )
    return Page[RouteRead](
        items=[RouteRead.model_validate(r) for r in routes], next_cursor=next_cursor
    )


@router.get("/{route_id}", response_model=RouteRead)
def get_route(route_id: PathId, _: AdminUser, session: SessionDep) -> object:
    return queries.get_route(session, route_id)


@router.patch("/{route_id}", response_model=RouteRead)
def update_route(
    route_id: PathId, body: RouteUpdate, _: AdminUser, actor: ActorDep, session: SessionDep
) -> object:
    return service.update_route(session, route_id, body, actor)
