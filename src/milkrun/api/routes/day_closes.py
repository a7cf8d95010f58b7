"""The day close over the API (admins): close a day, what each close did, the review list."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query

from milkrun import clock
from milkrun.api.deps import (
    ActorDep,
    AdminUser,
    Cursor,
    DairyAdmin,
    Limit,
    ScopeDep,
    SessionDep,
    SettingsDep,
)
from milkrun.billing import reconciliations
from milkrun.db.pagination import DEFAULT_LIMIT, Page
from milkrun.deliveries import closes, closing
from milkrun.deliveries.schemas import DayCloseRead, DayCloseRequest, UnresolvedOrder
from milkrun.http.deps import DatabaseDep
from milkrun.periods.errors import DayNotClosed

router = APIRouter(prefix="/day-closes", tags=["deliveries"])


@router.post("", response_model=DayCloseRead)
def close_day(
    body: DayCloseRequest,
    _: DairyAdmin,
    actor: ActorDep,
    session: SessionDep,
    settings: SettingsDep,
    database: DatabaseDep,
    after: BackgroundTasks,
) -> DayCloseRead:
    """Close a day that is over: its unmarked orders are resolved by the dairy's policy
    (``MILKRUN_DAY_CLOSE_POLICY``), marked by the day close (the system), audited. Idempotent.
    Today or a later day: 409 ``day_not_over``. The month's reconciliation is checked and
    stored for the owner's page once the close has committed."""
    system = closing.system_actor("api", requested_by=actor)
    closed = closing.close_day(session, body.date, system, settings, trigger="api")
    after.add_task(
        reconciliations.refresh, database, [body.date], system, reconciliations.DAY_CLOSE, settings
    )
    return closes.read_close(session, closed.record)


@router.get("", response_model=list[DayCloseRead])
def recent_closes(
    _: AdminUser,
    session: SessionDep,
    settings: SettingsDep,
    until: dt.date | None = None,
    days: Annotated[int, Query(ge=1, le=366)] = 31,
) -> list[DayCloseRead]:
    """The closes of the last ``days`` days up to ``until`` (default: yesterday), latest first."""
    last = until or clock.today(settings.zone) - dt.timedelta(days=1)
    return closes.recent_closes(session, last, days)


@router.get("/review", response_model=Page[UnresolvedOrder])
def review_list(
    _: AdminUser,
    scope: ScopeDep,
    session: SessionDep,
    settings: SettingsDep,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[UnresolvedOrder]:
    """Orders of past days nobody has marked, oldest first: the owner resolves each by marking
    it (POST /delivery-boy/mark-delivered). With the ``review`` policy the day close leaves its
    unmarked orders here."""
    orders, next_cursor = closes.unresolved_page(
        session, clock.today(settings.zone), limit=limit, cursor=cursor, scope=scope
    )
    return Page[UnresolvedOrder](
        items=[UnresolvedOrder.model_validate(order) for order in orders], next_cursor=next_cursor
    )


@router.get("/{delivery_date}", response_model=DayCloseRead)
def day_close(delivery_date: dt.date, _: AdminUser, session: SessionDep) -> DayCloseRead:
    """What the close of one day did; 404 ``day_not_closed`` while it is open."""
    close = closes.close_of(session, delivery_date)
    if close is None:
        raise DayNotClosed(f"{delivery_date.isoformat()} has not been closed")
    return close
