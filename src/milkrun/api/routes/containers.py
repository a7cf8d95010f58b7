"""Returnable containers over the API: a stop's containers (the delivery page queues them like
marks, with an Idempotency-Key), a customer's ledger, write-offs, routes' day counts."""

from __future__ import annotations

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse, Response

from milkrun import clock
from milkrun.api.deps import (
    ActorDep,
    AdminUser,
    DeliveryUser,
    PathId,
    SessionDep,
    SettingsDep,
    actor_for,
)
from milkrun.api.routes.deliveries import DateQuery, IdempotencyKey, answer_json
from milkrun.catalog import queries as catalog_queries
from milkrun.containers import queries, service
from milkrun.containers.schemas import (
    ContainerTypeCreate,
    ContainerTypeRead,
    ContainerTypeUpdate,
    CustomerContainers,
    LostContainersRequest,
    MovementRead,
    ProductContainer,
    ProductContainerRead,
    RouteDayCount,
    StopContainersRequest,
    StopContainersResult,
)
from milkrun.customers import queries as customer_queries
from milkrun.deliveries.markers import Marker
from milkrun.money import to_paise

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


@router.post("/container-types", response_model=ContainerTypeRead, status_code=201)
def create_container_type(
    body: ContainerTypeCreate, _: AdminUser, actor: ActorDep, session: SessionDep
) -> ContainerTypeRead:
    """A new kind of returnable container and its deposit (rupees); a name already taken, in
    any case, is 409."""
    kind = service.create_type(session, actor, name=body.name, deposit_paise=to_paise(body.deposit))
    return ContainerTypeRead.model_validate(kind)


@router.patch("/container-types/{type_id}", response_model=ContainerTypeRead)
def update_container_type(
    type_id: PathId, body: ContainerTypeUpdate, _: AdminUser, actor: ActorDep, session: SessionDep
) -> ContainerTypeRead:
    """Rename, change the deposit (for containers given from now on) or retire
    (``is_active``: false) a type."""
    return ContainerTypeRead.model_validate(service.update_type(session, actor, type_id, body))


@router.delete("/container-types/{type_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_container_type(
    type_id: PathId, _: AdminUser, actor: ActorDep, session: SessionDep
) -> Response:
    """Delete a type made by mistake; one a product comes in or customers were given is 409
    (make it inactive instead)."""
    service.delete_type(session, actor, type_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/products/{product_id}/container", response_model=ProductContainerRead)
def set_product_container(
    product_id: PathId, body: ProductContainer, _: AdminUser, actor: ActorDep, session: SessionDep
) -> ProductContainerRead:
    """The container the product comes in (``null``: none). An inactive type is 409."""
    catalog_queries.get_product(session, product_id)
    service.comes_in(session, actor, product_id, body.container_type_id)
    return ProductContainerRead(product_id=product_id, container_type_id=body.container_type_id)


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
