"""Changing subscriptions, pauses and overrides.

Every use case here: checks the input; checks the cut-off window of the caller
(``milkrun.orders.cutoff``) for the first delivery date the change affects; writes; re-syncs the
orders of dates already materialized from that date on (``milkrun.orders.generate.resync``, same
transaction); and writes exactly one audit event with before and after.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.audit import service as audit
from milkrun.catalog import queries as catalog_queries
from milkrun.catalog.models import Product
from milkrun.customers import queries as customer_queries
from milkrun.customers.models import Customer
from milkrun.errors import Conflict, InvalidInput, NotFound
from milkrun.orders import generate
from milkrun.orders.cutoff import Window
from milkrun.subscriptions import queries
from milkrun.subscriptions.models import (
    WEEKDAYS,
    Override,
    Pause,
    ScheduleKind,
    Subscription,
    SubscriptionTerms,
)
from milkrun.subscriptions.schedule import Schedule, day_number
from milkrun.subscriptions.schemas import (
    PauseCreate,
    PauseUpdate,
    SubscriptionCreate,
    SubscriptionUpdate,
    schedule_out,
)

ONE_DAY = dt.timedelta(days=1)
_TERMS_CONTENT = (
    "product_id",
    "shift",
    "kind",
    "quantity",
    "interval_days",
    *(f"{day}_quantity" for day in WEEKDAYS),
    "anchor_date",
)


# --- checks -----------------------------------------------------------------------------------


def active_customer(session: Session, customer_id: int) -> Customer:
    customer = customer_queries.get_customer(session, customer_id)
    if not customer.is_active:
        raise InvalidInput(f"Customer {customer_id} is not active", code="customer_inactive")
    return customer


def ensure_product_sold(session: Session, product_id: int, on: dt.date) -> Product:
    """A product can be ordered when it exists, is active and has a price on the date."""
    product = session.get(Product, product_id)
    if product is None:
        raise InvalidInput(f"There is no product {product_id}", code="product_not_found")
    if not product.is_active:
        raise InvalidInput(
            f"{product.name} ({product.sku}) is no longer sold", code="product_inactive"
        )
    if catalog_queries.price_on(session, product_id, on) is None:
        raise InvalidInput(
            f"{product.name} ({product.sku}) has no price on {on}", code="product_not_priced"
        )
    return product


def _ensure_span(start: dt.date, end: dt.date | None) -> None:
    if end is not None and end < start:
        raise InvalidInput(
            f"The end date {end} is before the start date {start}", code="end_before_start"
        )


# --- audit and re-sync ------------------------------------------------------------------------


def _terms_snapshot(row: SubscriptionTerms) -> dict[str, Any]:
    return {
        "effective_from": row.effective_from,
        "product_id": row.product_id,
        "shift": row.shift,
        "schedule": schedule_out(queries.schedule_of(row)).model_dump(),
        "anchor_date": row.anchor_date,
    }


def _snapshot(subscription: Subscription, terms: Sequence[SubscriptionTerms]) -> dict[str, Any]:
    return {
        **audit.snapshot(subscription),
        "terms": [_terms_snapshot(row) for row in terms],
    }


def _terms(session: Session, subscription: Subscription) -> list[SubscriptionTerms]:
    return queries.terms_of(session, [subscription.id])[subscription.id]


def _resync(
    session: Session,
    window: Window,
    scope: generate.Scope,
    since: dt.date,
    until: dt.date | None = None,
) -> dict[str, dict[str, int]]:
    """Re-sync materialized dates from ``since``; the past (before today) is never rewritten."""
    since = max(since, window.today)
    if until is not None and until < since:
        return {}
    return generate.resync(session, scope, since, until)


def _record(
    session: Session,
    actor: audit.Actor,
    action: str,
    entity_type: str,
    entity_id: int,
    *,
    customer_id: int,
    window: Window,
    first_affected: dt.date,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    resynced: dict[str, dict[str, int]],
) -> None:
    extra: dict[str, Any] = {}
    if resynced:
        extra["orders_resynced"] = resynced
    if window.is_late(first_affected):
        extra["after_cutoff"] = True
    audit.record(
        session,
        actor,
        action,
        entity_type,
        entity_id,
        before=before,
        after={**(after or {}), **extra} if after is not None or extra else None,
        customer_id=customer_id,
    )


# --- subscriptions ----------------------------------------------------------------------------


def _set_schedule(row: SubscriptionTerms, schedule: Schedule, anchor: dt.date) -> None:
    row.kind = schedule.kind.value
    row.quantity = schedule.quantity
    row.interval_days = schedule.interval_days
    for index, day in enumerate(WEEKDAYS):
        value = schedule.weekday_quantities[index] if schedule.weekday_quantities else None
        setattr(row, f"{day}_quantity", value)
    row.anchor_date = anchor
    row.anchor_day = day_number(anchor)


def create_subscription(
    session: Session, data: SubscriptionCreate, actor: audit.Actor, window: Window
) -> Subscription:
    """A subscription starts on a date the caller may still change, for an active customer, with
    a product on sale and priced on the start date."""
    active_customer(session, data.customer_id)
    _ensure_span(data.start_date, data.end_date)
    window.ensure_open(data.start_date)
    ensure_product_sold(session, data.product_id, data.start_date)
    subscription = Subscription(
        customer_id=data.customer_id,
        start_date=data.start_date,
        end_date=data.end_date,
        created_by_user_id=actor.user_id,
    )
    session.add(subscription)
    session.flush()
    terms = SubscriptionTerms(
        subscription_id=subscription.id,
        effective_from=data.start_date,
        product_id=data.product_id,
        shift=data.shift.value,
        created_by_user_id=actor.user_id,
    )
    _set_schedule(terms, data.schedule.to_schedule(), data.start_date)
    session.add(terms)
    session.flush()
    resynced = _resync(
        session, window, generate.Scope(subscription_ids=(subscription.id,)), data.start_date
    )
    _record(
        session,
        actor,
        "subscription.create",
        "subscription",
        subscription.id,
        customer_id=subscription.customer_id,
        window=window,
        first_affected=data.start_date,
        before=None,
        after=_snapshot(subscription, [terms]),
        resynced=resynced,
    )
    return subscription


def _move_start(
    session: Session,
    subscription: Subscription,
    rows: list[SubscriptionTerms],
    new_start: dt.date,
) -> list[SubscriptionTerms]:
    """Start on ``new_start``: the terms in force then become the first terms; a rhythm that
    counted from the old start date counts from the new one."""
    old_start = subscription.start_date
    if new_start > old_start:
        in_force = [r for r in rows if r.effective_from <= new_start][-1]
        for row in rows:
            if row.effective_from < new_start and row is not in_force:
                session.delete(row)
        rows = [r for r in rows if r is in_force or r.effective_from > new_start]
    rows[0].effective_from = new_start
    for row in rows:
        if row.anchor_date == old_start:
            row.anchor_date = new_start
            row.anchor_day = day_number(new_start)
    subscription.start_date = new_start
    session.flush()
    return rows


def _apply_dated_change(
    session: Session,
    subscription: Subscription,
    rows: list[SubscriptionTerms],
    effective: dt.date,
    data: SubscriptionUpdate,
    actor: audit.Actor,
) -> None:
    """Set the changed fields for every date from ``effective`` on; earlier terms stay.

    The terms in force on ``effective`` are copied into new terms from that date (or changed in
    place when they start that day); terms planned for later dates get the same fields. A new
    schedule counts its rhythm from ``effective``; a new quantity alone keeps the rhythm.
    """
    base = [r for r in rows if r.effective_from <= effective][-1]
    if data.quantity is not None and base.kind == ScheduleKind.weekdays:
        raise InvalidInput(
            "A weekdays schedule has a quantity per weekday: send a schedule",
            code="quantity_needs_schedule",
        )
    if base.effective_from == effective:
        target = base
    else:
        target = SubscriptionTerms(
            subscription_id=subscription.id,
            effective_from=effective,
            created_by_user_id=actor.user_id,
            anchor_day=base.anchor_day,
            **{field: getattr(base, field) for field in _TERMS_CONTENT},
        )
        session.add(target)
    later = [r for r in rows if r.effective_from > effective]
    schedule = data.schedule.to_schedule() if data.schedule is not None else None
    for row in [target, *later]:
        if data.product_id is not None:
            row.product_id = data.product_id
        if data.shift is not None:
            row.shift = data.shift.value
        if schedule is not None:
            _set_schedule(row, schedule, effective)
        if data.quantity is not None and row.kind != ScheduleKind.weekdays:
            # Planned weekdays terms keep their own per-day quantities.
            row.quantity = data.quantity
    session.flush()
    # Planned terms that now say the same as the terms before them are no change at all.
    ordered = sorted([target, *later], key=lambda r: r.effective_from)
    previous = [r for r in rows if r.effective_from < effective]
    last = previous[-1] if previous else None
    for row in ordered:
        if last is not None and all(getattr(row, f) == getattr(last, f) for f in _TERMS_CONTENT):
            session.delete(row)
            continue
        last = row
    session.flush()


def change_subscription(
    session: Session,
    subscription_id: int,
    data: SubscriptionUpdate,
    actor: audit.Actor,
    window: Window,
    *,
    customer_id: int | None = None,
) -> Subscription:
    """Change a subscription from a date on (see ``SubscriptionUpdate``); nothing before the
    first date the change affects is rewritten, and that date must be open to the caller."""
    subscription = queries.get_subscription(session, subscription_id, customer_id=customer_id)
    changes = data.changes()
    rows = _terms(session, subscription)
    before = _snapshot(subscription, rows)
    affected: list[dt.date] = []

    new_start = changes.get("start_date", subscription.start_date)
    new_end = changes.get("end_date", subscription.end_date)
    _ensure_span(new_start, new_end)
    if new_start != subscription.start_date:
        first = min(new_start, subscription.start_date)
        window.ensure_open(first)
        in_force = [r for r in rows if r.effective_from <= new_start] or rows[:1]
        ensure_product_sold(session, in_force[-1].product_id, new_start)
        rows = _move_start(session, subscription, rows, new_start)
        affected.append(first)
    if new_end != subscription.end_date:
        ends = [d for d in (new_end, subscription.end_date) if d is not None]
        first = min(ends) + ONE_DAY
        window.ensure_open(first)
        subscription.end_date = new_end
        affected.append(first)

    dated = any(
        getattr(data, field) is not None
        for field in ("schedule", "quantity", "product_id", "shift")
    )
    if data.effective_from is not None and not dated:
        raise InvalidInput(
            "effective_from needs a change to go with it: schedule, quantity, product_id or shift",
            code="nothing_to_change",
        )
    if dated:
        effective = max(data.effective_from or window.first_open, subscription.start_date)
        window.ensure_open(effective)
        if subscription.end_date is not None and effective > subscription.end_date:
            raise InvalidInput(
                f"The subscription ends on {subscription.end_date}, before {effective}",
                code="effective_after_end",
            )
        if data.product_id is not None:
            ensure_product_sold(session, data.product_id, effective)
        _apply_dated_change(session, subscription, rows, effective, data, actor)
        affected.append(effective)
    session.flush()
    if not affected:
        return subscription

    since = min(affected)
    resynced = _resync(session, window, generate.Scope(subscription_ids=(subscription.id,)), since)
    session.refresh(subscription)
    _record(
        session,
        actor,
        "subscription.change",
        "subscription",
        subscription.id,
        customer_id=subscription.customer_id,
        window=window,
        first_affected=since,
        before=before,
        after=_snapshot(subscription, _terms(session, subscription)),
        resynced=resynced,
    )
    return subscription


# --- pauses -----------------------------------------------------------------------------------


def _lock_customer(session: Session, customer_id: int) -> None:
    """Serialize pause changes of one customer (PostgreSQL; SQLite writers are serialized)."""
    session.execute(select(Customer.id).where(Customer.id == customer_id).with_for_update())


def _ensure_no_overlap(
    session: Session,
    *,
    customer_id: int,
    subscription_id: int | None,
    start_date: dt.date,
    end_date: dt.date | None,
    except_id: int | None = None,
) -> None:
    clash = queries.overlapping_pause(
        session,
        customer_id=customer_id,
        subscription_id=subscription_id,
        start_date=start_date,
        end_date=end_date,
        except_id=except_id,
    )
    if clash is not None:
        what = "all deliveries" if clash.subscription_id is None else "this subscription"
        until = f"to {clash.end_date}" if clash.end_date else "until resumed"
        raise Conflict(
            f"Pause {clash.id} of {what} already covers {clash.start_date} {until};"
            " change that pause instead",
            code="pause_overlaps",
        )


def _pause_scope(pause: Pause) -> generate.Scope:
    if pause.subscription_id is None:
        return generate.Scope(customer_id=pause.customer_id)
    return generate.Scope(subscription_ids=(pause.subscription_id,))


def create_pause(
    session: Session,
    data: PauseCreate,
    actor: audit.Actor,
    window: Window,
    *,
    customer_id: int,
    subscription_id: int | None = None,
) -> Pause:
    """Pause one subscription, or (``subscription_id`` None) all of the customer's, from a date
    still open to the caller; pauses of the same deliveries never overlap."""
    customer_queries.get_customer(session, customer_id)
    if subscription_id is not None:
        queries.get_subscription(session, subscription_id, customer_id=customer_id)
    _ensure_span(data.start_date, data.end_date)
    window.ensure_open(data.start_date)
    _lock_customer(session, customer_id)
    _ensure_no_overlap(
        session,
        customer_id=customer_id,
        subscription_id=subscription_id,
        start_date=data.start_date,
        end_date=data.end_date,
    )
    pause = Pause(
        customer_id=customer_id,
        subscription_id=subscription_id,
        start_date=data.start_date,
        end_date=data.end_date,
        reason=data.reason.strip() if data.reason else None,
        created_by_user_id=actor.user_id,
    )
    session.add(pause)
    session.flush()
    resynced = _resync(session, window, _pause_scope(pause), pause.start_date, pause.end_date)
    _record(
        session,
        actor,
        "pause.create",
        "pause",
        pause.id,
        customer_id=customer_id,
        window=window,
        first_affected=pause.start_date,
        before=None,
        after=audit.snapshot(pause),
        resynced=resynced,
    )
    return pause


def update_pause(
    session: Session,
    pause_id: int,
    data: PauseUpdate,
    actor: audit.Actor,
    window: Window,
    *,
    customer_id: int | None = None,
) -> Pause:
    """Change a pause; resuming is setting ``end_date`` (the last day without deliveries).
    Every day whose deliveries the change turns on or off must be open to the caller."""
    pause = queries.get_pause(session, pause_id, customer_id=customer_id)
    before = audit.snapshot(pause)
    changes = data.changes()
    new_start = changes.get("start_date", pause.start_date)
    new_end = changes.get("end_date", pause.end_date)
    _ensure_span(new_start, new_end)
    affected: list[dt.date] = []
    if new_start != pause.start_date:
        affected.append(min(new_start, pause.start_date))
    if new_end != pause.end_date:
        affected.append(min(d for d in (new_end, pause.end_date) if d is not None) + ONE_DAY)
    for day in affected:
        window.ensure_open(day)
    _lock_customer(session, pause.customer_id)
    _ensure_no_overlap(
        session,
        customer_id=pause.customer_id,
        subscription_id=pause.subscription_id,
        start_date=new_start,
        end_date=new_end,
        except_id=pause.id,
    )
    pause.start_date = new_start
    pause.end_date = new_end
    if "reason" in changes:
        pause.reason = changes["reason"].strip() if changes["reason"] else None
    session.flush()
    first = min(affected) if affected else window.today
    resynced = _resync(session, window, _pause_scope(pause), first) if affected else {}
    _record(
        session,
        actor,
        "pause.update",
        "pause",
        pause.id,
        customer_id=pause.customer_id,
        window=window,
        first_affected=first,
        before=before,
        after=audit.snapshot(pause),
        resynced=resynced,
    )
    return pause


def delete_pause(
    session: Session,
    pause_id: int,
    actor: audit.Actor,
    window: Window,
    *,
    customer_id: int | None = None,
) -> None:
    """Call off a pause that has not started; one that has is resumed by setting its end."""
    pause = queries.get_pause(session, pause_id, customer_id=customer_id)
    if pause.start_date < window.today:
        raise Conflict(
            f"Pause {pause.id} started on {pause.start_date}; resume it by setting its end date",
            code="pause_started",
        )
    window.ensure_open(pause.start_date)
    before = audit.snapshot(pause)
    scope, start, end = _pause_scope(pause), pause.start_date, pause.end_date
    session.delete(pause)
    session.flush()
    resynced = _resync(session, window, scope, start, end)
    _record(
        session,
        actor,
        "pause.delete",
        "pause",
        pause_id,
        customer_id=before["customer_id"],
        window=window,
        first_affected=start,
        before=before,
        after=None,
        resynced=resynced,
    )


# --- overrides --------------------------------------------------------------------------------


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
    """That date's quantity (0 skips it), scheduled day or not, within the subscription's dates."""
    subscription = queries.get_subscription(session, subscription_id, customer_id=customer_id)
    if not (
        subscription.start_date <= day
        and (subscription.end_date is None or day <= subscription.end_date)
    ):
        until = f"to {subscription.end_date}" if subscription.end_date else "on"
        raise InvalidInput(
            f"{day} is outside the subscription ({subscription.start_date} {until})",
            code="date_outside_subscription",
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
    resynced = _resync(
        session, window, generate.Scope(subscription_ids=(subscription_id,)), day, day
    )
    _record(
        session,
        actor,
        "override.set",
        "override",
        override.id,
        customer_id=subscription.customer_id,
        window=window,
        first_affected=day,
        before=before,
        after=audit.snapshot(override),
        resynced=resynced,
    )
    return override


def clear_override(
    session: Session,
    subscription_id: int,
    day: dt.date,
    actor: audit.Actor,
    window: Window,
    *,
    customer_id: int | None = None,
) -> None:
    """Back to the schedule on that date."""
    subscription = queries.get_subscription(session, subscription_id, customer_id=customer_id)
    override = queries.get_override(session, subscription_id, day)
    if override is None:
        raise NotFound(
            f"Subscription {subscription_id} has no override on {day}", code="override_not_found"
        )
    window.ensure_open(day)
    before = audit.snapshot(override)
    session.delete(override)
    session.flush()
    resynced = _resync(
        session, window, generate.Scope(subscription_ids=(subscription_id,)), day, day
    )
    _record(
        session,
        actor,
        "override.clear",
        "override",
        before["id"],
        customer_id=subscription.customer_id,
        window=window,
        first_affected=day,
        before=before,
        after=None,
        resynced=resynced,
    )
