"""Dues by age: what each customer still owes on its issued bills, in buckets of the bills' age
(days since issue: 0–30, 31–60, 61–90, over 90), one grouped query for a page of customers,
sortable by any bucket, the total or the name."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, select
from sqlalchemy.orm import Session

from milkrun.billing.models import Invoice, InvoiceStatus
from milkrun.customers.models import Customer

OPEN = [InvoiceStatus.finalized.value, InvoiceStatus.partially_paid.value]
BUCKETS = ("0-30", "31-60", "61-90", "90+")
SORTS = ("total", "0-30", "31-60", "61-90", "90+", "name", "oldest")


@dataclass(frozen=True)
class Dues:
    customer_id: int
    name: str
    phone: str
    buckets: tuple[int, int, int, int]
    total_paise: int
    oldest_issue: dt.date | None


def _buckets(today: dt.date) -> list[ColumnElement[int]]:
    """What is owed per bucket of age: the issue date compared with each boundary date (no date
    arithmetic in SQL, the same on both databases)."""
    owed = Invoice.total_paise - Invoice.amount_paid_paise
    d30, d60, d90 = (today - dt.timedelta(days=days) for days in (30, 60, 90))
    spans = [
        Invoice.issue_date >= d30,
        and_(Invoice.issue_date < d30, Invoice.issue_date >= d60),
        and_(Invoice.issue_date < d60, Invoice.issue_date >= d90),
        Invoice.issue_date < d90,
    ]
    return [func.coalesce(func.sum(case((span, owed), else_=0)), 0) for span in spans]


def ageing(
    session: Session,
    today: dt.date,
    *,
    sort: str = "total",
    descending: bool = True,
    limit: int = 50,
    offset: int = 0,
    customers: Select[Any] | None = None,
) -> tuple[list[Dues], int, tuple[int, int, int, int, int]]:
    """A page of the customers who owe on issued bills (of ``customers``, the ids of a hub's,
    when given), the number of them, and the totals of every bucket (and overall) across all
    of them."""
    owing = [Invoice.status.in_(OPEN), Invoice.total_paise > Invoice.amount_paid_paise]
    if customers is not None:
        owing.append(Invoice.customer_id.in_(customers))
    buckets = _buckets(today)
    total = func.coalesce(func.sum(Invoice.total_paise - Invoice.amount_paid_paise), 0)
    grouped = (
        select(
            Invoice.customer_id.label("customer_id"),
            *[column.label(f"b{i}") for i, column in enumerate(buckets)],
            total.label("total"),
            func.min(Invoice.issue_date).label("oldest"),
        )
        .where(*owing)
        .group_by(Invoice.customer_id)
        .subquery("dues")
    )
    sums = session.execute(
        select(
            func.count(grouped.c.customer_id),
            *[func.coalesce(func.sum(grouped.c[f"b{i}"]), 0) for i in range(4)],
            func.coalesce(func.sum(grouped.c.total), 0),
        )
    ).one()
    keys = {
        "total": grouped.c.total,
        "name": Customer.name,
        "oldest": grouped.c.oldest,
        **{name: grouped.c[f"b{i}"] for i, name in enumerate(BUCKETS)},
    }
    key = keys.get(sort, grouped.c.total)
    order = key.desc() if descending else key.asc()
    rows = session.execute(
        select(Customer.id, Customer.name, Customer.phone, grouped)
        .join(grouped, grouped.c.customer_id == Customer.id)
        .order_by(order, Customer.id)
        .limit(limit)
        .offset(offset)
    )
    dues = [
        Dues(
            customer_id=row.id,
            name=row.name,
            phone=row.phone,
            buckets=(int(row.b0), int(row.b1), int(row.b2), int(row.b3)),
            total_paise=int(row.total),
            oldest_issue=row.oldest,
        )
        for row in rows
    ]
    count, *figures = (int(value or 0) for value in sums)
    return dues, count, (figures[0], figures[1], figures[2], figures[3], figures[4])
