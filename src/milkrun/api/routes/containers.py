"""Returnable containers over the API: a stop's containers (the delivery page queues them like
marks, with an Idempotency-Key), a customer's ledger, write-offs, routes' day counts."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from milkrun import clock
from milkrun.api.deps import AdminUser, DeliveryUser, PathId, SessionDep, SettingsDep, actor_for
from milkrun.api.routes.deliveries import DateQuery, IdempotencyKey, answer_json
from milkrun.containers import queries, service
from milkrun.containers.schemas import (
    ContainerTypeRead,
    CustomerContainers,
    LostContainersRequest,
    MovementRead,
    RouteDayCount,
    StopContainersRequest,
    StopContainersResult,
)
from milkrun.customers import queries as customer_queries
from milkrun.deliveries.markers import Marker

router = APIRouter(tags=["containers"])


@router.post("/delivery-boy/containers", response_model=StopContainersResult, status_code=201)
def record_stop_containers(
    body: StopContainersRequest,
    request: Request,
    user: DeliveryUser,
    session: SessionDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Containers given (full) and taken back (empty) at a stop; the deposit follows (charged
    for more given than taken back, refunded for more taken back). A retry with the same
    ``Idempotency-Key`` replays the first answer."""
    marker = Marker.for_user(user, actor_for(request, user))
    return answer_json(
        service.record_once(
            session, marker, body, key=idempotency_key, today=clock.today(settings.zone)
        )
    )


@router.get("/container-types", response_model=list[ContainerTypeRead])
def container_types(_: DeliveryUser, session: SessionDep) -> list[ContainerTypeRead]:
    return [ContainerTypeRead.model_validate(t) for t in queries.container_types(session)]


@router.get("/customers/{customer_id}/containers", response_model=CustomerContainers)
def customer_containers(
    customer_id: PathId, _: AdminUser, session: SessionDep
) -> CustomerContainers:
    """What the customer holds per container type (and the deposit paid on them), and the
    newest 50 movements of the ledger."""
    customer_queries.get_customer(session, customer_id)
    return CustomerContainers(
        customer_id=customer_id,
        holdings=queries.holdings(session, customer_id),
        movements=queries.movements_of(session, customer_id),
    )


@router.post("/containers/lost", response_model=MovementRead, status_code=201)
def write_off_containers(
    body: LostContainersRequest,
    request: Request,
    user: AdminUser,
    session: SessionDep,
    settings: SettingsDep,
) -> MovementRead:
    """Containers a customer will not give back: written off, the deposit kept."""
    return service.write_off(
        session, actor_for(request, user), body, today=clock.today(settings.zone)
    )


@router.get("/containers/routes", response_model=list[RouteDayCount])
def route_counts(
    _: AdminUser, session: SessionDep, settings: SettingsDep, date: DateQuery = None
) -> list[RouteDayCount]:
    """Each route's containers of the day: out, back, missing (out and not back)."""
    return queries.route_day_counts(session, date or clock.today(settings.zone))
