"""The billing month: its first and last days, which months can be billed, and its lock."""

from __future__ import annotations

import calendar
import datetime as dt

from sqlalchemy.orm import Session

from milkrun.adjustments import service as adjustment_service
from milkrun.billing.errors import MonthInFuture


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
