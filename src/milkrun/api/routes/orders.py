"""The order book: one-time orders, listing, materializing a date; a customer's own orders and
what is coming in the next days."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.api.caller import CallerWindow, MyCustomerId, Owner
from milkrun.api.deps import (
    DEFAULT_LIMIT,
    ActorDep,
    AdminUser,
    Cursor,
    DairyAdmin,
    IdFilter,
    Limit,
    PathId,
    ScopeDep,
    SessionDep,
    SettingsDep,
)
from milkrun.api.problems import MethodNotAllowed
from milkrun.audit.service import Actor
from milkrun.customers import ownership
from milkrun.cutoff import Window
from milkrun.date_window import BusinessDate
from milkrun.db.pagination import Page
from milkrun.orders import queries, service
from milkrun.orders.models import Order, OrderStatus
from milkrun.orders.schemas import (
    GenerateReport,
    GenerateRequest,
    MyOrderCreate,
    OrderCreate,
    OrderRead,
    UpcomingOrders,
)
from milkrun.wallets import generation as wallet_generation

router = APIRouter(prefix="/orders", tags=["orders"])
me_router = APIRouter(prefix="/me", tags=["me"])


def _caller_order(order_id: PathId, owner: Owner, session: SessionDep) -> Order:
    return queries.get_order(session, order_id, customer_id=owner)


def _my_order(order_id: PathId, me: MyCustomerId, session: SessionDep) -> Order:
    return queries.get_order(session, order_id, customer_id=me)


CallerOrder = Annotated[Order, Depends(_caller_order)]
MyOrder = Annotated[Order, Depends(_my_order)]


def _page(orders: list[Order], next_cursor: str | None) -> Page[OrderRead]:
    return Page[OrderRead](items=[queries.read_order(o) for o in orders], next_cursor=next_cursor)


def _cancel(
    session: Session, order: Order, actor: Actor, window: Window, owner: int | None
) -> OrderRead:
    return queries.read_order(
        service.cancel_order(session, order.id, actor, window, customer_id=owner)
    )


@router.post("", status_code=status.HTTP_201_CREATED, response_model=OrderRead)
def create_order(
    body: OrderCreate, owner: Owner, actor: ActorDep, window: CallerWindow, session: SessionDep
) -> OrderRead:
    """A one-time order for a date: an admin for any customer, a customer for itself, until the
    cut-off of that date."""
    ownership.ensure_may_act_for(owner, body.customer_id)
    return queries.read_order(service.create_one_time_order(session, body, actor, window))


@router.get("", response_model=Page[OrderRead])
def list_orders(
    _: AdminUser,
    scope: ScopeDep,
    session: SessionDep,
    delivery_date: BusinessDate | None = None,
    date_from: BusinessDate | None = None,
    date_to: BusinessDate | None = None,
    customer_id: IdFilter = None,
    route_id: IdFilter = None,
    subscription_id: IdFilter = None,
    status: OrderStatus | None = None,
    one_time: bool | None = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[OrderRead]:
    orders, next_cursor = queries.list_orders(
        session,
        limit=limit,
        cursor=cursor,
        delivery_date=delivery_date,
        date_from=date_from,
        date_to=date_to,
        customer_id=customer_id,
        route_id=route_id,
        subscription_id=subscription_id,
        status=status,
        one_time=one_time,
        customers=scope.customer_filter,
    )
    return _page(list(orders), next_cursor)


@router.post("/generate", response_model=GenerateReport)
def generate_orders(
    body: GenerateRequest,
    _: DairyAdmin,
    actor: ActorDep,
    session: SessionDep,
    settings: SettingsDep,
) -> GenerateReport:
    """Materialize a date: the orders of every subscription due on it. Idempotent; a dry run
    reports what would be created, updated and cancelled, and changes nothing. A past date is
    refused (409 ``date_in_past``) unless ``past`` is true with a ``reason`` and its month is
    still open; a date of a finalized month always (409 ``month_closed``)."""
    report = wallet_generation.generate(
        session,
        body.date,
        actor,
        settings,
        today=clock.today(settings.zone),
        dry_run=body.dry_run,
        past=body.past,
        reason=body.reason,
        trigger="api",
    )
    return GenerateReport(
        date=report.date,
        dry_run=report.dry_run,
        holidays=list(report.holidays),
        **report.counts.as_dict(),
    )


@router.api_route("/generate", methods=["GET", "PUT", "PATCH", "DELETE"], include_in_schema=False)
def generate_takes_only_post() -> None:
    """/orders/generate is an action, not order "generate": 405, not a malformed order id."""
    raise MethodNotAllowed({"POST"})


@router.get("/{order_id}", response_model=OrderRead)
def get_order(order: CallerOrder) -> OrderRead:
    return queries.read_order(order)


@router.post("/{order_id}/cancel", response_model=OrderRead)
def cancel_order(
    order: CallerOrder, owner: Owner, actor: ActorDep, window: CallerWindow, session: SessionDep
) -> OrderRead:
    """Cancel a one-time order before the cut-off of its date."""
    return _cancel(session, order, actor, window, owner)


# --- the customer's own, under /me ----------------------------------------------------------


@me_router.get("/orders", response_model=Page[OrderRead])
def my_orders(
    me: MyCustomerId,
    session: SessionDep,
    date_from: BusinessDate | None = None,
    date_to: BusinessDate | None = None,
    status: OrderStatus | None = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[OrderRead]:
    orders, next_cursor = queries.list_orders(
        session,
        limit=limit,
        cursor=cursor,
        customer_id=me,
        date_from=date_from,
        date_to=date_to,
        status=status,
    )
    return _page(list(orders), next_cursor)


@me_router.post("/orders", status_code=status.HTTP_201_CREATED, response_model=OrderRead)
def order_once(
    body: MyOrderCreate,
    me: MyCustomerId,
    actor: ActorDep,
    window: CallerWindow,
    session: SessionDep,
) -> OrderRead:
    """A one-time order for a date whose cut-off has not passed."""
    data = OrderCreate(customer_id=me, **body.model_dump())
    return queries.read_order(service.create_one_time_order(session, data, actor, window))


@me_router.get("/orders/upcoming", response_model=UpcomingOrders)
def my_upcoming_orders(
    me: MyCustomerId,
    session: SessionDep,
    settings: SettingsDep,
    days: Annotated[int, Query(ge=1, le=31)] = 7,
) -> UpcomingOrders:
    """What I will receive from today over the next ``days`` days: the orders already made, and
    what my subscriptions, pauses and day changes will make of the other dates."""
    return queries.upcoming(session, me, clock.today(settings.zone), days)


@me_router.get("/orders/{order_id}", response_model=OrderRead)
def my_order(order: MyOrder) -> OrderRead:
    return queries.read_order(order)


@me_router.post("/orders/{order_id}/cancel", response_model=OrderRead)
def cancel_my_order(
    order: MyOrder, me: MyCustomerId, actor: ActorDep, window: CallerWindow, session: SessionDep
) -> OrderRead:
    return _cancel(session, order, actor, window, me)
