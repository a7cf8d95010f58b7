"""Recording an order's delivery: the status row, the order's status and one audit event, or
nothing at all when the order already is as marked.

Each change is a conditional statement (``INSERT ... ON CONFLICT DO NOTHING`` for the first mark,
``UPDATE ... WHERE version = :seen`` for a correction), retried on a fresh read when another
writer got there first, so no update is lost and exactly one audit event is written per
effective change. The statements are built once (building one costs more than running it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from sqlalchemy import Select, Table, bindparam, select, update
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.adjustments import service as adjustment_service
from milkrun.audit import service as audit
from milkrun.auth.models import User
from milkrun.db import upserts
from milkrun.deliveries.errors import ConcurrentMark, OrderCancelled
from milkrun.deliveries.markers import Marker
from milkrun.deliveries.models import DeliveryOutcome, DeliveryStatus, NotDeliveredReason
from milkrun.deliveries.rules import Outcome
from milkrun.deliveries.schemas import MarkResult
from milkrun.links.models import SharedDeliveryLink
from milkrun.notify import outbox
from milkrun.orders.models import Order, OrderStatus

# Who recorded a status the day close wrote (no person: the system, on the dairy's policy).
DAY_CLOSE = "day close"
# How often a mark re-reads and tries again when another writer changed the order in between.
MAX_ATTEMPTS = 10
STATUSES = cast(Table, DeliveryStatus.__table__)
Reading = TypeVar("Reading", bound=Select[*tuple[Any, ...]])


@dataclass(frozen=True)
class Recorded:
    """An order's delivery status as stored, with the name of whoever recorded it."""

    outcome: Outcome
    version: int
    recorded_at: dt.datetime
    recorded_by: str
    user_id: int | None
    link_id: int | None


def record_correction_of_billed_order(
    session: Session,
    order: Order,
    before: Recorded | None,
    after: Outcome,
    marker: Marker,
) -> None:
    """A change to what was delivered of an order that is already on an invoice (or of any order
    of a month whose bills are finalized) is allowed, and
    recorded as an adjustment in this same transaction (``milkrun.adjustments``): the next bill
    carries it as a credit or a debit, with the reason and the order. Billing decides what it
    means for the invoice it is against (an adjustment against a draft is absorbed when the
    next run rebuilds the draft). Called once the new status is written, so it runs once."""
    if before is None:
        return
    what = f"{before.outcome.status.value} → {after.status.value}".replace("_", " ")
    why = after.reason.value.replace("_", " ") if after.reason else None
    adjustment_service.record_correction(
        session,
        order_id=order.id,
        quantity_before=before.outcome.quantity_delivered,
        quantity_after=after.quantity_delivered,
        reason=what + (f" ({why})" if why else ""),
        user_id=marker.user_id,
        link_id=marker.link_id,
    )


# An order's delivery status as stored, and who recorded it (``recorded`` reads such a row).
RECORDED = (
    DeliveryStatus.status,
    DeliveryStatus.quantity_delivered,
    DeliveryStatus.reason,
    DeliveryStatus.notes,
    DeliveryStatus.version,
    DeliveryStatus.recorded_at,
    DeliveryStatus.recorded_by_user_id,
    DeliveryStatus.recorded_by_link_id,
    User.name,
    SharedDeliveryLink.label,
)


def with_recorder(statement: Reading) -> Reading:
    """``statement`` (which reads ``delivery_statuses``) joined to whoever recorded the status,
    for the names in ``RECORDED``."""
    return statement.outerjoin(User, User.id == DeliveryStatus.recorded_by_user_id).outerjoin(
        SharedDeliveryLink, SharedDeliveryLink.id == DeliveryStatus.recorded_by_link_id
    )


_CURRENT = with_recorder(select(*RECORDED)).where(DeliveryStatus.order_id == bindparam("order_id"))


def recorded(row: Any) -> Recorded | None:
    status, delivered, reason, notes, version, at, user_id, link_id, name, label = row
    if status is None:
        return None
    return Recorded(
        outcome=Outcome(
            DeliveryOutcome(status),
            delivered,
            NotDeliveredReason(reason) if reason else None,
            notes,
        ),
        version=version,
        recorded_at=at,
        recorded_by=(
            name if name is not None else f"link: {label}" if label is not None else DAY_CLOSE
        ),
        user_id=user_id,
        link_id=link_id,
    )


def _current(session: Session, order_id: int) -> Recorded | None:
    """The order's delivery status as committed now (a statement of its own: a fresh snapshot)."""
    row = session.execute(_CURRENT, {"order_id": order_id}).first()
    return recorded(row) if row is not None else None


def _write(
    session: Session,
    marker: Marker,
    order: Order,
    current: Recorded | None,
    outcome: Outcome,
    now: dt.datetime,
) -> bool:
    """Write the new status if nobody changed it since ``current`` was read."""
    values = {
        f"new_{name}": value
        for name, value in {
            **outcome.as_dict(),
            "recorded_by_user_id": marker.user_id,
            "recorded_by_link_id": marker.link_id,
            "recorded_by_close_id": None,
            "recorded_at": now,
        }.items()
    }
    if current is None:
        # RETURNING tells whether the row went in (rowcount is not reliable with it).
        inserted = session.execute(
            _INSERTING[session.get_bind().dialect.name],
            {**values, "of_order": order.id, "of_customer": order.customer_id},
        ).first()
        return inserted is not None
    result = session.execute(
        _UPDATING, {**values, "of_order": order.id, "seen_version": current.version}
    )
    return int(result.rowcount) == 1  # type: ignore[attr-defined]


