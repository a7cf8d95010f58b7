"""The day close: every delivery day is closed once it is over, and no order of it stays unmarked
without the owner being told.

Closing day D resolves each order of D still unmarked (``scheduled``) by the dairy's policy
(``settings.day_close_policy``): marked ``delivered`` (the whole quantity; most dairies bill
unless told otherwise) or ``not_delivered`` (reason ``other``), each mark recorded by the day
close itself (``delivery_statuses.recorded_by_close_id``) and audited with the system as the
actor, never a person; or, with ``review``, left unmarked on the owner's review list
(``review_list``) until someone marks them. A record of the close (``periods.DayClose``) says
what it did, per outcome.

Set-based: the orders' UPDATE, an INSERT ... SELECT for the statuses and one for the audit
events (a single statement on PostgreSQL), whatever the size of the day, planned on fresh
statistics of the orders and statuses it reads (``statistics.refresh_stale``). Idempotent: a
second close of D resolves only what is still unmarked (nothing, usually) and adds it to the
record.
The close of D and the generation of D's orders are serialized (the day's lock).

The server closes each day at ``settings.day_close_time`` on the next day, catching up on any
day missed while it was down (``catch_up``, run by the scheduler); ``milkrun deliveries close
--date D`` closes a day at will.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    Select,
    Table,
    and_,
    exists,
    func,
    insert,
    literal,
    literal_column,
    null,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit import service as audit
from milkrun.audit.models import AuditEvent
from milkrun.config import Settings
from milkrun.db import statistics
from milkrun.db.session import Database
from milkrun.deliveries.models import DeliveryStatus
from milkrun.orders.models import Order, OrderStatus
from milkrun.orders.sync import lock_day
from milkrun.periods.errors import DayNotOver
from milkrun.periods.models import DayClose

log = logging.getLogger("milkrun.scheduler")
SYSTEM_LABEL = "day close"
# How far back the scheduler closes days it missed.
CATCH_UP_DAYS = 7
NOT_MARKED = "not marked by the end of the day: resolved by the day close"
STATUSES = cast(Table, DeliveryStatus.__table__)
EVENTS = cast(Table, AuditEvent.__table__)


@dataclass(frozen=True)
class Closed:
    """What one run of a day's close did (``record`` holds the totals over every run)."""

    record: DayClose
    delivered: int
    not_delivered: int
    review: int

    @property
    def resolved(self) -> int:
        return self.delivered + self.not_delivered


def system_actor(trigger: str, *, requested_by: audit.Actor | None = None) -> audit.Actor:
    """The day close's own actor in the trail: the system, not a person (who asked for a close
    by hand is named in the label and the request id is kept)."""
    label = SYSTEM_LABEL
    if requested_by is not None:
        label = f"{SYSTEM_LABEL} (asked by {requested_by.label})"[:160]
    return audit.Actor(
        user_id=None,
        label=label,
        channel="scheduler" if trigger == "catch_up" else trigger,
        request_id=requested_by.request_id if requested_by is not None else None,
    )


def close_at(day: dt.date, settings: Settings) -> dt.datetime:
    """When ``day`` closes: ``day_close_time`` on the next day, in the dairy's zone."""
    return dt.datetime.combine(day + dt.timedelta(days=1), settings.day_close_time, settings.zone)


