"""The billing month: its first and last days, which months can be billed, its lock, and its
close (finalized once its last day has closed)."""

from __future__ import annotations

import calendar
import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun.adjustments import service as adjustment_service
from milkrun.billing.errors import MonthInFuture
from milkrun.orders.models import Order, OrderStatus
from milkrun.periods.errors import MonthNotClosable
from milkrun.periods.models import DayClose, MonthClose


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def next_month(month: dt.date) -> dt.date:
    return month_end(month) + dt.timedelta(days=1)


def check_billable_month(month: dt.date, today: dt.date) -> dt.date:
    """A month can be billed once it has begun; a later month is refused (nothing delivered)."""
    month = month_start(month)
    if month > month_start(today):
        raise MonthInFuture(
            f"{month:%Y-%m} has not begun yet; nothing in it can be billed",
        )
    return month


def lock_month(session: Session, month: dt.date) -> None:
    """Serialize everything that changes a month's invoices (runs, finalizing, voiding) with
    each other and with corrections of the month's billed orders (see
    ``adjustments.service.lock_billing_month``)."""
    adjustment_service.lock_billing_month(session, month)


def require_closable(session: Session, month: dt.date) -> None:
    """A month's bills are finalized only after its last day has closed and no order of it is
    left unresolved (409 ``month_not_closed``): a bill must not cover days whose deliveries are
    still unknown."""
    last = month_end(month)
    if session.scalar(select(DayClose.id).where(DayClose.delivery_date == last)) is None:
        raise MonthNotClosable(
            f"{month:%B %Y} cannot be finalized yet: its last day, {last.isoformat()}, has not "
            f"been closed (the server closes it the next morning; or run `milkrun deliveries "
            f"close --date {last.isoformat()}`)"
        )
    left = int(
        session.scalar(
            select(func.count(Order.id)).where(
                Order.delivery_date >= month,
                Order.delivery_date <= last,
                Order.status == OrderStatus.scheduled.value,
            )
        )
        or 0
    )
    if left:
        raise MonthNotClosable(
            f"{month:%B %Y} cannot be finalized yet: {left} of its orders are still unmarked; "
            "resolve them first (the review list: GET /api/v1/day-closes/review)"
        )


def record_close(session: Session, month: dt.date, user_id: int | None, invoices: int) -> None:
    """Remember that ``month`` was finalized (the first time): from then on no order is
    generated for its dates and later facts about it become adjustments."""
    close = session.get(MonthClose, month)
    if close is None:
        session.add(MonthClose(month=month, actor_user_id=user_id, invoices=invoices))
    else:
        close.invoices += invoices
    session.flush()
