"""Cash at the door over the API: a delivery boy's collection at a stop (queued offline by the
delivery page, with an Idempotency-Key), and the owner's end-of-day handover."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from milkrun import clock
from milkrun.api.deps import AdminUser, DeliveryUser, SessionDep, SettingsDep, actor_for
from milkrun.api.routes.deliveries import DateQuery, IdempotencyKey, answer_json
from milkrun.billing import handovers
from milkrun.deliveries.markers import Marker
from milkrun.payments import collections
from milkrun.payments.schemas import (
    CashAtDoorRequest,
    CashCollectionRead,
    HandoverConfirm,
    HandoverLine,
)
from milkrun.wallets import topups
from milkrun.wallets.generation import threshold_of

router = APIRouter(tags=["cash"])


@router.post("/delivery-boy/cash", response_model=CashCollectionRead, status_code=201)
def collect_cash(
    body: CashAtDoorRequest,
    request: Request,
    user: DeliveryUser,
    session: SessionDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Cash taken at a stop against the customer's dues. It is with the delivery boy (not yet a
    payment on the customer's account) until the owner confirms his handover."""
    marker = Marker.for_user(user, actor_for(request, user))
    return answer_json(
        collections.collect_once(
            session, marker, body, key=idempotency_key, today=clock.today(settings.zone)
        )
    )


@router.get("/cash-handovers", response_model=list[HandoverLine])
def handover_sheet(
    _: AdminUser, session: SessionDep, settings: SettingsDep, date: DateQuery = None
) -> list[HandoverLine]:
    """Each delivery boy's cash of the day: confirmed, or waiting for the owner's count."""
    return handovers.day_sheet(session, date or clock.today(settings.zone))


@router.post("/cash-handovers", response_model=HandoverLine, status_code=201)
def confirm_handover(
    body: HandoverConfirm,
    request: Request,
    user: AdminUser,
    session: SessionDep,
    settings: SettingsDep,
) -> HandoverLine:
    """Confirm what a delivery boy handed over: his collections become cash payments (a
    top-up for a prepaid customer)."""
    return topups.confirm_handover(
        session,
        actor_for(request, user),
        body,
        threshold_paise=threshold_of(settings),
        today=clock.today(settings.zone),
    )
