"""Syncing a date: making the orders of D agree with what is due on it (``due``).

Only orders that are still open (status ``scheduled`` or ``cancelled``) and on no invoice are
touched, so delivered or marked orders never change:

- a due subscription without an order gets one (INSERT ... SELECT)             → created
- an open order that differs (quantity, product, price, shift, route, or it was
  cancelled) is brought in line, and scheduled again (UPDATE ... FROM)          → updated
- a scheduled order whose subscription is no longer due is cancelled           → cancelled
- the rest is left alone                                                       → unchanged

A handful of statements whatever the number of subscriptions, never one per subscription;
running it twice changes nothing. A dry run counts without writing. Syncs of one date are
serialized (``lock_day``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
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
from milkrun.db import locks, statistics
from milkrun.db.types import UTCDateTime
from milkrun.orders.due import due_on
from milkrun.orders.models import Order, OrderStatus
from milkrun.subscriptions.bookkeeping import EVERYTHING, Deliveries

ORDERS = cast(Table, Order.__table__)
_OPEN = (OrderStatus.scheduled.value, OrderStatus.cancelled.value)


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


def _orders_in_scope(day: dt.date, scope: Deliveries) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        ORDERS.c.delivery_date == day,
        ORDERS.c.subscription_id.is_not(None),
    ]
    if scope.subscription_ids is not None:
        conditions.append(ORDERS.c.subscription_id.in_(scope.subscription_ids))
    if scope.customer_id is not None:
        conditions.append(ORDERS.c.customer_id == scope.customer_id)
    return conditions


def lock_day(session: Session, day: dt.date) -> None:
    """One materialization of a date at a time (``db.locks``)."""
    locks.hold_delivery_date(session, day)


def room_for_a_day(session: Session) -> None:
    """A whole day's sync (or its dry run, or the generation page's breakdown) sorts and hashes
    ~100k rows: let PostgreSQL do it in memory (for this transaction only) instead of spilling
    to disk at the default 4 MB. And no JIT: compiling a statement that runs in well under a
    second (its cost is high only because the day is big) took longer than it saved."""
    statistics.room_to_sort(session, 64)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))


def sync_day(
    session: Session, day: dt.date, scope: Deliveries = EVERYTHING, *, dry_run: bool = False
) -> Counts:
    """Make the open orders of ``day`` (within ``scope``) agree with what is due; see the module
    docstring. With ``dry_run`` only count."""
    session.flush()
    lock_day(session, day)
    if scope.is_everything:
        room_for_a_day(session)
    in_scope = _orders_in_scope(day, scope)
    any_orders = session.scalar(select(exists().where(*in_scope)))
    due = due_on(day, scope).subquery("due")

    if not any_orders:
        # The common first run of a day: everything due is new.
        if dry_run:
            return Counts(created=session.scalar(select(func.count()).select_from(due)) or 0)
        return Counts(created=_insert_missing(session, day, due))

    if session.get_bind().dialect.name == "postgresql":
        total_due, missing, changing, cancelling = _tally_in_one(session, day, scope)
    else:
        total_due, missing, changing, cancelling = _tally(session, day, due, in_scope)
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
                    _differs(ORDERS, due),
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


def _differs(order: Any, due: Any) -> ColumnElement[bool]:
    """An open order that does not say what is due (or was cancelled and is due again)."""
    return or_(
        order.c.status == OrderStatus.cancelled.value,
        order.c.quantity != due.c.quantity,
        order.c.product_id != due.c.product_id,
        order.c.shift != due.c.shift,
        order.c.unit_price_paise != due.c.unit_price_paise,
        order.c.route_id.is_distinct_from(due.c.route_id),
    )


# What syncing does to one subscription order of the day (``what_sync_does``).
CREATE, CHANGE, CANCEL, KEEP = "create", "change", "cancel", "keep"


def _what_sync_does(order: Any, due: Any) -> ColumnElement[str | None]:
    """One row of what is due ``FULL JOIN`` the day's orders, in the module docstring's terms:
    ``create`` (due, no order), ``change`` (due, its open order differs), ``keep`` (due, the
    order agrees or is not open), ``cancel`` (a scheduled order on no invoice, no longer due);
    NULL for an order no longer due that is not scheduled (delivered, marked, invoiced)."""
    is_open = and_(order.c.invoice_id.is_(None), order.c.status.in_(_OPEN))
    stays_scheduled = and_(
        order.c.invoice_id.is_(None), order.c.status == OrderStatus.scheduled.value
    )
    return case(
        (order.c.id.is_(None), CREATE),
        (
            due.c.subscription_id.is_not(None),
            case((and_(is_open, _differs(order, due)), CHANGE), else_=KEEP),
        ),
        (stays_scheduled, CANCEL),
    )


def what_sync_does(
    session: Session,
    day: dt.date,
    scope: Deliveries = EVERYTHING,
    *,
    per_line: bool = False,
    any_orders: bool | None = None,
) -> list[tuple[Any, ...]]:
    """What syncing ``day`` (within ``scope``) would do, counted in one statement: rows of
    (what, how many), or with ``per_line`` (route_id, product_id, what, how many), the route
    and product being what is due or else the order's. PostgreSQL, or SQLite from 3.39 (full
    joins). A day without orders (``any_orders`` false) is counted from the due relation alone:
    everything due is created."""
    due = due_on(day, scope).subquery("due")
    in_scope = _orders_in_scope(day, scope)
    if any_orders is None:
        any_orders = bool(session.scalar(select(exists().where(*in_scope))))
    if not any_orders:
        keys: list[Any] = [due.c.route_id, due.c.product_id] if per_line else []
        return [
            tuple(row)
            for row in session.execute(
                select(*keys, literal(CREATE), func.count()).select_from(due).group_by(*keys)
            )
        ]
    order = select(ORDERS).where(*in_scope).subquery("day_orders")
    what = _what_sync_does(order, due)
    keys = (
        [
            func.coalesce(due.c.route_id, order.c.route_id),
            func.coalesce(due.c.product_id, order.c.product_id),
        ]
        if per_line
        else []
    )
    # A full join is a hash (or merge) join whatever the estimates say, so a plan made on
    # statistics from before the day's orders existed cannot probe the orders once per due
    # subscription.
    joined = due.join(order, order.c.subscription_id == due.c.subscription_id, full=True)
    return [
        tuple(row)
        for row in session.execute(
            select(*keys, what, func.count()).select_from(joined).group_by(*keys, what)
        )
    ]


def _tally_in_one(session: Session, day: dt.date, scope: Deliveries) -> tuple[int, int, int, int]:
    """(due, missing, changing, cancelling) from ``what_sync_does`` (PostgreSQL; SQLite has
    full joins only from 3.39)."""
    counted = {what: int(n) for what, n in what_sync_does(session, day, scope, any_orders=True)}
    missing, changing = counted.get(CREATE, 0), counted.get(CHANGE, 0)
    return missing + changing + counted.get(KEEP, 0), missing, changing, counted.get(CANCEL, 0)


def _tally(
    session: Session, day: dt.date, due: Any, in_scope: list[ColumnElement[bool]]
) -> tuple[int, int, int, int]:
    """(due, missing, changing, cancelling): what is due left-joined to its orders, and the
    day's scheduled orders counted apart."""
    order = ORDERS.alias("existing")
    is_open = and_(order.c.invoice_id.is_(None), order.c.status.in_(_OPEN))
    stays_scheduled = and_(
        order.c.invoice_id.is_(None), order.c.status == OrderStatus.scheduled.value
    )
    tally = session.execute(
        select(
            func.count().label("due"),
            func.coalesce(func.sum(case((order.c.id.is_(None), 1), else_=0)), 0),
            func.coalesce(func.sum(case((and_(is_open, _differs(order, due)), 1), else_=0)), 0),
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
    return total_due, missing, changing, scheduled_now - kept


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
