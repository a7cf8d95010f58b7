"""Materialization: the orders of a date, made from the subscriptions due on it, in set-based SQL.

For date D the *due* relation has one row per subscription that delivers on D (the rules of
``milkrun.subscriptions.schedule``, stated here as one SELECT): the subscription runs on D, its
customer is active, no pause covers D, and the override for D or else the terms in force on D
give a quantity above 0; the product of those terms is active and has a price on D (the latest
``effective_from`` on or before D, as ``catalog.queries.prices_on``). Each due row carries the
customer's route and the terms' shift.

Syncing D makes the orders agree with it, touching only orders that are still open (status
``scheduled`` or ``cancelled``) and on no invoice, so delivered or marked orders never change:

- a due subscription without an order gets one (INSERT ... SELECT)             → created
- an open order that differs (quantity, product, price, shift, route, or it was
  cancelled) is brought in line, and scheduled again (UPDATE ... FROM)          → updated
- a scheduled order whose subscription is no longer due is cancelled           → cancelled
- the rest is left alone                                                       → unchanged

A handful of statements whatever the number of subscriptions, never one per subscription;
running it twice changes nothing. A dry run counts without writing. The same code re-syncs a
single subscription or customer after a change before the cut-off (``resync``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    Table,
    and_,
    case,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit import service as audit
from milkrun.catalog.models import Product, ProductPrice
from milkrun.customers.models import Customer
from milkrun.db.types import UTCDateTime
from milkrun.orders.models import MaterializationRun, Order, OrderStatus
from milkrun.subscriptions.models import (
    WEEKDAYS,
    Override,
    Pause,
    ScheduleKind,
    Subscription,
    SubscriptionTerms,
)
from milkrun.subscriptions.schedule import day_number

ORDERS = cast(Table, Order.__table__)
# pg_advisory_xact_lock(class, day): one materialization of a date at a time on PostgreSQL
# (SQLite writers are serialized by BEGIN IMMEDIATE already).
_LOCK_CLASS = 0x6D72  # "mr"
_OPEN = (OrderStatus.scheduled.value, OrderStatus.cancelled.value)


@dataclass(frozen=True)
class Scope:
    """Which subscriptions a sync covers: all (the day's run), some, or one customer's."""

    subscription_ids: tuple[int, ...] | None = None
    customer_id: int | None = None

    @property
    def is_everything(self) -> bool:
        return self.subscription_ids is None and self.customer_id is None


EVERYTHING = Scope()


@dataclass(frozen=True)
class Counts:
    created: int = 0
    updated: int = 0
    cancelled: int = 0
    unchanged: int = 0

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated or self.cancelled)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class Report:
    date: dt.date
    dry_run: bool
    counts: Counts


def due_on(day: dt.date, scope: Scope = EVERYTHING) -> Select[Any]:
    """The due relation of ``day``: (subscription_id, customer_id, product_id, shift, route_id,
    quantity, unit_price_paise), one row per subscription that delivers on ``day``."""
    s, t, c, p, o = Subscription, SubscriptionTerms, Customer, Product, Override
    in_force = (
        select(
            SubscriptionTerms.subscription_id,
            func.max(SubscriptionTerms.effective_from).label("since"),
        )
        .where(SubscriptionTerms.effective_from <= day)
        .group_by(SubscriptionTerms.subscription_id)
        .subquery("in_force")
    )
    # The price on the date: the latest effective_from on or before it (catalog.queries.prices_on).
    price_since = (
        select(ProductPrice.product_id, func.max(ProductPrice.effective_from).label("since"))
        .where(ProductPrice.effective_from <= day)
        .group_by(ProductPrice.product_id)
        .subquery("price_since")
    )
    price = (
        select(ProductPrice.product_id, ProductPrice.price_paise)
        .join(
            price_since,
            and_(
                ProductPrice.product_id == price_since.c.product_id,
                ProductPrice.effective_from == price_since.c.since,
            ),
        )
        .subquery("price")
    )
    weekday_quantity = getattr(t, f"{WEEKDAYS[day.weekday()]}_quantity")
    scheduled = case(
        (t.kind == ScheduleKind.weekdays.value, weekday_quantity),
        (
            (literal(day_number(day), Integer) - t.anchor_day) % t.interval_days == 0,
            t.quantity,
        ),
        else_=0,
    )
    quantity = func.coalesce(o.quantity, scheduled)
    # Pauses covering the date: a small set, looked up once (not once per subscription).
    covering = and_(Pause.start_date <= day, or_(Pause.end_date.is_(None), Pause.end_date >= day))
    paused_customers = select(Pause.customer_id).where(covering, Pause.subscription_id.is_(None))
    paused_subscriptions = select(Pause.subscription_id).where(
        covering, Pause.subscription_id.is_not(None)
    )
    statement = (
        select(
            s.id.label("subscription_id"),
            s.customer_id.label("customer_id"),
            t.product_id.label("product_id"),
            t.shift.label("shift"),
            c.route_id.label("route_id"),
            quantity.label("quantity"),
            price.c.price_paise.label("unit_price_paise"),
        )
        .select_from(s)
        .join(c, c.id == s.customer_id)
        .join(in_force, in_force.c.subscription_id == s.id)
        .join(t, and_(t.subscription_id == s.id, t.effective_from == in_force.c.since))
        .join(p, p.id == t.product_id)
        .join(price, price.c.product_id == t.product_id)
        .outerjoin(o, and_(o.subscription_id == s.id, o.delivery_date == day))
        .where(
            s.start_date <= day,
            or_(s.end_date.is_(None), s.end_date >= day),
            c.is_active,
            p.is_active,
            s.customer_id.not_in(paused_customers),
            s.id.not_in(paused_subscriptions),
            quantity > 0,
        )
    )
    if scope.subscription_ids is not None:
        statement = statement.where(s.id.in_(scope.subscription_ids))
    if scope.customer_id is not None:
        statement = statement.where(s.customer_id == scope.customer_id)
    return statement


def _orders_in_scope(day: dt.date, scope: Scope) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        ORDERS.c.delivery_date == day,
        ORDERS.c.subscription_id.is_not(None),
    ]
    if scope.subscription_ids is not None:
        conditions.append(ORDERS.c.subscription_id.in_(scope.subscription_ids))
    if scope.customer_id is not None:
        conditions.append(ORDERS.c.customer_id == scope.customer_id)
    return conditions


def _lock_day(session: Session, day: dt.date) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(:class_id, :day)"),
            {"class_id": _LOCK_CLASS, "day": day_number(day)},
        )


def _room_to_sort(session: Session) -> None:
    """A whole day's sync sorts and hashes ~100k rows: let PostgreSQL do it in memory (for this
    transaction only) instead of spilling to disk at the default 4 MB."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL work_mem = '64MB'"))


