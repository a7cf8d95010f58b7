"""Reads of closed days and months."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.periods.models import DayClose, MonthClose


def day_close(session: Session, day: dt.date) -> DayClose | None:
    return session.scalar(select(DayClose).where(DayClose.delivery_date == day))


def day_closes(session: Session, since: dt.date, until: dt.date) -> list[DayClose]:
    """The closes of the days from ``since`` to ``until``, latest first."""
    return list(
        session.scalars(
            select(DayClose)
            .where(DayClose.delivery_date >= since, DayClose.delivery_date <= until)
            .order_by(DayClose.delivery_date.desc())
        )
    )


def month_close(session: Session, month: dt.date) -> MonthClose | None:
    return session.get(MonthClose, month.replace(day=1))


def is_month_closed(session: Session, day: dt.date) -> bool:
    """Whether the month of ``day`` has been finalized."""
    return month_close(session, day) is not None
