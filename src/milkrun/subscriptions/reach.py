"""Who a change of prices reaches: the active subscriptions to the products on a day, their
customers, and how much their monthly bills change at their current schedules.

A month is counted as 30 days: a daily subscription of 1 takes 30 units, an alternate-days one
15, every 3 days 10, a weekday schedule 30/7 of its week. Read in two queries whatever the
number of subscriptions (set-based; nothing per row).
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import reduce

from sqlalchemy import Select, distinct, func, or_, select
from sqlalchemy.orm import Session

from milkrun.customers.models import Customer
from milkrun.subscriptions.models import WEEKDAYS, ScheduleKind, Subscription, SubscriptionTerms

DAYS_IN_MONTH = 30


@dataclass(frozen=True)
class Reach:
    subscriptions: int
    customers: int
    monthly_change_paise: int


def _terms_on(product_ids: list[int], on: dt.date) -> Select[int, int]:
    """(subscription, terms row) for the subscriptions active on ``on`` whose terms in effect
    that day are for one of the products (active customers only)."""
    latest = (
        select(
            SubscriptionTerms.subscription_id,
            func.max(SubscriptionTerms.effective_from).label("since"),
        )
        .where(SubscriptionTerms.effective_from <= on)
        .group_by(SubscriptionTerms.subscription_id)
        .subquery()
    )
    return (
        select(Subscription.id.label("subscription_id"), SubscriptionTerms.id.label("terms_id"))
        .join(latest, latest.c.subscription_id == Subscription.id)
        .join(
            SubscriptionTerms,
            (SubscriptionTerms.subscription_id == Subscription.id)
            & (SubscriptionTerms.effective_from == latest.c.since),
        )
        .join(Customer, Customer.id == Subscription.customer_id)
        .where(
            Customer.is_active,
            Subscription.start_date <= on,
            or_(Subscription.end_date.is_(None), Subscription.end_date >= on),
            SubscriptionTerms.product_id.in_(product_ids),
        )
    )


def price_change_reach(session: Session, deltas: Mapping[int, int], on: dt.date) -> Reach:
    """``deltas``: the change of each product's price in paise, from ``on``."""
    ids = list(deltas)
    if not ids:
        return Reach(0, 0, 0)
    rows = _terms_on(ids, on).subquery()
    day_quantities = [
        func.coalesce(getattr(SubscriptionTerms, f"{d}_quantity"), 0) for d in WEEKDAYS
    ]
    week = reduce(operator.add, day_quantities)
    grouped = session.execute(
        select(
            SubscriptionTerms.product_id,
            SubscriptionTerms.kind,
            SubscriptionTerms.interval_days,
            func.count(),
            func.coalesce(func.sum(SubscriptionTerms.quantity), 0),
            func.coalesce(func.sum(week), 0),
        )
        .join(rows, rows.c.terms_id == SubscriptionTerms.id)
        .group_by(
            SubscriptionTerms.product_id, SubscriptionTerms.kind, SubscriptionTerms.interval_days
        )
    ).all()
    count = 0
    change = Decimal(0)
    for product_id, kind, interval, subscriptions, quantity, week_quantity in grouped:
        count += subscriptions
        if kind == ScheduleKind.weekdays:
            monthly = Decimal(week_quantity) * DAYS_IN_MONTH / 7
        else:
            monthly = Decimal(quantity) * DAYS_IN_MONTH / interval
        change += monthly * deltas[product_id]
    customers = session.scalar(
        select(func.count(distinct(Subscription.customer_id))).where(
            Subscription.id.in_(select(rows.c.subscription_id))
        )
    )
    return Reach(
        subscriptions=count,
        customers=customers or 0,
        monthly_change_paise=int(change.quantize(Decimal(1), rounding=ROUND_HALF_UP)),
    )