def sync_day(
    session: Session, day: dt.date, scope: Scope = EVERYTHING, *, dry_run: bool = False
) -> Counts:
    """Make the open orders of ``day`` (within ``scope``) agree with what is due; see the module
    docstring. With ``dry_run`` only count."""
    session.flush()
    _lock_day(session, day)
    if scope.is_everything:
        _room_to_sort(session)
    in_scope = _orders_in_scope(day, scope)
    any_orders = session.scalar(select(exists().where(*in_scope)))
    due = due_on(day, scope).subquery("due")

    if not any_orders:
        # The common first run of a day: everything due is new.
        if dry_run:
            return Counts(created=session.scalar(select(func.count()).select_from(due)) or 0)
        return Counts(created=_insert_missing(session, day, due))

    order = ORDERS.alias("existing")
    is_open = and_(order.c.invoice_id.is_(None), order.c.status.in_(_OPEN))
    differs = or_(
        order.c.status == OrderStatus.cancelled.value,
        order.c.quantity != due.c.quantity,
        order.c.product_id != due.c.product_id,
        order.c.shift != due.c.shift,
        order.c.unit_price_paise != due.c.unit_price_paise,
        order.c.route_id.is_distinct_from(due.c.route_id),
    )
    stays_scheduled = and_(
        order.c.invoice_id.is_(None), order.c.status == OrderStatus.scheduled.value
    )
    tally = session.execute(
        select(
            func.count().label("due"),
            func.coalesce(func.sum(case((order.c.id.is_(None), 1), else_=0)), 0),
            func.coalesce(func.sum(case((and_(is_open, differs), 1), else_=0)), 0),
            func.coalesce(func.sum(case((stays_scheduled, 1), else_=0)), 0),
        ).select_from(
            due.outerjoin(
                order,
                and_(
                    order.c.subscription_id == due.c.subscription_id,
                    order.c.delivery_date == day,
                ),
            )
        )
    ).one()
    total_due, missing, changing, kept = (int(v) for v in tally)
    scheduled_now = (
        session.scalar(
            select(func.count())
            .select_from(ORDERS)
            .where(
                *in_scope,
                ORDERS.c.status == OrderStatus.scheduled.value,
                ORDERS.c.invoice_id.is_(None),
            )
        )
        or 0
    )
    cancelling = scheduled_now - kept
    unchanged = total_due - missing - changing
    if dry_run:
        return Counts(missing, changing, cancelling, unchanged)

    now = clock.now()
    created = _insert_missing(session, day, due) if missing else 0
    updated = 0
    if changing:
        updated = _rowcount(
            session.execute(
                update(ORDERS)
                .where(
                    ORDERS.c.subscription_id == due.c.subscription_id,
                    ORDERS.c.delivery_date == day,
                    ORDERS.c.invoice_id.is_(None),
                    ORDERS.c.status.in_(_OPEN),
                    or_(
                        ORDERS.c.status == OrderStatus.cancelled.value,
                        ORDERS.c.quantity != due.c.quantity,
                        ORDERS.c.product_id != due.c.product_id,
                        ORDERS.c.shift != due.c.shift,
                        ORDERS.c.unit_price_paise != due.c.unit_price_paise,
                        ORDERS.c.route_id.is_distinct_from(due.c.route_id),
                    ),
                )
                .values(
                    quantity=due.c.quantity,
                    product_id=due.c.product_id,
                    shift=due.c.shift,
                    unit_price_paise=due.c.unit_price_paise,
                    route_id=due.c.route_id,
                    status=OrderStatus.scheduled.value,
                    updated_at=now,
                )
            )
        )
    cancelled = 0
    if cancelling:
        still_due = due_on(day, scope).subquery("still_due")
        cancelled = _rowcount(
            session.execute(
                update(ORDERS)
                .where(
                    *in_scope,
                    ORDERS.c.status == OrderStatus.scheduled.value,
                    ORDERS.c.invoice_id.is_(None),
                    ~exists().where(still_due.c.subscription_id == ORDERS.c.subscription_id),
                )
                .values(status=OrderStatus.cancelled.value, updated_at=now)
            )
        )
    _expire_orders(session)
    return Counts(created, updated, cancelled, unchanged)


