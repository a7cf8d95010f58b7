"""Hubs, holidays and festival offers over the API (admins): the same services as the pages.

An admin limited to a hub sees its own hub, the holidays that touch it and the offers with its
customers' acceptances; what spans the hubs (opening a hub, limiting an admin, a dairy-wide
holiday, an offer) is 403 ``hub_limited_admin``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, status

from milkrun import clock
from milkrun.api.caller import CallerWindow
from milkrun.api.deps import ActorDep, PathId, ScopeDep, SessionDep, SettingsDep
from milkrun.hubs import queries, service
from milkrun.hubs.models import Hub
from milkrun.hubs.schemas import (
    HolidayCreate,
    HolidayDeclared,
    HolidayRead,
    HubChoice,
    HubCreate,
    HubPlacement,
    HubRead,
)
from milkrun.money import to_rupees
from milkrun.offers import queries as offer_queries
from milkrun.offers import service as offer_service
from milkrun.offers.queries import OfferRow
from milkrun.offers.schemas import AcceptedRead, OfferAccept, OfferCreate, OfferRead
from milkrun.orders import holidays

router = APIRouter(tags=["hubs"])

Since = Annotated[
    dt.date | None, Query(description="From this date on (default: today)", examples=["2026-12-25"])
]


def _hub_read(session: SessionDep, hub: Hub) -> HubRead:
    figures = queries.figures(session).get(hub.id)
    return HubRead(
        id=hub.id,
        name=hub.name,
        routes=figures.routes if figures else 0,
        customers=figures.customers if figures else 0,
    )


@router.get("/hubs", response_model=list[HubRead])
def list_hubs(scope: ScopeDep, session: SessionDep) -> list[HubRead]:
    """The hubs in view (a limited admin: its own), by name, with their active routes and
    customers. A dairy has a handful: one page."""
    figures = queries.figures(session)
    empty = queries.HubFigures(0, 0)
    return [
        HubRead(
            id=hub.id,
            name=hub.name,
            routes=figures.get(hub.id, empty).routes,
            customers=figures.get(hub.id, empty).customers,
        )
        for hub in queries.list_hubs(session, scope)
    ]


@router.post("/hubs", status_code=status.HTTP_201_CREATED, response_model=HubRead)
def create_hub(body: HubCreate, scope: ScopeDep, actor: ActorDep, session: SessionDep) -> HubRead:
    """Open a hub (a unique name, any case): 409 ``hub_name_taken``."""
    hub = service.create_hub(session, body.name, actor, scope)
    return _hub_read(session, hub)


@router.put("/routes/{route_id}/hub", response_model=HubPlacement)
def place_route(
    route_id: PathId, body: HubChoice, scope: ScopeDep, actor: ActorDep, session: SessionDep
) -> HubPlacement:
    """Put a route (its delivery boys, customers and their orders to come) on a hub, or on none
    (null). A limited admin places its own routes on its own hub only."""
    service.place_route(session, route_id, body.hub_id, actor, scope)
    return HubPlacement(id=route_id, hub_id=body.hub_id)


@router.put("/users/{user_id}/hub", response_model=HubPlacement)
def limit_admin(
    user_id: PathId, body: HubChoice, scope: ScopeDep, actor: ActorDep, session: SessionDep
) -> HubPlacement:
    """Limit an admin to one hub, or lift the limit (null). Only an admin of the whole dairy."""
    user = service.limit_admin(session, user_id, body.hub_id, actor, scope)
    return HubPlacement(id=user.id, hub_id=user.hub_id)


@router.get("/holidays", response_model=list[HolidayRead])
def list_holidays(
    scope: ScopeDep, session: SessionDep, settings: SettingsDep, since: Since = None
) -> list[HolidayRead]:
    """The holidays from ``since`` on that touch the hub in view (a dairy-wide one touches every
    hub), soonest first."""
    day = since or clock.today(settings.zone)
    return [
        HolidayRead(id=h.id, holiday_date=h.holiday_date, hub_id=h.hub_id, reason=h.reason)
        for h in queries.holidays_from(session, day, scope)
    ]


@router.post("/holidays", status_code=status.HTTP_201_CREATED, response_model=HolidayDeclared)
def declare_holiday(
    body: HolidayCreate,
    scope: ScopeDep,
    actor: ActorDep,
    session: SessionDep,
    settings: SettingsDep,
) -> HolidayDeclared:
    """Close a hub (or, ``hub_id`` null, the whole dairy) on a date: its open orders that day
    are cancelled and its customers told. 409 ``holiday_in_past`` / ``holiday_exists``, 400
    ``holiday_reason_required``."""
    done = holidays.declare_holiday(
        session,
        body.holiday_date,
        body.hub_id,
        body.reason,
        actor,
        scope,
        today=clock.today(settings.zone),
    )
    holiday = done.holiday
    return HolidayDeclared(
        id=holiday.id,
        holiday_date=holiday.holiday_date,
        hub_id=holiday.hub_id,
        reason=holiday.reason,
        customers_told=done.customers_told,
        orders_cancelled=done.orders_cancelled,
    )


def _offer_read(row: OfferRow) -> OfferRead:
    return OfferRead(
        id=row.id,
        offer_date=row.offer_date,
        title=row.title,
        description=row.description,
        product_name=row.product_name,
        unit=row.unit,
        price=None if row.price_paise is None else to_rupees(row.price_paise),
        accepted=row.accepted,
    )


@router.get("/offers", response_model=list[OfferRead])
def list_offers(
    scope: ScopeDep, session: SessionDep, settings: SettingsDep, since: Since = None
) -> list[OfferRead]:
    """The festival offers from ``since`` on, soonest first; ``accepted``: how many customers
    in view said yes."""
    day = since or clock.today(settings.zone)
    return [_offer_read(row) for row in offer_queries.offers_from(session, day, scope)]


@router.post("/offers", status_code=status.HTTP_201_CREATED, response_model=OfferRead)
def create_offer(
    body: OfferCreate,
    scope: ScopeDep,
    actor: ActorDep,
    session: SessionDep,
    settings: SettingsDep,
) -> OfferRead:
    """A festival offer of a product on a date (its price that day). Only an admin of the
    whole dairy (403 ``hub_limited_admin``)."""
    today = clock.today(settings.zone)
    offer = offer_service.create_offer(
        session,
        body.offer_date,
        body.product_id,
        body.title,
        body.description,
        actor,
        scope,
        today=today,
    )
    rows = offer_queries.offers_from(session, offer.offer_date, scope)
    return _offer_read(next(row for row in rows if row.id == offer.id))


@router.post(
    "/customers/{customer_id}/offers/{offer_id}/accept",
    status_code=status.HTTP_201_CREATED,
    response_model=AcceptedRead,
)
def accept_offer(
    customer_id: PathId,
    offer_id: PathId,
    body: OfferAccept,
    _: ScopeDep,
    window: CallerWindow,
    actor: ActorDep,
    session: SessionDep,
) -> AcceptedRead:
    """A customer's yes, taken by an admin (a customer of another hub is 404): a one-time order
    of the offer's product on its date. 409 ``offer_already_accepted``."""
    accepted = offer_service.accept_offer(
        session, offer_id, customer_id, body.quantity, actor, window
    )
    return AcceptedRead(
        acceptance_id=accepted.acceptance_id,
        order_id=accepted.order_id,
        delivery_date=accepted.delivery_date,
        quantity=accepted.quantity,
    )
