"""Marking deliveries: one order, or every order at a stop, by a login or a shared link.

See the package docstring for the rules. Each change is written with a conditional statement
(``INSERT ... ON CONFLICT DO NOTHING`` for the first mark, ``UPDATE ... WHERE version = :seen``
for a correction), retried on a fresh read when another writer got there first; on PostgreSQL
the order row is locked first, so writers of one order queue instead of retrying. SQLite
serializes writers (``BEGIN IMMEDIATE``) and ignores ``FOR UPDATE``; the conditions hold there
too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.adjustments import service as adjustment_service
from milkrun.audit import service as audit
from milkrun.auth.models import Role, User
from milkrun.customers.models import Customer
from milkrun.deliveries.models import DeliveryOutcome, DeliveryStatus, NotDeliveredReason
from milkrun.deliveries.schemas import MarkRequest, MarkResult, StopMarkRequest, StopMarkResult
from milkrun.errors import Conflict, Forbidden, InvalidInput
from milkrun.links.models import SharedDeliveryLink
from milkrun.orders.models import Order, OrderStatus
from milkrun.routing.models import Route, RouteSubstitute

# How often a mark re-reads and tries again when another writer changed the order in between.
MAX_ATTEMPTS = 10
STATUSES = cast(Table, DeliveryStatus.__table__)


@dataclass(frozen=True)
class Marker:
    """Who is marking and what they may mark: an admin any order; a delivery boy the orders of
    the routes he walks on their date; a shared link the orders of its route and date."""

    actor: audit.Actor
    name: str
    user_id: int | None = None
    link_id: int | None = None
    walks_routes: bool = False
    route_id: int | None = None
    delivery_date: dt.date | None = None

    @property
    def caller(self) -> str:
        """Whose idempotency keys these are: ``user:7`` or ``link:3``."""
        return f"user:{self.user_id}" if self.user_id is not None else f"link:{self.link_id}"

    @classmethod
    def for_user(cls, user: User, actor: audit.Actor) -> Marker:
        if user.role == Role.admin:
            return cls(actor=actor, name=user.name, user_id=user.id)
        if user.role == Role.delivery_boy:
            return cls(actor=actor, name=user.name, user_id=user.id, walks_routes=True)
        raise Forbidden("Only delivery boys and admins mark deliveries", code="forbidden")

    @classmethod
    def for_link(cls, link: SharedDeliveryLink, actor: audit.Actor) -> Marker:
        return cls(
            actor=actor,
            name=f"link: {link.label}",
            link_id=link.id,
            route_id=link.route_id,
            delivery_date=link.delivery_date,
        )


@dataclass(frozen=True)
class Outcome:
    status: DeliveryOutcome
    quantity_delivered: int
    reason: NotDeliveredReason | None
    notes: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "quantity_delivered": self.quantity_delivered,
            "reason": self.reason.value if self.reason else None,
            "notes": self.notes,
        }


@dataclass(frozen=True)
class Recorded:
    """An order's delivery status as stored, with the name of whoever recorded it."""

    outcome: Outcome
    version: int
    recorded_at: dt.datetime
    recorded_by: str
    user_id: int | None
    link_id: int | None


@dataclass(frozen=True)
class Locked:
    """An order as its mark starts: locked (PostgreSQL), with who walks its route on its date and
    its delivery status as read in the same query (possibly stale after waiting for the lock:
    see ``_apply``)."""

    order: Order
    walker: int | None
    seen: Recorded | None


def record_correction_of_billed_order(
    session: Session,
    order: Order,
    before: Recorded | None,
    after: Outcome,
    marker: Marker,
) -> None:
    """A change to what was delivered of an order that is already on an invoice is allowed, and
    recorded as an adjustment in this same transaction (``milkrun.adjustments``): the next bill
    carries it as a credit or a debit, with the reason and the order. Billing decides what it
    means for the invoice it is against (an adjustment against a draft is absorbed when the
    next run rebuilds the draft). Called once the new status is written, so it runs once."""
    if order.invoice_id is None or before is None:
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