def close_day(
    session: Session,
    day: dt.date,
    actor: audit.Actor,
    settings: Settings,
    *,
    trigger: str = "cli",
    today: dt.date | None = None,
) -> Closed:
    """Close ``day``: resolve its unmarked orders by the dairy's policy (see the module
    docstring). A day that is not over yet (today or later) is refused (409 ``day_not_over``)."""
    today = today or clock.today(settings.zone)
    if day >= today:
        raise DayNotOver(
            f"{day.isoformat()} is not over yet: a delivery day can be closed from the next day on"
        )
    policy = settings.day_close_policy
    lock_day(session, day)
    # What the close reads is planned on fresh statistics (a day materialized or imported in
    # bulk since the last ANALYZE): see db.statistics.
    statistics.refresh_stale(session, Order.__tablename__, DeliveryStatus.__tablename__)
    now = clock.now()
    record = session.scalar(select(DayClose).where(DayClose.delivery_date == day))
    first_close = record is None
    if record is None:
        record = DayClose(
            delivery_date=day,
            policy=policy,
            trigger=trigger,
            actor_user_id=actor.user_id,
            first_closed_at=now,
            closed_at=now,
        )
        session.add(record)
        session.flush()
    delivered = not_delivered = review = 0
    if policy == "review":
        unmarked = and_(Order.delivery_date == day, Order.status == OrderStatus.scheduled.value)
        review = int(session.scalar(select(func.count(Order.id)).where(unmarked)) or 0)
    else:
        resolved = _resolve(session, day, record.id, policy, actor, now)
        delivered, not_delivered = (resolved, 0) if policy == "delivered" else (0, resolved)
    marked = int(
        session.scalar(
            select(func.count(DeliveryStatus.id))
            .join(Order, Order.id == DeliveryStatus.order_id)
            .where(Order.delivery_date == day, DeliveryStatus.recorded_by_close_id.is_(None))
        )
        or 0
    )
    if not first_close and delivered + not_delivered == 0 and review == record.review:
        return Closed(record, 0, 0, review)  # closed already, and nothing new: no change
    record.policy = policy
    record.trigger = trigger
    record.actor_user_id = actor.user_id
    record.closed_at = now
    record.delivered += delivered
    record.not_delivered += not_delivered
    record.review = review
    record.marked = marked
    session.flush()
    audit.record(
        session,
        actor,
        "day.close",
        "day_close",
        record.id,
        after={
            "delivery_date": day,
            "policy": policy,
            "trigger": trigger,
            "delivered": delivered,
            "not_delivered": not_delivered,
            "review": review,
            "marked": marked,
        },
    )
    return Closed(record, delivered, not_delivered, review)


STATUS_COLUMNS = [
    "order_id",
    "customer_id",
    "status",
    "quantity_delivered",
    "reason",
    "notes",
    "recorded_by_close_id",
    "recorded_at",
    "created_at",
    "updated_at",
    "version",
]
EVENT_COLUMNS = [
    "occurred_at",
    "actor_label",
    "channel",
    "action",
    "entity_type",
    "entity_id",
    "customer_id",
    "order_id",
    "before",
    "after",
]


def _resolve(
    session: Session,
    day: dt.date,
    close_id: int,
    policy: str,
    actor: audit.Actor,
    now: dt.datetime,
) -> int:
    """Mark the day's unmarked orders by ``policy`` — the order's status, a status row naming
    the close, a ``delivery.close`` event each — and return how many.

    On PostgreSQL one statement: the orders' UPDATE returns the rows it moved and both INSERTs
    read them, so no step depends on the planner's estimate of rows this close just wrote, and
    an order a person marked meanwhile (it holds the row's lock, then is no longer scheduled) is
    neither moved nor recorded. SQLite (one writer at a time) runs the same three steps in turn."""
    unmarked = and_(Order.delivery_date == day, Order.status == OrderStatus.scheduled.value)
    move = update(Order).where(unmarked).values(status=policy, updated_at=now)
    if session.get_bind().dialect.name == "postgresql":
        moved = move.returning(
            Order.id, Order.customer_id, Order.quantity, Order.delivery_date
        ).cte("moved")
        statuses = (
            postgresql.insert(STATUSES)
            .from_select(STATUS_COLUMNS, _statuses(moved.c, close_id, policy, now))
            .on_conflict_do_nothing(index_elements=[STATUSES.c.order_id])
            .cte("statuses")
        )
        events = (
            insert(EVENTS)
            .from_select(EVENT_COLUMNS, _events(session, moved.c, policy, actor, now))
            .cte("events")
        )
        counted = select(func.count()).select_from(moved).add_cte(statuses, events)
        return int(session.scalar(counted) or 0)
    # An unmarked order has no status row (a mark writes both at once); ON CONFLICT covers a
    # mark racing the close.
    session.execute(
        sqlite.insert(STATUSES)
        .from_select(
            STATUS_COLUMNS, _statuses(Order.__table__.c, close_id, policy, now).where(unmarked)
        )
        .on_conflict_do_nothing(index_elements=[STATUSES.c.order_id])
    )
    result = session.execute(move, execution_options={"synchronize_session": False})
    moved_count = int(getattr(result, "rowcount", 0) or 0)
    if not moved_count:
        return 0
    closed_now = and_(
        Order.delivery_date == day,
        Order.status == policy,
        Order.updated_at == now,
        # Its status is the close's (a person's mark at the same instant is not).
        exists().where(
            DeliveryStatus.order_id == Order.id, DeliveryStatus.recorded_by_close_id == close_id
        ),
    )
    session.execute(
        insert(EVENTS).from_select(
            EVENT_COLUMNS,
            _events(session, Order.__table__.c, policy, actor, now).where(closed_now),
        )
    )
    return moved_count


