"""Subscriptions, pauses (vacations) and overrides (day changes): for admins, and for a
customer its own (under /me, or the same paths with its own ids).

An operation on one subscription or pause is one function with two routes: the path for admins
and owners on ``router``, and the same path under /me on ``me_router`` (its ``name`` is the /me
operation's id). Both resolve the path record for the caller (``Owner``: another customer's is
404), and ``me_router`` admits customers only (``MY_CUSTOMER``, before anything else runs).
Listing, subscribing and customer-wide pauses differ in shape (an admin names the customer) and
have a route each, over one body.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Response, status
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.api.caller import (
    MY_CUSTOMER,
    CallerCustomerId,
    CallerPause,
    CallerSubscription,
    CallerWindow,
    MyCustomerId,
    Owner,
)
from milkrun.api.deps import (
    DEFAULT_LIMIT,
    ActorDep,
    AdminUser,
    Cursor,
    IdFilter,
    Limit,
    ScopeDep,
    SessionDep,
    SettingsDep,
)
from milkrun.audit.service import Actor
from milkrun.config import Settings
from milkrun.cutoff import Window
from milkrun.date_window import BusinessDate
from milkrun.db.pagination import Page
from milkrun.hubs.scope import EVERY_HUB, HubScope
from milkrun.orders import changes
from milkrun.subscriptions import queries
from milkrun.subscriptions.models import Override, Pause, Subscription
from milkrun.subscriptions.schemas import (
    MySubscriptionCreate,
    OverrideRead,
    OverrideSet,
    PauseCreate,
    PauseRead,
    PauseUpdate,
    SubscriptionCreate,
    SubscriptionRead,
    SubscriptionUpdate,
)

router = APIRouter(tags=["subscriptions"])
me_router = APIRouter(prefix="/me", tags=["me"], dependencies=[MY_CUSTOMER])

ONE = "/subscriptions/{subscription_id}"
PAUSES = "/subscriptions/{subscription_id}/pauses"
OVERRIDES = "/subscriptions/{subscription_id}/overrides"
OVERRIDE = "/subscriptions/{subscription_id}/overrides/{delivery_date}"
PAUSE = "/pauses/{pause_id}"
CREATED = status.HTTP_201_CREATED
NO_CONTENT = status.HTTP_204_NO_CONTENT


def _read(session: Session, subscription: Subscription, settings: Settings) -> SubscriptionRead:
    return queries.read_subscriptions(session, [subscription], clock.today(settings.zone))[0]


def _page(
    session: Session,
    settings: Settings,
    *,
    customer_id: int | None,
    active_on: dt.date | None,
    limit: int,
    cursor: str | None,
    scope: HubScope = EVERY_HUB,
) -> Page[SubscriptionRead]:
    subscriptions, next_cursor = queries.list_subscriptions(
        session,
        limit=limit,
        cursor=cursor,
        customer_id=customer_id,
        active_on=active_on,
        customers=scope.customer_filter,
    )
    return Page[SubscriptionRead](
        items=queries.read_subscriptions(session, subscriptions, clock.today(settings.zone)),
        next_cursor=next_cursor,
    )


def _create(
    session: Session, data: SubscriptionCreate, actor: Actor, window: Window, settings: Settings
) -> SubscriptionRead:
    subscription = changes.create_subscription(session, data, actor, window)
    return _read(session, subscription, settings)


def _customer_pauses(session: Session, customer_id: int) -> list[PauseRead]:
    return [
        PauseRead.model_validate(p) for p in queries.list_pauses(session, customer_id=customer_id)
    ]


# --- subscriptions ----------------------------------------------------------------------------


@router.post("/subscriptions", status_code=CREATED, response_model=SubscriptionRead)
def create_subscription(
    body: SubscriptionCreate,
    _: AdminUser,
    actor: ActorDep,
    window: CallerWindow,
    session: SessionDep,
    settings: SettingsDep,
) -> SubscriptionRead:
    """A subscription for a customer (a customer subscribes itself at /me/subscriptions)."""
    return _create(session, body, actor, window, settings)


@router.get("/subscriptions", response_model=Page[SubscriptionRead])
def list_subscriptions(
    _: AdminUser,
    scope: ScopeDep,
    session: SessionDep,
    settings: SettingsDep,
    customer_id: IdFilter = None,
    active_on: BusinessDate | None = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[SubscriptionRead]:
    return _page(
        session,
        settings,
        customer_id=customer_id,
        active_on=active_on,
        limit=limit,
        cursor=cursor,
        scope=scope,
    )


@me_router.get("/subscriptions", response_model=Page[SubscriptionRead])
def my_subscriptions(
    me: MyCustomerId,
    session: SessionDep,
    settings: SettingsDep,
    active_on: BusinessDate | None = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[SubscriptionRead]:
    return _page(session, settings, customer_id=me, active_on=active_on, limit=limit, cursor=cursor)


@me_router.post("/subscriptions", status_code=CREATED, response_model=SubscriptionRead)
def subscribe(
    body: MySubscriptionCreate,
    me: MyCustomerId,
    actor: ActorDep,
    window: CallerWindow,
    session: SessionDep,
    settings: SettingsDep,
) -> SubscriptionRead:
    """Subscribe, from a date whose cut-off has not passed."""
    data = SubscriptionCreate(customer_id=me, **body.model_dump())
    return _create(session, data, actor, window, settings)


@router.get(ONE, response_model=SubscriptionRead)
@me_router.get(ONE, response_model=SubscriptionRead, name="my_subscription")
def get_subscription(
    subscription: CallerSubscription, session: SessionDep, settings: SettingsDep
) -> SubscriptionRead:
    return _read(session, subscription, settings)


@router.patch(ONE, response_model=SubscriptionRead)
@me_router.patch(ONE, response_model=SubscriptionRead, name="change_my_subscription")
def change_subscription(
    subscription: CallerSubscription,
    body: SubscriptionUpdate,
    owner: Owner,
    actor: ActorDep,
    window: CallerWindow,
    session: SessionDep,
    settings: SettingsDep,
) -> SubscriptionRead:
    """Change quantity, schedule, product or shift from ``effective_from`` on (earlier dates keep
    what they had), or the start and end dates."""
    changes.change_subscription(session, subscription.id, body, actor, window, customer_id=owner)
    return _read(session, subscription, settings)


# --- pauses of one subscription, and day changes ----------------------------------------------


@router.get(PAUSES, response_model=list[PauseRead])
@me_router.get(PAUSES, response_model=list[PauseRead], name="my_subscription_pauses")
def subscription_pauses(subscription: CallerSubscription, session: SessionDep) -> list[PauseRead]:
    """The pauses that stop this subscription: its own and its customer's customer-wide ones."""
    pauses = queries.list_pauses(
        session, customer_id=subscription.customer_id, subscription_id=subscription.id
    )
    return [PauseRead.model_validate(p) for p in pauses]