_WRITTEN = (
    "status",
    "quantity_delivered",
    "reason",
    "notes",
    "recorded_by_user_id",
    "recorded_by_link_id",
    "recorded_by_close_id",
    "recorded_at",
)


def _inserting(dialect: str) -> Any:
    insert = upserts.insert(dialect, STATUSES)
    at = STATUSES.c.recorded_at.type
    return (
        insert.values(
            order_id=bindparam("of_order"),
            customer_id=bindparam("of_customer"),
            version=1,
            created_at=bindparam("new_recorded_at", type_=at),
            updated_at=bindparam("new_recorded_at", type_=at),
            **{name: bindparam(f"new_{name}", type_=STATUSES.c[name].type) for name in _WRITTEN},
        )
        .on_conflict_do_nothing(index_elements=[STATUSES.c.order_id])
        .returning(STATUSES.c.id)
    )


_INSERTING = {dialect: _inserting(dialect) for dialect in ("postgresql", "sqlite")}
# The order takes the delivery's status; a cancelled order stays cancelled.
_MOVING = (
    update(Order)
    .where(Order.id == bindparam("of_order"), Order.status != OrderStatus.cancelled.value)
    .values(
        status=bindparam("new_status"),
        updated_at=bindparam("moved_at", type_=Order.__table__.c.updated_at.type),
    )
    .execution_options(synchronize_session=False)
)
_UPDATING = (
    update(STATUSES)
    .where(
        STATUSES.c.order_id == bindparam("of_order"),
        STATUSES.c.version == bindparam("seen_version"),
    )
    .values(
        version=STATUSES.c.version + 1,
        updated_at=bindparam("new_recorded_at", type_=STATUSES.c.recorded_at.type),
        **{name: bindparam(f"new_{name}", type_=STATUSES.c[name].type) for name in _WRITTEN},
    )
)


def apply(
    session: Session, marker: Marker, order: Order, outcome: Outcome, seen: Recorded | None
) -> MarkResult:
    """Make the order's delivery ``outcome``: status row, order status and one audit event, or
    nothing at all when it already is.

    ``seen`` was read with the order lock, in the same statement; after waiting for the lock it
    may predate the mark that held it (PostgreSQL re-reads only the locked row). So a write is
    conditional on what was seen (and on failing, the status is read afresh and the decision
    made again), and "nothing to do" is only concluded on a fresh read."""
    current, fresh = seen, False
    for _attempt in range(MAX_ATTEMPTS):
        if current is not None and current.outcome == outcome:
            if not fresh:
                current, fresh = _current(session, order.id), True
                continue
            return _result(
                order,
                outcome,
                current.recorded_at,
                current.recorded_by,
                current.user_id,
                current.link_id,
                changed=False,
            )
        now = clock.now()
        if _write(session, marker, order, current, outcome, now):
            break
        current, fresh = _current(session, order.id), True
    else:
        raise ConcurrentMark(
            f"Order {order.id} is being marked by someone else at this moment; try again",
        )
    record_correction_of_billed_order(session, order, current, outcome, marker)
    moved = session.execute(
        _MOVING, {"of_order": order.id, "new_status": outcome.status.value, "moved_at": now}
    )
    if int(moved.rowcount) != 1:  # type: ignore[attr-defined]
        raise OrderCancelled(f"Order {order.id} was cancelled; it cannot be marked")
    session.expire(order, ["status", "updated_at"])
    before = (
        current.outcome.as_dict()
        if current is not None
        else {
            "status": OrderStatus.scheduled.value,
            "quantity_delivered": None,
            "reason": None,
            "notes": None,
        }
    )
    audit.record(
        session,
        marker.actor,
        "delivery.mark" if current is None else "delivery.correct",
        "order",
        order.id,
        before=before,
        after={
            **outcome.as_dict(),
            "quantity": order.quantity,
            "delivery_date": order.delivery_date,
        },
        customer_id=order.customer_id,
        order_id=order.id,
    )
    outbox.delivery_marked(session, order, outcome.status.value, outcome.as_dict()["reason"])
    return _result(order, outcome, now, marker.name, marker.user_id, marker.link_id, changed=True)


def _result(
    order: Order,
    outcome: Outcome,
    recorded_at: dt.datetime,
    recorded_by: str,
    user_id: int | None,
    link_id: int | None,
    *,
    changed: bool,
) -> MarkResult:
    return MarkResult(
        order_id=order.id,
        customer_id=order.customer_id,
        delivery_date=order.delivery_date,
        status=outcome.status,
        quantity=order.quantity,
        quantity_delivered=outcome.quantity_delivered,
        reason=outcome.reason,
        notes=outcome.notes,
        recorded_at=recorded_at,
        recorded_by=recorded_by,
        recorded_by_user_id=user_id,
        recorded_by_link_id=link_id,
        changed=changed,
    )
