"""Overrides: one day's quantity of a subscription (0 skips the day), instead of its schedule.

Each use case checks the cut-off window, writes, and returns the ``Change`` it made; the day's
orders are re-synced and its audit event written above (``bookkeeping``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from milkrun.audit import service as audit
from milkrun.cutoff import Window
from milkrun.subscriptions import queries
from milkrun.subscriptions.bookkeeping import Affected, Change, Deliveries, Event
from milkrun.subscriptions.errors import DateOutsideSubscription, OverrideNotFound
from milkrun.subscriptions.models import Override


def set_override_unsynced(
    session: Session,
    subscription_id: int,
    day: dt.date,
    quantity: int,
    actor: audit.Actor,
    window: Window,
    *,
    customer_id: int | None = None,
) -> Change[Override]:
    """That date's quantity (0 skips it), scheduled day or not, within the subscription's dates."""
    subscription = queries.get_subscription(session, subscription_id, customer_id=customer_id)
    if not (
        subscription.start_date <= day
        and (subscription.end_date is None or day <= subscription.end_date)
    ):
        until = f"to {subscription.end_date}" if subscription.end_date else "on"
        raise DateOutsideSubscription(
            f"{day} is outside the subscription ({subscription.start_date} {until})",
        )
    window.ensure_open(day)
    override = queries.get_override(session, subscription_id, day)
    before = audit.snapshot(override) if override is not None else None
    if override is None:
        override = Override(
            subscription_id=subscription_id,
            delivery_date=day,
            quantity=quantity,
            created_by_user_id=actor.user_id,
        )
        session.add(override)
    else:
        override.quantity = quantity
        override.created_by_user_id = actor.user_id
    session.flush()
    event = Event(
        "override.set",
        "override",
        override.id,
        customer_id=subscription.customer_id,
        first_affected=day,
        before=before,
        after=audit.snapshot(override),
    )
    return Change(override, event, _the_day(subscription_id, day))


def clear_override_unsynced(
    session: Session,
    subscription_id: int,
    day: dt.date,
    window: Window,
    *,
    customer_id: int | None = None,
) -> Change[None]:
    """Back to the schedule on that date."""
    subscription = queries.get_subscription(session, subscription_id, customer_id=customer_id)
    override = queries.get_override(session, subscription_id, day)
    if override is None:
        raise OverrideNotFound(f"Subscription {subscription_id} has no override on {day}")
    window.ensure_open(day)
    before = audit.snapshot(override)
    session.delete(override)
    session.flush()
    event = Event(
        "override.clear",
        "override",
        before["id"],
        customer_id=subscription.customer_id,
        first_affected=day,
        before=before,
        after=None,
    )
    return Change(None, event, _the_day(subscription_id, day))


def _the_day(subscription_id: int, day: dt.date) -> Affected:
    return Affected(Deliveries(subscription_ids=(subscription_id,)), day, day)
