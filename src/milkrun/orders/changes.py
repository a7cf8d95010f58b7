"""Changes to what customers receive, carried through to the order book.

A change to a subscription, a pause or an override is made by ``milkrun.subscriptions``, which
returns what it wrote, the audit event it owes and the delivery dates it affects. Each use case
here makes that change and then, in the caller's transaction:

- re-syncs the orders of the affected dates that are already materialized, from today on (the
  past is never rewritten), for the changed deliveries only (``sync.sync_day``: delivered or
  marked orders never change);
- writes the change's one audit event, with what the re-sync changed per date
  (``orders_resynced``) and, for a change past the customers' cut-off, ``after_cutoff``.

The API, the demo and the tests call these, never the subscription use cases alone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.audit import service as audit
from milkrun.cutoff import Window
from milkrun.notify import outbox
from milkrun.orders import generate, sync
from milkrun.orders import service as order_service
from milkrun.orders.models import Order, OrderStatus
from milkrun.subscriptions import overrides, pauses
from milkrun.subscriptions import service as subscription_service
from milkrun.subscriptions.bookkeeping import Affected, Change, Event
from milkrun.subscriptions.models import Override, Pause, Subscription
from milkrun.subscriptions.schemas import (
    PauseCreate,
    PauseUpdate,
    SubscriptionCreate,
    SubscriptionUpdate,
)

Written = TypeVar("Written")


def create_subscription(
    session: Session, data: SubscriptionCreate, actor: audit.Actor, window: Window
) -> Subscription:
    change = subscription_service.create_subscription_unsynced(session, data, actor, window)
    return _carry_through(session, actor, window, change)


def change_subscription(
    session: Session,
    subscription_id: int,
    data: SubscriptionUpdate,
    actor: audit.Actor,
    window: Window,
    *,
    customer_id: int | None = None,
) -> Subscription:
    change = subscription_service.change_subscription_unsynced(
        session, subscription_id, data, actor, window, customer_id=customer_id
    )
    return _carry_through(session, actor, window, change)


def create_pause(
    session: Session,
    data: PauseCreate,
    actor: audit.Actor,
    window: Window,
    *,
    customer_id: int,
    subscription_id: int | None = None,
) -> Pause:
    change = pauses.create_pause_unsynced(
        session, data, actor, window, customer_id=customer_id, subscription_id=subscription_id
    )
    _cancel_one_time_orders(session, actor, window, change)
    return _carry_through(session, actor, window, change)


def update_pause(
    session: Session,
    pause_id: int,
    data: PauseUpdate,
    actor: audit.Actor,
    window: Window,
    *,
    customer_id: int | None = None,
) -> Pause:
    change = pauses.update_pause_unsynced(
        session, pause_id, data, actor, window, customer_id=customer_id
    )
    _cancel_one_time_orders(session, actor, window, change)
    return _carry_through(session, actor, window, change)


def delete_pause(
    session: Session,
    pause_id: int,
    actor: audit.Actor,
    window: Window,
    *,
    customer_id: int | None = None,
) -> None:
    change = pauses.delete_pause_unsynced(session, pause_id, window, customer_id=customer_id)
    _carry_through(session, actor, window, change)


def set_override(
    session: Session,
    subscription_id: int,
    day: dt.date,
    quantity: int,
    actor: audit.Actor,
    window: Window,
    *,
    customer_id: int | None = None,
) -> Override:
    change = overrides.set_override_unsynced(
        session, subscription_id, day, quantity, actor, window, customer_id=customer_id
    )
    return _carry_through(session, actor, window, change)


def clear_override(
    session: Session,
    subscription_id: int,
    day: dt.date,
    actor: audit.Actor,
    window: Window,
    *,
    customer_id: int | None = None,
) -> None:
    change = overrides.clear_override_unsynced(
        session, subscription_id, day, window, customer_id=customer_id
    )
    _carry_through(session, actor, window, change)


def _cancel_one_time_orders(
    session: Session, actor: audit.Actor, window: Window, change: Change[Pause]
) -> None:
    """A vacation of all of a customer's deliveries covers its one-time orders too: each one of
    the paused days that the caller may still change, still scheduled, is cancelled (its own
    ``order.cancel`` event) and listed in the pause's event (``one_time_orders_cancelled``).
    Ending the vacation early does not bring them back; an order placed for a paused day after
    the vacation was set is the customer's later wish, and stays."""
    pause = change.written
    if pause.subscription_id is not None:
        return
    condition = [
        Order.customer_id == pause.customer_id,
        Order.subscription_id.is_(None),
        Order.status == OrderStatus.scheduled.value,
        Order.invoice_id.is_(None),
        Order.delivery_date >= max(pause.start_date, window.earliest),
    ]
    if pause.end_date is not None:
        condition.append(Order.delivery_date <= pause.end_date)
    if change.event is not None and change.event.action == "pause.update":
        # Only the days the change adds: one-time orders placed during the vacation stay.
        before = change.event.before or {}
        if before.get("start_date") is not None:
            start, end = before["start_date"], before.get("end_date")
            inside = Order.delivery_date >= dt.date.fromisoformat(start)
            if end is not None:
                inside = inside & (Order.delivery_date <= dt.date.fromisoformat(end))
            condition.append(~inside)
    cancelled = [
        order_service.cancel_order(
            session, order_id, actor, window, customer_id=pause.customer_id
        ).id
        for order_id in session.scalars(select(Order.id).where(*condition).order_by(Order.id))
    ]
    if cancelled and change.event is not None and change.event.after is not None:
        change.event.after["one_time_orders_cancelled"] = cancelled


# --- the re-sync and the audit event every change ends with ---------------------------------


def _carry_through(
    session: Session, actor: audit.Actor, window: Window, change: Change[Written]
) -> Written:
    resynced = _resync(session, window, change.affected) if change.affected is not None else {}
    if change.event is not None:
        _record(session, actor, window, change.event, resynced)
        outbox.change_confirmed(session, change.event)
    return change.written


def _resync(session: Session, window: Window, affected: Affected) -> dict[str, dict[str, int]]:
    """Re-sync the materialized dates among ``affected``, for its deliveries only; the past
    (before today) is never rewritten. Returns what changed, per date, for the audit."""
    since = max(affected.since, window.today)
    if affected.until is not None and affected.until < since:
        return {}
    changes: dict[str, dict[str, int]] = {}
    for day in generate.generated_dates(session, since, affected.until):
        counts = sync.sync_day(session, day, affected.deliveries)
        if counts.changed_anything:
            changes[day.isoformat()] = {
                k: v for k, v in counts.as_dict().items() if v and k != "unchanged"
            }
    return changes


def _record(
    session: Session,
    actor: audit.Actor,
    window: Window,
    event: Event,
    resynced: dict[str, dict[str, int]],
) -> None:
    extra: dict[str, Any] = {}
    if resynced:
        extra["orders_resynced"] = resynced
    if window.is_late(event.first_affected):
        extra["after_cutoff"] = True
        if window.reason is not None:
            extra["late_reason"] = window.reason
    after = event.after
    audit.record(
        session,
        actor,
        event.action,
        event.entity_type,
        event.entity_id,
        before=event.before,
        after={**(after or {}), **extra} if after is not None or extra else None,
        customer_id=event.customer_id,
    )