def _insert_missing(session: Session, day: dt.date, due: Any) -> int:
    existing = ORDERS.alias("existing")
    now = literal(clock.now(), UTCDateTime())
    rows = (
        select(
            due.c.customer_id,
            due.c.product_id,
            due.c.subscription_id,
            literal(day),
            due.c.shift,
            due.c.quantity,
            due.c.unit_price_paise,
            due.c.route_id,
            literal(OrderStatus.scheduled.value),
            now,
            now,
        )
        .select_from(
            due.outerjoin(
                existing,
                and_(
                    existing.c.subscription_id == due.c.subscription_id,
                    existing.c.delivery_date == day,
                ),
            )
        )
        .where(existing.c.id.is_(None))
        # In key order: the unique index on (subscription_id, delivery_date) grows at its end.
        .order_by(due.c.subscription_id)
    )
    result = session.execute(
        insert(ORDERS)
        .from_select(
            [
                "customer_id",
                "product_id",
                "subscription_id",
                "delivery_date",
                "shift",
                "quantity",
                "unit_price_paise",
                "route_id",
                "status",
                "created_at",
                "updated_at",
            ],
            rows,
        )
        .execution_options(preserve_rowcount=True)
    )
    return _rowcount(result)


def _rowcount(result: Any) -> int:
    return int(result.rowcount)


def _expire_orders(session: Session) -> None:
    """Bulk statements bypass the identity map: forget any Order loaded in this session."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Order):
            session.expire(obj)


def materialize(
    session: Session,
    day: dt.date,
    actor: audit.Actor,
    *,
    dry_run: bool = False,
    trigger: str = "api",
) -> Report:
    """Materialize ``day``: sync all of its subscription orders. A real run is recorded (the
    scheduler's catch-up looks for it) and audited; a dry run changes nothing."""
    started = clock.now()
    counts = sync_day(session, day, EVERYTHING, dry_run=dry_run)
    if dry_run:
        return Report(day, True, counts)
    run = MaterializationRun(
        delivery_date=day,
        trigger=trigger,
        actor_user_id=actor.user_id,
        started_at=started,
        finished_at=clock.now(),
        **counts.as_dict(),
    )
    session.add(run)
    session.flush()
    audit.record(
        session,
        actor,
        "orders.generate",
        "materialization_run",
        run.id,
        after={"delivery_date": day, "trigger": trigger, **counts.as_dict()},
    )
    return Report(day, False, counts)


def materialize_if_missing(
    session: Session, day: dt.date, actor: audit.Actor, *, trigger: str
) -> Report | None:
    """Materialize ``day`` unless a run is recorded for it (the scheduler's catch-up). The check
    and the run are serialized per date, so concurrent schedulers run it once."""
    _lock_day(session, day)
    if is_generated(session, day):
        return None
    return materialize(session, day, actor, trigger=trigger)


def generated_dates(
    session: Session, since: dt.date, until: dt.date | None = None
) -> list[dt.date]:
    """Delivery dates from ``since`` (to ``until``) that have been materialized."""
    statement = select(MaterializationRun.delivery_date).where(
        MaterializationRun.delivery_date >= since
    )
    if until is not None:
        statement = statement.where(MaterializationRun.delivery_date <= until)
    return sorted(set(session.scalars(statement.distinct())))


def is_generated(session: Session, day: dt.date) -> bool:
    return bool(generated_dates(session, day, day))


def resync(
    session: Session, scope: Scope, since: dt.date, until: dt.date | None = None
) -> dict[str, dict[str, int]]:
    """After a change to ``scope`` affecting ``since`` (to ``until``): re-sync the dates already
    materialized, in the caller's transaction. Returns what changed, per date, for the audit."""
    changes: dict[str, dict[str, int]] = {}
    for day in generated_dates(session, since, until):
        counts = sync_day(session, day, scope)
        if counts.changed_anything:
            changes[day.isoformat()] = {
                k: v for k, v in counts.as_dict().items() if v and k != "unchanged"
            }
    return changes
