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

from sqlalchemy.orm import Session

from milkrun.audit import service as audit
from milkrun.cutoff import Window
from milkrun.notify import outbox
from milkrun.orders import generate, sync
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
    change = subscription_service.create_subscription(session, data, actor, window)
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
    change = subscription_service.change_subscription(
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
    change = pauses.create_pause(
        session, data, actor, window, customer_id=customer_id, subscription_id=subscription_id
    )
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
    change = pauses.update_pause(session, pause_id, data, actor, window, customer_id=customer_id)
    return _carry_through(session, actor, window, change)


def delete_pause(
    session: Session,
    pause_id: int,
    actor: audit.Actor,
    window: Window,
    *,
    customer_id: int | None = None,
) -> None:
    change = pauses.delete_pause(session, pause_id, window, customer_id=customer_id)
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
    change = overrides.set_override(
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
    change = overrides.clear_override(
        session, subscription_id, day, window, customer_id=customer_id
    )
    _carry_through(session, actor, window, change)


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