@router.post(PAUSES, status_code=CREATED, response_model=PauseRead)
@me_router.post(PAUSES, status_code=CREATED, response_model=PauseRead, name="pause_my_subscription")
def pause_subscription(
    subscription: CallerSubscription,
    body: PauseCreate,
    actor: ActorDep,
    window: CallerWindow,
    session: SessionDep,
) -> Pause:
    """Pause one subscription for a date range, or from a date until resumed (end_date null)."""
    return changes.create_pause(
        session,
        body,
        actor,
        window,
        customer_id=subscription.customer_id,
        subscription_id=subscription.id,
    )


@router.get(OVERRIDES, response_model=list[OverrideRead])
@me_router.get(OVERRIDES, response_model=list[OverrideRead], name="my_overrides")
def subscription_overrides(
    subscription: CallerSubscription,
    session: SessionDep,
    settings: SettingsDep,
    since: BusinessDate | None = None,
) -> list[OverrideRead]:
    """Day changes from ``since`` (default today) on."""
    since = since or clock.today(settings.zone)
    return [
        OverrideRead.model_validate(o)
        for o in queries.list_overrides(session, subscription.id, since=since)
    ]


@router.put(OVERRIDE, response_model=OverrideRead)
@me_router.put(OVERRIDE, response_model=OverrideRead, name="set_my_override")
def set_override(
    subscription: CallerSubscription,
    delivery_date: BusinessDate,
    body: OverrideSet,
    owner: Owner,
    actor: ActorDep,
    window: CallerWindow,
    session: SessionDep,
) -> Override:
    """That date's quantity (0 skips it), scheduled day or not; a pause still wins."""
    return changes.set_override(
        session, subscription.id, delivery_date, body.quantity, actor, window, customer_id=owner
    )


