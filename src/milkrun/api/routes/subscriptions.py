"""Subscriptions, pauses (vacations) and overrides (day changes): for admins, and for a
customer its own (under /me, or the same paths with its own ids)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Response, status
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.api.caller import (
    CallerCustomerId,
    CallerPause,
    CallerSubscription,
    CallerWindow,
    MyCustomerId,
    MyPause,
    MySubscription,
    Owner,
)
from milkrun.api.deps import (
    DEFAULT_LIMIT,
    ActorDep,
    AdminUser,
    Cursor,
    IdFilter,
    Limit,
    SessionDep,
    SettingsDep,
)
from milkrun.audit.service import Actor
from milkrun.config import Settings
from milkrun.cutoff import Window
from milkrun.orders import changes
from milkrun.pagination import Page
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
me_router = APIRouter(prefix="/me", tags=["me"])


def _read(session: Session, subscription: Subscription, settings: Settings) -> SubscriptionRead:
    return queries.read_subscriptions(session, [subscription], clock.today(settings.zone))[0]


# --- each operation once: the admin route and the /me route both call it ---------------------
# ``owner`` is the customer the caller is limited to (None for an admin); path records reach
# here already resolved for the caller (another customer's are 404).


def _page(
    session: Session,
    settings: Settings,
    *,
    customer_id: int | None,
    active_on: dt.date | None,
    limit: int,
    cursor: str | None,
) -> Page[SubscriptionRead]:
    subscriptions, next_cursor = queries.list_subscriptions(
        session, limit=limit, cursor=cursor, customer_id=customer_id, active_on=active_on
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


def _change(
    session: Session,
    subscription: Subscription,
    body: SubscriptionUpdate,
    actor: Actor,
    window: Window,
    owner: int | None,
    settings: Settings,
) -> SubscriptionRead:
    changes.change_subscription(session, subscription.id, body, actor, window, customer_id=owner)
    return _read(session, subscription, settings)


def _pauses(session: Session, subscription: Subscription) -> list[PauseRead]:
    pauses = queries.list_pauses(
        session, customer_id=subscription.customer_id, subscription_id=subscription.id
    )
    return [PauseRead.model_validate(p) for p in pauses]


def _pause_subscription(
    session: Session, subscription: Subscription, body: PauseCreate, actor: Actor, window: Window
) -> Pause:
    return changes.create_pause(
        session,
        body,
        actor,
        window,
        customer_id=subscription.customer_id,
        subscription_id=subscription.id,
    )


def _overrides(
    session: Session, subscription: Subscription, since: dt.date | None, settings: Settings
) -> list[OverrideRead]:
    since = since or clock.today(settings.zone)
    return [
        OverrideRead.model_validate(o)
        for o in queries.list_overrides(session, subscription.id, since=since)
    ]


def _set_override(
    session: Session,
    subscription: Subscription,
    delivery_date: dt.date,
    body: OverrideSet,
    actor: Actor,
    window: Window,
    owner: int | None,
) -> Override:
    return changes.set_override(
        session, subscription.id, delivery_date, body.quantity, actor, window, customer_id=owner
    )


def _clear_override(
    session: Session,
    subscription: Subscription,
    delivery_date: dt.date,
    actor: Actor,
    window: Window,
    owner: int | None,
) -> Response:
    changes.clear_override(
        session, subscription.id, delivery_date, actor, window, customer_id=owner
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _customer_pauses(session: Session, customer_id: int) -> list[PauseRead]:
    return [
        PauseRead.model_validate(p) for p in queries.list_pauses(session, customer_id=customer_id)
    ]


def _pause_customer(
    session: Session, customer_id: int, body: PauseCreate, actor: Actor, window: Window
) -> Pause:
    return changes.create_pause(session, body, actor, window, customer_id=customer_id)


def _update_pause(
    session: Session,
    pause: Pause,
    body: PauseUpdate,
    actor: Actor,
    window: Window,
    owner: int | None,
) -> Pause:
    return changes.update_pause(session, pause.id, body, actor, window, customer_id=owner)


def _delete_pause(
    session: Session, pause: Pause, actor: Actor, window: Window, owner: int | None
) -> Response:
    changes.delete_pause(session, pause.id, actor, window, customer_id=owner)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- admin (and a customer with its own ids) -------------------------------------------------


@router.post("/subscriptions", status_code=status.HTTP_201_CREATED, response_model=SubscriptionRead)
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
    session: SessionDep,
    settings: SettingsDep,
    customer_id: IdFilter = None,
    active_on: dt.date | None = None,
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
    )


@router.get("/subscriptions/{subscription_id}", response_model=SubscriptionRead)
def get_subscription(
    subscription: CallerSubscription, session: SessionDep, settings: SettingsDep
) -> SubscriptionRead:
    return _read(session, subscription, settings)


@router.patch("/subscriptions/{subscription_id}", response_model=SubscriptionRead)
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
    return _change(session, subscription, body, actor, window, owner, settings)


@router.get("/subscriptions/{subscription_id}/pauses", response_model=list[PauseRead])
def subscription_pauses(subscription: CallerSubscription, session: SessionDep) -> list[PauseRead]:
    """The pauses that stop this subscription: its own and its customer's customer-wide ones."""
    return _pauses(session, subscription)


