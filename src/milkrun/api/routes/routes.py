"""Delivery routes (the word is the business's: a route is a walk through an area)."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from milkrun import clock
from milkrun.api.deps import (
    DEFAULT_LIMIT,
    ActorDep,
    AdminUser,
    Cursor,
    IdFilter,
    Limit,
    PathId,
    ScopeDep,
    SessionDep,
    SettingsDep,
)
from milkrun.customers import stop_suggestion
from milkrun.customers import stops as customer_stops
from milkrun.customers.models import Customer
from milkrun.customers.schemas import StopOrderSuggestion
from milkrun.date_window import BusinessDate
from milkrun.db.pagination import Page
from milkrun.routing import queries, service
from milkrun.routing.schemas import (
    RouteCreate,
    RouteRead,
    RouteUpdate,
    Stop,
    StopOrder,
    StopsRead,
    SubstituteRead,
    SubstituteSet,
)

router = APIRouter(prefix="/routes", tags=["routes"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=RouteRead)
def create_route(
    body: RouteCreate, scope: ScopeDep, actor: ActorDep, session: SessionDep
) -> object:
    return service.create_route(session, body, actor, hub_id=scope.hub_id)


@router.get("", response_model=Page[RouteRead])
def list_routes(
    scope: ScopeDep,
    session: SessionDep,
    delivery_boy_id: IdFilter = None,
    hub_id: IdFilter = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[RouteRead]:
    routes, next_cursor = queries.list_routes(
        session,
        limit=limit,
        cursor=cursor,
        delivery_boy_id=delivery_boy_id,
        routes=scope.narrowed(hub_id).route_filter,
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


def _stops(route_id: int, customers: list[Customer]) -> StopsRead:
    return StopsRead(
        route_id=route_id,
        stops=[
            Stop(sequence=n, customer_id=c.id, name=c.name, address=c.address)
            for n, c in enumerate(customers, start=1)
        ],
    )


@router.get("/{route_id}/stops", response_model=StopsRead)
def get_stops(route_id: PathId, _: AdminUser, session: SessionDep) -> StopsRead:
    """The route's active customers in stop order."""
    queries.get_route(session, route_id)
    return _stops(route_id, customer_stops.stops_of(session, route_id))


@router.put("/{route_id}/stops", response_model=StopsRead)
def set_stops(
    route_id: PathId, body: StopOrder, _: AdminUser, actor: ActorDep, session: SessionDep
) -> StopsRead:
    """Number the stops in the order given; the list names every active customer of the route."""
    return _stops(
        route_id, customer_stops.set_stop_order(session, route_id, body.customer_ids, actor)
    )


@router.get("/{route_id}/stops/suggestion", response_model=StopOrderSuggestion)
def suggest_stops(
    route_id: PathId, _: AdminUser, session: SessionDep, settings: SettingsDep
) -> object:
    """A shorter stop order from the customers' locations (starting at the dairy's location when
    it is set), with the walk before and after in metres. Nothing changes: apply it with
    ``PUT /routes/{id}/stops`` and the ``after`` customer ids. Customers without a location keep
    their stop numbers. Takes up to a few seconds on a long route."""
    return stop_suggestion.suggest(session, route_id, settings.dairy_location)


@router.get("/{route_id}/substitutes", response_model=list[SubstituteRead])
def list_substitutes(
    route_id: PathId, _: AdminUser, session: SessionDep, settings: SettingsDep
) -> list[SubstituteRead]:
    """Substitutes from today on."""
    queries.get_route(session, route_id)
    rows = queries.substitutes_of(session, route_id, since=clock.today(settings.zone))
    return [SubstituteRead.model_validate(row) for row in rows]


@router.put("/{route_id}/substitutes/{delivery_date}", response_model=SubstituteRead)
def set_substitute(
    route_id: PathId,
    delivery_date: BusinessDate,
    body: SubstituteSet,
    _: AdminUser,
    actor: ActorDep,
    session: SessionDep,
) -> object:
    """Another delivery boy walks the route on that date (he sees it in his manifest and may
    mark its orders; the default delivery boy may not)."""
    return service.set_substitute(session, route_id, delivery_date, body.delivery_boy_id, actor)


@router.delete("/{route_id}/substitutes/{delivery_date}", status_code=status.HTTP_204_NO_CONTENT)
def remove_substitute(
    route_id: PathId,
    delivery_date: BusinessDate,
    _: AdminUser,
    actor: ActorDep,
    session: SessionDep,
) -> Response:
    service.remove_substitute(session, route_id, delivery_date, actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
