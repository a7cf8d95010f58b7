"""What generating a date would do, per route and product: the dry run of ``generate`` broken
down, so the owner sees where the orders to create, change and cancel are before confirming.

Two set-based statements (what is due against the date's orders; the scheduled orders no longer
due), grouped by route and product; the same rules as ``sync`` (only open orders on no invoice
change).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from milkrun.orders.due import due_on
from milkrun.orders.models import Order, OrderStatus

_OPEN = (OrderStatus.scheduled.value, OrderStatus.cancelled.value)


@dataclass
class Line:
    route_id: int | None
    product_id: int
    create: int = 0
    change: int = 0
    cancel: int = 0

    @property
    def total(self) -> int:
        return self.create + self.change + self.cancel


def breakdown(session: Session, day: dt.date) -> list[Line]:
    """Per (route, product): the orders generating ``day`` would create, change and cancel
    (lines with nothing to do left out)."""
    session.flush()
    due = due_on(day).subquery("due")
    order = Order.__table__.alias("existing")
    is_open = and_(order.c.invoice_id.is_(None), order.c.status.in_(_OPEN))
    differs = or_(
        order.c.status == OrderStatus.cancelled.value,
        order.c.quantity != due.c.quantity,
        order.c.product_id != due.c.product_id,
        order.c.shift != due.c.shift,
        order.c.unit_price_paise != due.c.unit_price_paise,
        order.c.route_id.is_distinct_from(due.c.route_id),
    )
    lines: dict[tuple[int | None, int], Line] = {}
    due_rows = session.execute(
        select(
            due.c.route_id,
            due.c.product_id,
            func.coalesce(func.sum(case((order.c.id.is_(None), 1), else_=0)), 0),
            func.coalesce(func.sum(case((and_(is_open, differs), 1), else_=0)), 0),
        )
        .select_from(
            due.outerjoin(
                order,
                and_(
                    order.c.subscription_id == due.c.subscription_id,
                    order.c.delivery_date == day,
                ),
            )
        )
        .group_by(due.c.route_id, due.c.product_id)
    ).all()
    for route_id, product_id, create, change in due_rows:
        if create or change:
            lines[(route_id, product_id)] = Line(route_id, product_id, int(create), int(change))
    still_due = due_on(day).subquery("still_due")
    cancel_rows = session.execute(
        select(Order.route_id, Order.product_id, func.count())
        .where(
            Order.delivery_date == day,
            Order.subscription_id.is_not(None),
            Order.status == OrderStatus.scheduled.value,
            Order.invoice_id.is_(None),
            ~exists().where(still_due.c.subscription_id == Order.subscription_id),
        )
        .group_by(Order.route_id, Order.product_id)
    ).all()
    for route_id, product_id, count in cancel_rows:
        line = lines.setdefault((route_id, product_id), Line(route_id, product_id))
        line.cancel += int(count)
    return sorted(lines.values(), key=lambda line: (line.route_id or 0, line.product_id))
