"""Counter sales over the API: record a walk-in sale paid at the counter, list a day's sales
with their cash memos, read one, void one with a reason (admins)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from milkrun import clock
from milkrun.api.deps import (
    DEFAULT_LIMIT,
    ActorDep,
    AdminUser,
    Cursor,
    Limit,
    PathId,
    SessionDep,
    SettingsDep,
)
from milkrun.counter_sales import queries, service
from milkrun.counter_sales.schemas import (
    CounterSaleCreate,
    CounterSaleRead,
    CounterSaleVoid,
    DayTotals,
)
from milkrun.db.pagination import Page

router = APIRouter(tags=["counter sales"])

SaleDay = Annotated[dt.date | None, Query(description="Only the sales of this day")]


@router.post("/counter-sales", response_model=CounterSaleRead, status_code=201)
def record_counter_sale(
    body: CounterSaleCreate,
    _: AdminUser,
    actor: ActorDep,
    session: SessionDep,
    settings: SettingsDep,
) -> CounterSaleRead:
    """A walk-in sale paid in full today (cash or UPI), at today's prices and GST rates; its
    cash memo is numbered next in the ``CM/2627`` series. An inactive or unpriced product is
    409; an unknown one 400."""
    sale = service.record_sale(
        session,
        actor,
        settings,
        lines=[(line.product_id, line.quantity) for line in body.lines],
        method=body.method,
        reference=body.reference,
        today=clock.today(settings.zone),
    )
    return queries.read_sales(session, [sale])[0]


@router.get("/counter-sales", response_model=Page[CounterSaleRead])
def list_counter_sales(
    _: AdminUser,
    session: SessionDep,
    day: SaleDay = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[CounterSaleRead]:
    """Counter sales, newest first; void ones too (``status``: ``void``, with their reason)."""
    sales, next_cursor = queries.list_sales(session, limit=limit, cursor=cursor, day=day)
    return Page[CounterSaleRead](items=queries.read_sales(session, sales), next_cursor=next_cursor)


@router.get("/counter-sales/totals", response_model=DayTotals)
def counter_sale_totals(
    _: AdminUser, session: SessionDep, settings: SettingsDep, day: SaleDay = None
) -> DayTotals:
    """A day's counter sales (today when not given): count, money by method, GST, voids."""
    return queries.day_totals(session, day or clock.today(settings.zone))


@router.get("/counter-sales/{sale_id}", response_model=CounterSaleRead)
def get_counter_sale(sale_id: PathId, _: AdminUser, session: SessionDep) -> CounterSaleRead:
    return queries.read_sales(session, [queries.get_sale(session, sale_id)])[0]


@router.post("/counter-sales/{sale_id}/void", response_model=CounterSaleRead)
def void_counter_sale(
    sale_id: PathId, body: CounterSaleVoid, _: AdminUser, actor: ActorDep, session: SessionDep
) -> CounterSaleRead:
    """Cancel a sale recorded by mistake: it keeps its number and is listed as cancelled; it
    no longer counts in the day's totals or the GST return. Already void is 409."""
    sale = service.void_sale(session, actor, sale_id, body.reason)
    return queries.read_sales(session, [sale])[0]
