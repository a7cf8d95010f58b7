"""Declaring a holiday: a date on which a hub (or the whole dairy) delivers nothing.

What is due leaves out the customers a holiday closes (``hubs.calendar.delivers_on``, one
predicate of ``due``), so a date generated after the holiday is declared has no orders for them.
For a date already generated, declaring the holiday re-syncs it: their open subscription orders
are cancelled, and their scheduled one-time orders too (one UPDATE); orders already marked, or on
an invoice, are left as they are. It may be declared after the cut-off, for today even (a strike,
a flood): the admin gives the reason, which is audited and told to every customer it affects.
A day that is over is refused: what happened on it is marked, not declared away.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, select, union, update
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit import service as audit
from milkrun.hubs import calendar
from milkrun.hubs.errors import (
    HolidayExists,
    HolidayInPast,
    HolidayReasonRequired,
    UnknownHub,
)
from milkrun.hubs.models import Holiday, Hub
from milkrun.hubs.scope import HubScope
from milkrun.notify import outbox
from milkrun.orders.due import due_on
from milkrun.orders.generate import is_generated
from milkrun.orders.models import Order, OrderStatus
from milkrun.orders.sync import sync_day

ORDERS = cast(Table, Order.__table__)


@dataclass(frozen=True)
class Declared:
    holiday: Holiday
    customers_told: int
    orders_cancelled: int


def declare_holiday(
    session: Session,
    day: dt.date,
    hub_id: int | None,
    reason: str,
    actor: audit.Actor,
    scope: HubScope,
    *,
    today: dt.date,
) -> Declared:
    """Declare ``day`` a holiday for ``hub_id`` (None: the whole dairy, which an admin limited
    to a hub may not do); see the module docstring."""
    if hub_id is None:
        scope.ensure_unlimited("declare a holiday for the whole dairy")
    else:
        scope.ensure_hub(hub_id)
        hub = session.get(Hub, hub_id)
        if hub is None or not hub.is_active:
            raise UnknownHub(f"There is no hub {hub_id}")
    reason = " ".join(reason.split())
    if not reason:
        raise HolidayReasonRequired("Say why there is no delivery (customers are told)")
    if day < today:
        raise HolidayInPast(f"{day.isoformat()} is over: a holiday is declared for today or later")
    same = Holiday.hub_id.is_(None) if hub_id is None else Holiday.hub_id == hub_id
    if session.scalar(select(Holiday.id).where(Holiday.holiday_date == day, same)) is not None:
        raise HolidayExists(f"There is already a holiday on {day.isoformat()} there")

    # Who would have had a delivery: due that day, or a scheduled order (one query, before the
    # holiday is written, so that ``due`` still shows them).
    due = due_on(day).subquery("due")
    hub_routes = None if hub_id is None else HubScope(hub_id).routes()
    marked = select(ORDERS.c.customer_id).where(
        ORDERS.c.delivery_date == day,
        ORDERS.c.status.not_in((OrderStatus.scheduled.value, OrderStatus.cancelled.value)),
    )
    # Due, unless already delivered to (a holiday declared late in the day).
    due_customers = select(due.c.customer_id).where(due.c.customer_id.not_in(marked))
    order_customers = select(ORDERS.c.customer_id).where(
        ORDERS.c.delivery_date == day, ORDERS.c.status == OrderStatus.scheduled.value
    )
    if hub_routes is not None:
        due_customers = due_customers.where(due.c.route_id.in_(hub_routes))
        order_customers = order_customers.where(ORDERS.c.route_id.in_(hub_routes))
    affected = set(session.scalars(union(due_customers, order_customers)))

    holiday = Holiday(
        holiday_date=day, hub_id=hub_id, reason=reason, created_by_user_id=actor.user_id
    )
    session.add(holiday)
    session.flush()

    cancelled = 0
    if is_generated(session, day):
        cancelled += sync_day(session, day).cancelled
    one_time = session.execute(
        update(ORDERS)
        .where(
            ORDERS.c.delivery_date == day,
            ORDERS.c.subscription_id.is_(None),
            ORDERS.c.status == OrderStatus.scheduled.value,
            ORDERS.c.invoice_id.is_(None),
            calendar.closed_on(day, ORDERS.c.route_id),
        )
        .values(status=OrderStatus.cancelled.value, updated_at=clock.now())
    )
    cancelled += one_time.rowcount  # type: ignore[attr-defined]
    told = outbox.holiday_declared(
        session, holiday_id=holiday.id, day=day, reason=reason, customer_ids=affected
    )
    after = audit.snapshot(holiday)
    after.update(orders_cancelled=cancelled, customers_told=told)
    audit.record(session, actor, "holiday.declare", "holiday", holiday.id, after=after)
    return Declared(holiday, told, cancelled)