@router.post(
    "/subscriptions/{subscription_id}/pauses",
    status_code=status.HTTP_201_CREATED,
    response_model=PauseRead,
)
def pause_subscription(
    subscription: CallerSubscription,
    body: PauseCreate,
    actor: ActorDep,
    window: CallerWindow,
    session: SessionDep,
) -> Pause:
    """Pause one subscription for a date range, or from a date until resumed (end_date null)."""
    return _pause_subscription(session, subscription, body, actor, window)


@router.get("/subscriptions/{subscription_id}/overrides", response_model=list[OverrideRead])
def subscription_overrides(
    subscription: CallerSubscription,
    session: SessionDep,
    settings: SettingsDep,
    since: dt.date | None = None,
) -> list[OverrideRead]:
    """Day changes from ``since`` (default today) on."""
    return _overrides(session, subscription, since, settings)


@router.put(
    "/subscriptions/{subscription_id}/overrides/{delivery_date}", response_model=OverrideRead
)
def set_override(
    subscription: CallerSubscription,
    delivery_date: dt.date,
    body: OverrideSet,
    owner: Owner,
    actor: ActorDep,
    window: CallerWindow,
    session: SessionDep,
) -> Override:
    """That date's quantity (0 skips it), scheduled day or not; a pause still wins."""
    return _set_override(session, subscription, delivery_date, body, actor, window, owner)


@router.delete(
    "/subscriptions/{subscription_id}/overrides/{delivery_date}",
    status_code=status.HTTP_204_NO_CONTENT,
)
def clear_override(
    subscription: CallerSubscription,
    delivery_date: dt.date,
    owner: Owner,
    actor: ActorDep,
    window: CallerWindow,
    session: SessionDep,
) -> Response:
    """Back to the schedule on that date."""
    return _clear_override(session, subscription, delivery_date, actor, window, owner)


@router.get("/customers/{customer_id}/pauses", response_model=list[PauseRead])
def customer_pauses(customer_id: CallerCustomerId, session: SessionDep) -> list[PauseRead]:
    """All of the customer's pauses, customer-wide and per subscription, earliest first."""
    return _customer_pauses(session, customer_id)


@router.post(
    "/customers/{customer_id}/pauses",
    status_code=status.HTTP_201_CREATED,
    response_model=PauseRead,
)
def pause_customer(
    customer_id: CallerCustomerId,
    body: PauseCreate,
    actor: ActorDep,
    window: CallerWindow,
    session: SessionDep,
) -> Pause:
    """Pause all of the customer's subscriptions (a vacation)."""
    return _pause_customer(session, customer_id, body, actor, window)


@router.patch("/pauses/{pause_id}", response_model=PauseRead)
def update_pause(
    pause: CallerPause,
    body: PauseUpdate,
    owner: Owner,
    actor: ActorDep,
    window: CallerWindow,
    session: SessionDep,
) -> Pause:
    """Resume (set ``end_date``: the last day without deliveries) or move a pause."""
    return _update_pause(session, pause, body, actor, window, owner)


@router.delete("/pauses/{pause_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_pause(
    pause: CallerPause, owner: Owner, actor: ActorDep, window: CallerWindow, session: SessionDep
) -> Response:
    """Call off a pause that has not started yet."""
    return _delete_pause(session, pause, actor, window, owner)


