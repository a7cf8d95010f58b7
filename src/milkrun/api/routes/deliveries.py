"""Delivery day over the API: manifests, and marking by a delivery boy's (or admin's) login."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse, Response

from milkrun import clock
from milkrun.api.deps import AdminUser, DeliveryUser, PathId, SessionDep, SettingsDep, actor_for
from milkrun.api.revalidation import revalidated
from milkrun.auth.models import Role
from milkrun.customers import locations
from milkrun.customers.schemas import LocationProposal, LocationRead
from milkrun.date_window import BusinessDate
from milkrun.deliveries import idempotency, service
from milkrun.deliveries.manifest import manifest
from milkrun.deliveries.schemas import (
    DeliveryBoyManifests,
    Manifest,
    MarkRequest,
    MarkResult,
    StopMarkRequest,
    StopMarkResult,
)
from milkrun.routing import queries as routing_queries

router = APIRouter(tags=["deliveries"])

IdempotencyKey = Annotated[
    str | None,
    Header(
        min_length=1,
        max_length=255,
        pattern=r"^[\x21-\x7e]+$",
        description="A client-chosen id for this mark: a retry with the same key replays the "
        "first answer and changes nothing (kept 72 hours)",
    ),
]
DateQuery = Annotated[
    BusinessDate | None, Query(description="The delivery date (default: today in the dairy's zone)")
]


def answer_json(answer: idempotency.Answer) -> JSONResponse:
    headers = {"Idempotency-Replayed": "true"} if answer.replayed else None
    return JSONResponse(answer.body, status_code=answer.status, headers=headers)


@router.get("/routes/{route_id}/manifest", response_model=Manifest)
def route_manifest(
    route_id: PathId,
    request: Request,
    _: AdminUser,
    session: SessionDep,
    settings: SettingsDep,
    date: DateQuery = None,
) -> Response:
    """Stops in sequence with their orders and what changed, and the load sheet. With an
    ``ETag``: asked again with ``If-None-Match``, it is 304 while nothing on it changed."""
    route = routing_queries.get_route(session, route_id)
    day = manifest(session, route, date or clock.today(settings.zone))
    return revalidated(request, day, {"as_of"})


@router.get("/delivery-boy/manifest", response_model=DeliveryBoyManifests)
def delivery_boy_manifest(
    request: Request,
    user: DeliveryUser,
    session: SessionDep,
    settings: SettingsDep,
    date: DateQuery = None,
) -> Response:
    """The manifests of the routes the caller walks on the date (his own, or as substitute).
    With an ``ETag``: asked again with ``If-None-Match``, it is 304 while nothing on them
    changed (a mark, an order, a stop)."""
    day = date or clock.today(settings.zone)
    routes = routing_queries.routes_walked_by(session, user.id, day)
    body = DeliveryBoyManifests(date=day, routes=[manifest(session, r, day) for r in routes])
    return revalidated(request, body, {"routes": {"__all__": {"as_of"}}})


@router.post("/delivery-boy/mark-delivered", response_model=MarkResult)
def mark_delivered(
    body: MarkRequest,
    request: Request,
    user: DeliveryUser,
    session: SessionDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Record one order's delivery: a delivery boy for the routes he walks on its date, an
    admin for any order (a correction after a complaint)."""
    marker = service.Marker.for_user(user, actor_for(request, user))
    return answer_json(
        service.mark_once(
            session, marker, body, key=idempotency_key, today=clock.today(settings.zone)
        )
    )


@router.post("/delivery-boy/mark-stop", response_model=StopMarkResult)
def mark_stop(
    body: StopMarkRequest,
    request: Request,
    user: DeliveryUser,
    session: SessionDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Record every order at one stop (a customer on a date) at once."""
    marker = service.Marker.for_user(user, actor_for(request, user))
    return answer_json(
        service.mark_once(
            session, marker, body, key=idempotency_key, today=clock.today(settings.zone)
        )
    )


@router.post("/delivery-boy/stop-location", response_model=LocationRead)
def propose_stop_location(
    body: LocationProposal,
    request: Request,
    user: DeliveryUser,
    session: SessionDep,
    settings: SettingsDep,
) -> object:
    """ "This stop is here": the phone's location proposed as the customer's, for the owner to
    approve. A delivery boy, for the customers of the routes he walks today."""
    return locations.propose(
        session,
        body,
        actor_for(request, user),
        walker_id=user.id if user.role == Role.delivery_boy else None,
        today=clock.today(settings.zone),
    )