def _statuses(orders: Any, close_id: int, policy: str, now: dt.datetime) -> Select[Any]:
    """The status rows of the close's marks, from ``orders`` (id, customer_id, quantity)."""
    at = STATUSES.c.recorded_at.type
    is_delivered = policy == "delivered"
    return select(
        orders.id,
        orders.customer_id,
        literal(policy),
        orders.quantity if is_delivered else literal(0),
        null() if is_delivered else literal("other"),
        literal(NOT_MARKED),
        literal(close_id),
        literal(now, at),
        literal(now, at),
        literal(now, at),
        literal(1),
    )


def _json(session: Session, **fields: Any) -> Any:
    """A JSON object built in SQL from constant keys and column (or constant) values."""
    name = "json_build_object" if session.get_bind().dialect.name == "postgresql" else "json_object"
    pairs: list[Any] = []
    for key, value in fields.items():
        pairs += [literal_column(f"'{key}'"), value]
    return getattr(func, name)(*pairs)


def _events(
    session: Session, orders: Any, policy: str, actor: audit.Actor, now: dt.datetime
) -> Select[Any]:
    """One ``delivery.close`` event per order the close marked, from ``orders`` (id,
    customer_id, quantity, delivery_date)."""
    before = _json(
        session,
        status=literal_column(f"'{OrderStatus.scheduled.value}'"),
        quantity_delivered=null(),
        reason=null(),
        notes=null(),
    )
    after = _json(
        session,
        status=literal_column(f"'{policy}'"),
        quantity_delivered=orders.quantity if policy == "delivered" else literal_column("0"),
        reason=null() if policy == "delivered" else literal_column("'other'"),
        notes=literal_column(f"'{NOT_MARKED}'"),
        quantity=orders.quantity,
        delivery_date=orders.delivery_date,
    )
    return select(
        literal(now, EVENTS.c.occurred_at.type),
        literal(actor.label),
        literal(actor.channel),
        literal("delivery.close"),
        literal("order"),
        orders.id,
        orders.customer_id,
        orders.id,
        before,
        after,
    )


def dates_to_close(
    session: Session, settings: Settings, now: dt.datetime | None = None
) -> list[dt.date]:
    """The days whose close time has passed and that have no close yet: every earlier day of the
    last ``CATCH_UP_DAYS`` with unmarked orders and no close (missed while the server was down),
    and the latest such day (closed even when it had no orders, so that a month's last day
    always closes). Older days are not closed behind the owner's back (a database upgraded with
    months of unmarked history, say): reconciliation lists their orders, and a person closes
    them (``milkrun deliveries close --date D``)."""
    now = now or clock.now()
    latest = now.astimezone(settings.zone).date() - dt.timedelta(days=1)
    if close_at(latest, settings) > now:
        latest -= dt.timedelta(days=1)
    closed = select(DayClose.delivery_date)
    missed = session.scalars(
        select(Order.delivery_date)
        .where(
            Order.delivery_date < latest,
            Order.delivery_date >= latest - dt.timedelta(days=CATCH_UP_DAYS),
            Order.status == OrderStatus.scheduled.value,
            Order.delivery_date.not_in(closed),
        )
        .distinct()
    )
    days = set(missed)
    if session.scalar(select(DayClose.id).where(DayClose.delivery_date == latest)) is None:
        days.add(latest)
    return sorted(days)


def catch_up(database: Database, settings: Settings, trigger: str = "scheduler") -> list[Closed]:
    """Close every day of ``dates_to_close``, oldest first, one transaction per day (the
    scheduler's job: it runs at start and on every wake-up)."""
    with database.session_scope(write=False) as session:
        days = dates_to_close(session, settings)
    done = []
    for day in days:
        with database.session_scope(write=True) as session:
            closed = close_day(
                session, day, system_actor("scheduler"), settings, trigger="scheduler"
            )
        log.info(
            "closed %s (%s, %s): %s delivered, %s not delivered, %s for review",
            day,
            settings.day_close_policy,
            trigger,
            closed.delivered,
            closed.not_delivered,
            closed.review,
        )
        done.append(closed)
    return done