@router.delete(OVERRIDE, status_code=NO_CONTENT)
@me_router.delete(OVERRIDE, status_code=NO_CONTENT, name="clear_my_override")
def clear_override(
    subscription: CallerSubscription,
    delivery_date: BusinessDate,
    owner: Owner,
    actor: ActorDep,
    window: CallerWindow,
    session: SessionDep,
) -> Response:
    """Back to the schedule on that date."""
    changes.clear_override(
        session, subscription.id, delivery_date, actor, window, customer_id=owner
    )
    return Response(status_code=NO_CONTENT)


# --- pauses of all of a customer's deliveries (vacations) --------------------------------------


@router.get("/customers/{customer_id}/pauses", response_model=list[PauseRead])
def customer_pauses(customer_id: CallerCustomerId, session: SessionDep) -> list[PauseRead]:
    """All of the customer's pauses, customer-wide and per subscription, earliest first."""
    return _customer_pauses(session, customer_id)


@me_router.get("/pauses", response_model=list[PauseRead])
def my_pauses(me: MyCustomerId, session: SessionDep) -> list[PauseRead]:
    return _customer_pauses(session, me)


@router.post("/customers/{customer_id}/pauses", status_code=CREATED, response_model=PauseRead)
def pause_customer(
    customer_id: CallerCustomerId,
    body: PauseCreate,
    actor: ActorDep,
    window: CallerWindow,
    session: SessionDep,
) -> Pause:
    """Pause all of the customer's subscriptions (a vacation)."""
    return changes.create_pause(session, body, actor, window, customer_id=customer_id)


@me_router.post("/pauses", status_code=CREATED, response_model=PauseRead)
def pause_me(
    body: PauseCreate, me: MyCustomerId, actor: ActorDep, window: CallerWindow, session: SessionDep
) -> Pause:
    """Pause all of my deliveries (a vacation)."""
    return changes.create_pause(session, body, actor, window, customer_id=me)


@router.patch(PAUSE, response_model=PauseRead)
@me_router.patch(PAUSE, response_model=PauseRead, name="update_my_pause")
def update_pause(
    pause: CallerPause,
    body: PauseUpdate,
    owner: Owner,
    actor: ActorDep,
    window: CallerWindow,
    session: SessionDep,
) -> Pause:
    """Resume (set ``end_date``: the last day without deliveries) or move a pause."""
    return changes.update_pause(session, pause.id, body, actor, window, customer_id=owner)


@router.delete(PAUSE, status_code=NO_CONTENT)
@me_router.delete(PAUSE, status_code=NO_CONTENT, name="delete_my_pause")
def delete_pause(
    pause: CallerPause, owner: Owner, actor: ActorDep, window: CallerWindow, session: SessionDep
) -> Response:
    """Call off a pause that has not started yet."""
    changes.delete_pause(session, pause.id, actor, window, customer_id=owner)
    return Response(status_code=NO_CONTENT)