# --- the customer's own, under /me ----------------------------------------------------------


@me_router.get("/subscriptions", response_model=Page[SubscriptionRead])
def my_subscriptions(
    me: MyCustomerId,
    session: SessionDep,
    settings: SettingsDep,
    active_on: dt.date | None = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[SubscriptionRead]:
    return _page(session, settings, customer_id=me, active_on=active_on, limit=limit, cursor=cursor)


@me_router.post(
    "/subscriptions", status_code=status.HTTP_201_CREATED, response_model=SubscriptionRead
)
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


@me_router.get("/subscriptions/{subscription_id}", response_model=SubscriptionRead)
def my_subscription(
    subscription: MySubscription, session: SessionDep, settings: SettingsDep
) -> SubscriptionRead:
    return _read(session, subscription, settings)


@me_router.patch("/subscriptions/{subscription_id}", response_model=SubscriptionRead)
def change_my_subscription(
    subscription: MySubscription,
    body: SubscriptionUpdate,
    me: MyCustomerId,
    actor: ActorDep,
    window: CallerWindow,
    session: SessionDep,
    settings: SettingsDep,
) -> SubscriptionRead:
    return _change(session, subscription, body, actor, window, me, settings)


@me_router.get("/subscriptions/{subscription_id}/pauses", response_model=list[PauseRead])
def my_subscription_pauses(subscription: MySubscription, session: SessionDep) -> list[PauseRead]:
    return _pauses(session, subscription)


@me_router.post(
    "/subscriptions/{subscription_id}/pauses",
    status_code=status.HTTP_201_CREATED,
    response_model=PauseRead,
)
def pause_my_subscription(
    subscription: MySubscription,
    body: PauseCreate,
    actor: ActorDep,
    window: CallerWindow,
    session: SessionDep,
) -> Pause:
    return _pause_subscription(session, subscription, body, actor, window)


@me_router.get("/subscriptions/{subscription_id}/overrides", response_model=list[OverrideRead])
def my_overrides(
    subscription: MySubscription,
    session: SessionDep,
    settings: SettingsDep,
    since: dt.date | None = None,
) -> list[OverrideRead]:
    return _overrides(session, subscription, since, settings)


@me_router.put(
    "/subscriptions/{subscription_id}/overrides/{delivery_date}", response_model=OverrideRead
)
def set_my_override(
    subscription: MySubscription,
    delivery_date: dt.date,
    body: OverrideSet,
    me: MyCustomerId,
    actor: ActorDep,
    window: CallerWindow,
    session: SessionDep,
) -> Override:
    return _set_override(session, subscription, delivery_date, body, actor, window, me)


@me_router.delete(
    "/subscriptions/{subscription_id}/overrides/{delivery_date}",
    status_code=status.HTTP_204_NO_CONTENT,
)
def clear_my_override(
    subscription: MySubscription,
    delivery_date: dt.date,
    me: MyCustomerId,
    actor: ActorDep,
    window: CallerWindow,
    session: SessionDep,
) -> Response:
    return _clear_override(session, subscription, delivery_date, actor, window, me)


@me_router.get("/pauses", response_model=list[PauseRead])
def my_pauses(me: MyCustomerId, session: SessionDep) -> list[PauseRead]:
    return _customer_pauses(session, me)


@me_router.post("/pauses", status_code=status.HTTP_201_CREATED, response_model=PauseRead)
def pause_me(
    body: PauseCreate, me: MyCustomerId, actor: ActorDep, window: CallerWindow, session: SessionDep
) -> Pause:
    """Pause all of my deliveries (a vacation)."""
    return _pause_customer(session, me, body, actor, window)


@me_router.patch("/pauses/{pause_id}", response_model=PauseRead)
def update_my_pause(
    pause: MyPause,
    body: PauseUpdate,
    me: MyCustomerId,
    actor: ActorDep,
    window: CallerWindow,
    session: SessionDep,
) -> Pause:
    return _update_pause(session, pause, body, actor, window, me)


@me_router.delete("/pauses/{pause_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_my_pause(
    pause: MyPause, me: MyCustomerId, actor: ActorDep, window: CallerWindow, session: SessionDep
) -> Response:
    return _delete_pause(session, pause, actor, window, me)
