"""Calendar months as portable SQL: a CASE that names the month a value falls in, so a report
groups by month on SQLite and PostgreSQL alike (and in the dairy's zone for instants)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, literal


def first_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first days of the months from ``first``'s to ``last``'s, in order."""
    months, month = [], first_of(first)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def start_instant(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    """Midnight of ``day`` in ``zone``, in UTC (instants are stored in UTC)."""
    return dt.datetime.combine(day, dt.time(0), zone).astimezone(dt.UTC)


def month_of_date(column: Any, months: list[dt.date]) -> ColumnElement[Any]:
    """``YYYY-MM`` of a date column among ``months`` (NULL outside them)."""
    return case(
        *(
            (and_(column >= m, column < next_month(m)), literal(m.strftime("%Y-%m")))
            for m in months
        ),
        else_=None,
    )


def month_of_instant(column: Any, months: list[dt.date], zone: ZoneInfo) -> ColumnElement[Any]:
    """``YYYY-MM`` (in ``zone``) of a UTC instant column among ``months`` (NULL outside)."""
    return case(
        *(
            (
                and_(column >= start_instant(m, zone), column < start_instant(next_month(m), zone)),
                literal(m.strftime("%Y-%m")),
            )
            for m in months
        ),
        else_=None,
    )
