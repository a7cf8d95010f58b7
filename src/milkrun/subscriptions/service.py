"""Subscriptions and their dated term changes.

Every use case here: checks the input; checks the cut-off window of the caller
(``milkrun.cutoff``) for the first delivery date the change affects; writes; and returns the
``Change`` it made (``bookkeeping``), whose orders are re-synced and whose one audit event is
written above, in ``milkrun.orders.changes``. Pauses are in ``pauses``, one-day changes in
``overrides``.

Their names end in ``_unsynced``: each does only the subscription's half of a change, and a
caller wants the whole (``orders.changes.create_subscription`` and its siblings, which re-sync
the orders and write the audit event). Only ``orders.changes`` calls them (tests/test_layers.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from milkrun.audit import service as audit
from milkrun.catalog import queries as catalog_queries
from milkrun.catalog.errors import UnknownProduct
from milkrun.catalog.models import Product
from milkrun.customers import queries as customer_queries
from milkrun.customers.models import Customer
from milkrun.cutoff import Window
from milkrun.subscriptions import bookkeeping, queries, validity
from milkrun.subscriptions.bookkeeping import Affected, Change, Deliveries, Event
from milkrun.subscriptions.errors import (
    CustomerInactive,
    EffectiveAfterEnd,
    NothingToChange,
    ProductInactive,
    ProductNotPriced,
    QuantityNeedsSchedule,
)
from milkrun.subscriptions.models import (
    WEEKDAYS,
    ScheduleKind,
    Subscription,
    SubscriptionTerms,
)
from milkrun.subscriptions.schedule import Schedule, day_number
from milkrun.subscriptions.schemas import (
    SubscriptionCreate,
    SubscriptionUpdate,
    schedule_out,
)

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
        raise CustomerInactive(f"Customer {customer_id} is not active")
    return customer


def ensure_product_sold(session: Session, product_id: int, on: dt.date) -> Product:
    """A product can be ordered when it exists, is active and has a price on the date."""
    product = session.get(Product, product_id)
    if product is None:
        raise UnknownProduct(f"There is no product {product_id}")
    if not product.is_active:
        raise ProductInactive(f"{product.name} ({product.sku}) is no longer sold")
    if catalog_queries.price_on(session, product_id, on) is None:
        raise ProductNotPriced(f"{product.name} ({product.sku}) has no price on {on}")
    return product


# --- audit snapshots ------------------------------------------------------------------------------


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


def create_subscription_unsynced(
    session: Session, data: SubscriptionCreate, actor: audit.Actor, window: Window
) -> Change[Subscription]:
    """A subscription starts on a date the caller may still change, for an active customer, with
    a product on sale and priced on the start date."""
    active_customer(session, data.customer_id)
    bookkeeping.ensure_span(data.start_date, data.end_date)
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
    validity.link(session, subscription.id)
    event = Event(
        "subscription.create",
        "subscription",
        subscription.id,
        customer_id=subscription.customer_id,
        first_affected=data.start_date,
        before=None,
        after=_snapshot(subscription, [terms]),
    )
    return Change(subscription, event, _from(subscription, data.start_date))


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
        elif row.anchor_date > row.effective_from:
            # First terms whose rhythm counts from a later change (the start was moved past
            # it, then back): count from whole intervals earlier, the same delivery days.
            behind = (row.anchor_date - row.effective_from).days
            back = dt.timedelta(days=-(-behind // row.interval_days) * row.interval_days)
            row.anchor_date = row.anchor_date - back
            row.anchor_day = day_number(row.anchor_date)
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
        raise QuantityNeedsSchedule(
            "A weekdays schedule has a quantity per weekday: send a schedule",
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


def change_subscription_unsynced(
    session: Session,
    subscription_id: int,
    data: SubscriptionUpdate,
    actor: audit.Actor,
    window: Window,
    *,
    customer_id: int | None = None,
) -> Change[Subscription]:
    """Change a subscription from a date on (see ``SubscriptionUpdate``); nothing before the
    first date the change affects is rewritten, and that date must be open to the caller."""
    subscription = queries.get_subscription(session, subscription_id, customer_id=customer_id)
    changes = data.changes()
    rows = _terms(session, subscription)
    before = _snapshot(subscription, rows)
    affected: list[dt.date] = []

    new_start = changes.get("start_date", subscription.start_date)
    new_end = changes.get("end_date", subscription.end_date)
    bookkeeping.ensure_span(new_start, new_end)
    if new_start != subscription.start_date:
        first = min(new_start, subscription.start_date)
        window.ensure_open(first)
        in_force = [r for r in rows if r.effective_from <= new_start] or rows[:1]
        ensure_product_sold(session, in_force[-1].product_id, new_start)
        rows = _move_start(session, subscription, rows, new_start)
        affected.append(first)
    if new_end != subscription.end_date:
        ends = [d for d in (new_end, subscription.end_date) if d is not None]
        first = min(ends) + bookkeeping.ONE_DAY
        window.ensure_open(first)
        subscription.end_date = new_end
        affected.append(first)

    dated = any(
        getattr(data, field) is not None
        for field in ("schedule", "quantity", "product_id", "shift")
    )
    if data.effective_from is not None and not dated:
        raise NothingToChange(
            "effective_from needs a change to go with it: schedule, quantity, product_id or shift",
        )
    if dated:
        effective = max(data.effective_from or window.first_open, subscription.start_date)
        window.ensure_open(effective)
        if subscription.end_date is not None and effective > subscription.end_date:
            raise EffectiveAfterEnd(
                f"The subscription ends on {subscription.end_date}, before {effective}",
            )
        if data.product_id is not None:
            ensure_product_sold(session, data.product_id, effective)
        _apply_dated_change(session, subscription, rows, effective, data, actor)
        affected.append(effective)
    validity.link(session, subscription.id)
    if not affected:
        return Change(subscription, None, None)

    since = min(affected)
    session.refresh(subscription)
    event = Event(
        "subscription.change",
        "subscription",
        subscription.id,
        customer_id=subscription.customer_id,
        first_affected=since,
        before=before,
        after=_snapshot(subscription, _terms(session, subscription)),
    )
    return Change(subscription, event, _from(subscription, since))


def _from(subscription: Subscription, since: dt.date) -> Affected:
    return Affected(Deliveries(subscription_ids=(subscription.id,)), since)