def mark_order(
    session: Session, marker: Marker, request: MarkRequest, *, today: dt.date
) -> MarkResult:
    """Record what happened to one order (first mark or correction); the same mark again is a
    no-op that records nothing."""
    orders = _lock_order(session, request.order_id)
    if not orders:
        raise InvalidInput(f"There is no order {request.order_id}", code="order_not_found")
    (locked,) = orders
    found = locked.order
    if found.customer_id != request.customer_id:
        raise InvalidInput(
            f"Order {found.id} is not an order of customer {request.customer_id}",
            code="customer_mismatch",
        )
    if request.delivery_date is not None and request.delivery_date != found.delivery_date:
        raise InvalidInput(
            f"Order {found.id} is for {found.delivery_date.isoformat()}, "
            f"not {request.delivery_date.isoformat()}",
            code="date_mismatch",
        )
    if not _in_scope(marker, found, locked.walker):
        raise _not_in_scope(found.id)
    outcome = outcome_of(
        found, request.status, request.quantity_delivered, request.reason, request.notes, today
    )
    return _apply(session, marker, found, outcome, locked.seen)


def mark_stop(
    session: Session, marker: Marker, request: StopMarkRequest, *, today: dt.date
) -> StopMarkResult:
    """Mark every order of a stop (one customer on one date) that the marker may mark, all
    delivered or all not delivered; one audit event per order that changes."""
    if session.get(Customer, request.customer_id) is None:
        raise InvalidInput(f"There is no customer {request.customer_id}", code="customer_not_found")
    orders = _lock_orders(
        session,
        Order.customer_id == request.customer_id,
        Order.delivery_date == request.delivery_date,
        Order.status != OrderStatus.cancelled.value,
    )
    if not orders:
        raise InvalidInput(
            f"Customer {request.customer_id} has nothing to deliver on "
            f"{request.delivery_date.isoformat()}",
            code="no_orders",
        )
    mine = [locked for locked in orders if _in_scope(marker, locked.order, locked.walker)]
    if not mine:
        raise Forbidden(
            f"The orders of customer {request.customer_id} on "
            f"{request.delivery_date.isoformat()} are not on your route",
            code="order_not_in_scope",
        )
    outcomes = [
        outcome_of(locked.order, request.status, None, request.reason, request.notes, today)
        for locked in mine
    ]
    return StopMarkResult(
        customer_id=request.customer_id,
        delivery_date=request.delivery_date,
        orders=[
            _apply(session, marker, locked.order, outcome, locked.seen)
            for locked, outcome in zip(mine, outcomes, strict=True)
        ],
    )


def _lock_orders(session: Session, *conditions: Any) -> list[Locked]:
    """The orders, freshly read, each with the delivery boy who walks its route on its date (the
    substitute for that date, else the route's own) and its delivery status, in one query. On
    PostgreSQL the orders are locked until the transaction ends, so that marks of one order
    queue (SQLite ignores FOR UPDATE: its writers are serialized already)."""
    return _locked(session.execute(_LOCKING.where(*conditions)))


def _lock_order(session: Session, order_id: int) -> list[Locked]:
    return _locked(session.execute(_LOCKING_ONE, {"order_id": order_id}))


def _locked(rows: Any) -> list[Locked]:
    return [Locked(row[0], row[1], _recorded(row[2:])) for row in rows]


def _not_in_scope(order_id: int) -> Forbidden:
    return Forbidden(
        f"Order {order_id} is not on a route and date you can mark", code="order_not_in_scope"
    )


def _in_scope(marker: Marker, order: Order, walker: int | None) -> bool:
    if marker.link_id is not None:
        return order.route_id == marker.route_id and order.delivery_date == marker.delivery_date
    if not marker.walks_routes:
        return True
    return order.route_id is not None and walker == marker.user_id


