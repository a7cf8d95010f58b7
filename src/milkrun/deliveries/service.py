"""Marking deliveries: one order, or every order at a stop, by a login or a shared link.

See the package docstring for the rules: ``rules.py`` states what each outcome means,
``markers.py`` who may mark which orders, ``recording.py`` how a mark is written. Here: finding
the orders of a mark. On PostgreSQL the order rows are locked first, so writers of one order
queue instead of retrying; SQLite serializes writers (``BEGIN IMMEDIATE``) and ignores
``FOR UPDATE``; the conditional writes of ``recording`` hold on both.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from milkrun.customers.errors import UnknownCustomer
from milkrun.customers.models import Customer
from milkrun.deliveries import idempotency, proofs, recording
from milkrun.deliveries.errors import CustomerMismatch, DateMismatch, NoOrders, OrderNotInScope
from milkrun.deliveries.markers import Marker
from milkrun.deliveries.models import DeliveryStatus
from milkrun.deliveries.recording import Recorded
from milkrun.deliveries.rules import outcome_of
from milkrun.deliveries.schemas import MarkRequest, MarkResult, StopMarkRequest, StopMarkResult
from milkrun.errors import Forbidden
from milkrun.orders.errors import UnknownOrder
from milkrun.orders.models import Order, OrderStatus
from milkrun.routing import queries as routing_queries
from milkrun.routing.models import Route, RouteSubstitute

# Marker is part of what callers use here: ``service.Marker.for_user(...)``.
__all__ = ["Marker", "mark_once", "mark_order", "mark_stop"]


@dataclass(frozen=True)
class Locked:
    """An order as its mark starts: locked (PostgreSQL), with who walks its route on its date and
    its delivery status as read in the same query (possibly stale after waiting for the lock:
    see ``recording.apply``)."""

    order: Order
    walker: int | None
    seen: Recorded | None


def mark_once(
    session: Session,
    marker: Marker,
    request: MarkRequest | StopMarkRequest,
    *,
    key: str | None,
    today: dt.date,
) -> idempotency.Answer:
    """Mark an order, or a whole stop, at most once per ``Idempotency-Key``: a retry with the
    key replays the first answer and changes nothing (see ``idempotency``). Every way of
    marking (a login, a shared link, the API or a page) comes through here."""
    if isinstance(request, MarkRequest):
        order = request
        return idempotency.once(
            session,
            marker.caller,
            key,
            "mark-delivered",
            order,
            lambda: mark_order(session, marker, order, today=today),
        )
    stop = request
    return idempotency.once(
        session,
        marker.caller,
        key,
        "mark-stop",
        stop,
        lambda: mark_stop(session, marker, stop, today=today),
    )


def mark_order(
    session: Session, marker: Marker, request: MarkRequest, *, today: dt.date
) -> MarkResult:
    """Record what happened to one order (first mark or correction); the same mark again is a
    no-op that records nothing."""
    orders = _lock_order(session, request.order_id)
    if not orders:
        raise UnknownOrder(f"There is no order {request.order_id}")
    (locked,) = orders
    found = locked.order
    if found.customer_id != request.customer_id:
        raise CustomerMismatch(
            f"Order {found.id} is not an order of customer {request.customer_id}",
        )
    if request.delivery_date is not None and request.delivery_date != found.delivery_date:
        raise DateMismatch(
            f"Order {found.id} is for {found.delivery_date.isoformat()}, "
            f"not {request.delivery_date.isoformat()}",
        )
    if not marker.may_mark(found, locked.walker):
        raise _not_in_scope(found.id)
    outcome = outcome_of(
        found, request.status, request.quantity_delivered, request.reason, request.notes, today
    )
    result = recording.apply(session, marker, found, outcome, locked.seen)
    proofs.keep(session, [found.id], request)
    return result


def mark_stop(
    session: Session, marker: Marker, request: StopMarkRequest, *, today: dt.date
) -> StopMarkResult:
    """Mark every order of a stop (one customer on one date) that the marker may mark, all
    delivered or all not delivered; one audit event per order that changes."""
    if session.get(Customer, request.customer_id) is None:
        raise UnknownCustomer(request.customer_id)
    orders = _lock_orders(
        session,
        Order.customer_id == request.customer_id,
        Order.delivery_date == request.delivery_date,
        Order.status != OrderStatus.cancelled.value,
    )
    if not orders:
        raise NoOrders(
            f"Customer {request.customer_id} has nothing to deliver on "
            f"{request.delivery_date.isoformat()}",
        )
    mine = [locked for locked in orders if marker.may_mark(locked.order, locked.walker)]
    if not mine:
        raise OrderNotInScope(
            f"The orders of customer {request.customer_id} on "
            f"{request.delivery_date.isoformat()} are not on your route",
        )
    outcomes = [
        outcome_of(locked.order, request.status, None, request.reason, request.notes, today)
        for locked in mine
    ]
    results = [
        recording.apply(session, marker, locked.order, outcome, locked.seen)
        for locked, outcome in zip(mine, outcomes, strict=True)
    ]
    proofs.keep(session, [result.order_id for result in results], request)
    return StopMarkResult(
        customer_id=request.customer_id, delivery_date=request.delivery_date, orders=results
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
    return [Locked(row[0], row[1], recording.recorded(row[2:])) for row in rows]


def _not_in_scope(order_id: int) -> Forbidden:
    return OrderNotInScope(f"Order {order_id} is not on a route and date you can mark")


# The statements of every mark, built once (building a statement costs more than running it).
_LOCKING = (
    recording.with_recorder(
        select(Order, routing_queries.walker(), *recording.RECORDED)
        .outerjoin(Route, Route.id == Order.route_id)
        .outerjoin(
            RouteSubstitute,
            routing_queries.substitute_of_the_day(Order.route_id, Order.delivery_date),
        )
        .outerjoin(DeliveryStatus, DeliveryStatus.order_id == Order.id)
    )
    .order_by(Order.id)
    .with_for_update(of=Order)
    .execution_options(populate_existing=True)
)
_LOCKING_ONE = _LOCKING.where(Order.id == bindparam("order_id"))