def outcome_of(
    order: Order,
    status: DeliveryOutcome,
    quantity_delivered: int | None,
    reason: NotDeliveredReason | None,
    notes: str | None,
    today: dt.date,
) -> Outcome:
    """The rules of a mark: delivered is the whole quantity and has no reason; partially
    delivered is more than 0 and less than the quantity; not delivered is 0 with a reason.
    A cancelled order, or one for a later date, cannot be marked."""
    if order.status == OrderStatus.cancelled:
        raise Conflict(
            f"Order {order.id} was cancelled; it cannot be marked", code="order_cancelled"
        )
    if order.delivery_date > today:
        raise InvalidInput(
            f"Order {order.id} is for {order.delivery_date.isoformat()}; it cannot be marked "
            "before that day",
            code="order_not_due",
        )
    ordered = order.quantity
    if quantity_delivered is not None and quantity_delivered > ordered:
        raise InvalidInput(
            f"{quantity_delivered} is more than the {ordered} ordered",
            code="quantity_above_ordered",
        )
    if status == DeliveryOutcome.delivered:
        if quantity_delivered is not None and quantity_delivered != ordered:
            raise InvalidInput(
                f"Delivered means all {ordered}; for {quantity_delivered} use partially_delivered",
                code="quantity_mismatch",
            )
        if reason is not None:
            raise InvalidInput(
                "A reason is only given for an order not (fully) delivered",
                code="reason_not_allowed",
            )
        return Outcome(status, ordered, None, notes)
    if status == DeliveryOutcome.partially_delivered:
        if quantity_delivered is None:
            raise InvalidInput(
                "Say how many were delivered (quantity_delivered)", code="quantity_required"
            )
        if quantity_delivered == ordered:
            raise InvalidInput(
                f"All {ordered} were delivered: that is delivered, not partially_delivered",
                code="quantity_mismatch",
            )
        if quantity_delivered == 0:
            raise InvalidInput(
                "None were delivered: that is not_delivered, with a reason",
                code="quantity_mismatch",
            )
        return Outcome(status, quantity_delivered, reason, notes)
    if quantity_delivered not in (None, 0):
        raise InvalidInput(
            f"Not delivered means 0; for {quantity_delivered} use partially_delivered",
            code="quantity_mismatch",
        )
    if reason is None:
        raise InvalidInput(
            "Say why it was not delivered (reason: customer_unavailable, address_not_found, "
            "refused, out_of_stock or other)",
            code="reason_required",
        )
    return Outcome(status, 0, reason, notes)


_RECORDED = (
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


# The statements of every mark, built once (building a statement costs more than running it).
_WALKER = func.coalesce(RouteSubstitute.delivery_boy_id, Route.delivery_boy_id)
_LOCKING = (
    select(Order, _WALKER, *_RECORDED)
    .outerjoin(Route, Route.id == Order.route_id)
    .outerjoin(
        RouteSubstitute,
        and_(
            RouteSubstitute.route_id == Order.route_id,
            RouteSubstitute.delivery_date == Order.delivery_date,
        ),
    )
    .outerjoin(DeliveryStatus, DeliveryStatus.order_id == Order.id)
    .outerjoin(User, User.id == DeliveryStatus.recorded_by_user_id)
    .outerjoin(SharedDeliveryLink, SharedDeliveryLink.id == DeliveryStatus.recorded_by_link_id)
    .order_by(Order.id)
    .with_for_update(of=Order)
    .execution_options(populate_existing=True)
)
_LOCKING_ONE = _LOCKING.where(Order.id == bindparam("order_id"))
_CURRENT = (
    select(*_RECORDED)
    .outerjoin(User, User.id == DeliveryStatus.recorded_by_user_id)
    .outerjoin(SharedDeliveryLink, SharedDeliveryLink.id == DeliveryStatus.recorded_by_link_id)
    .where(DeliveryStatus.order_id == bindparam("order_id"))
)


def _recorded(row: Any) -> Recorded | None:
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
        recorded_by=name if name is not None else f"link: {label}",
        user_id=user_id,
        link_id=link_id,
    )


def _current(session: Session, order_id: int) -> Recorded | None:
    """The order's delivery status as committed now (a statement of its own: a fresh snapshot)."""
    row = session.execute(_CURRENT, {"order_id": order_id}).first()
    return _recorded(row) if row is not None else None


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
    "recorded_at",
)


def _inserting(dialect: str) -> Any:
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(STATUSES)
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


def _apply(
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
        raise Conflict(
            f"Order {order.id} is being marked by someone else at this moment; try again",
            code="concurrent_mark",
        )
    record_correction_of_billed_order(session, order, current, outcome, marker)
    moved = session.execute(
        _MOVING, {"of_order": order.id, "new_status": outcome.status.value, "moved_at": now}
    )
    if int(moved.rowcount) != 1:  # type: ignore[attr-defined]
        raise Conflict(
            f"Order {order.id} was cancelled; it cannot be marked", code="order_cancelled"
        )
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
