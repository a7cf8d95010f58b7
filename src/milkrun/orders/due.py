"""What is due on a date: one row per subscription that delivers on it, as one SELECT.

The rules of ``milkrun.subscriptions.schedule`` stated in SQL (a property test compares the two):
for date D a subscription is due when it runs on D, its customer is active, no pause covers D,
no holiday of the dairy or of the customer's hub falls on D (``hubs.calendar``), no low-balance
hold of its customer (a prepaid wallet too low, ``milkrun.wallets``) is on D,
and the override for D or else the terms in force on D give a quantity above 0; the product of
those terms is active and has a price on D (``catalog.prices.in_force``, the catalog's one
statement of the price in force). Each due row carries the customer's route and the terms' shift.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
)

from milkrun.catalog import prices
from milkrun.catalog.models import Product
from milkrun.customers.models import Customer
from milkrun.hubs import calendar
from milkrun.orders.models import LowBalanceHold
from milkrun.subscriptions.bookkeeping import EVERYTHING, Deliveries
from milkrun.subscriptions.models import (
    WEEKDAYS,
    Override,
    Pause,
    ScheduleKind,
    Subscription,
    SubscriptionTerms,
)
from milkrun.subscriptions.schedule import day_number


def terms_in_force(t: type[SubscriptionTerms], day: dt.date) -> ColumnElement[bool]:
    """The terms in force on ``day``: the one row whose validity span holds it
    (``effective_to`` is the next terms' ``effective_from``, kept by
    ``milkrun.subscriptions.validity``). Not an anti-join on later terms: PostgreSQL planned
    that as one index probe per row (~70,000 at the benchmark's size) once its estimate
    collapsed at the later filters (``bench/terms_in_force.py`` times both)."""
    return and_(t.effective_from <= day, or_(t.effective_to.is_(None), t.effective_to > day))


def due_on(day: dt.date, scope: Deliveries = EVERYTHING, *, with_holds: bool = True) -> Select[Any]:
    """The due relation of ``day``: (subscription_id, customer_id, product_id, shift, route_id,
    quantity, unit_price_paise), one row per subscription that delivers on ``day``. Without
    ``with_holds``: what would be due if no wallet were low (what the day would cost)."""
    s, t, c, p, o = Subscription, SubscriptionTerms, Customer, Product, Override
    price = prices.in_force(day)
    weekday_quantity = getattr(t, f"{WEEKDAYS[day.weekday()]}_quantity")
    scheduled = case(
        (t.kind == ScheduleKind.weekdays.value, weekday_quantity),
        (
            (literal(day_number(day), Integer) - t.anchor_day) % t.interval_days == 0,
            t.quantity,
        ),
        else_=0,
    )
    quantity = func.coalesce(o.quantity, scheduled)
    # Pauses covering the date: each an anti-join (NOT EXISTS), which the planner estimates as
    # "most rows pass". As ``NOT IN`` subqueries PostgreSQL took a quarter of the rows to pass
    # each (22,700 of 94,300 at the benchmark's size) and then probed the terms and the
    # customers by index once per row.
    covering = and_(Pause.start_date <= day, or_(Pause.end_date.is_(None), Pause.end_date >= day))
    customer_paused = exists().where(
        Pause.customer_id == s.customer_id, Pause.subscription_id.is_(None), covering
    )
    subscription_paused = exists().where(Pause.subscription_id == s.id, covering)
    # Prepaid customers whose wallet is too low for the date (``milkrun.wallets`` decides): a
    # ``NOT IN`` of the day's holds, hashed once. A day has few holds or none, and as an anti-join
    # PostgreSQL rescanned them once per due subscription (a nested loop: 63,693 rescans of an
    # empty table, a fifth of the generation page's server time at the benchmark's size).
    held = s.customer_id.in_(
        select(LowBalanceHold.customer_id).where(
            LowBalanceHold.delivery_date == day, LowBalanceHold.lifted_at.is_(None)
        )
    )
    statement = (
        select(
            s.id.label("subscription_id"),
            s.customer_id.label("customer_id"),
            t.product_id.label("product_id"),
            t.shift.label("shift"),
            c.route_id.label("route_id"),
            quantity.label("quantity"),
            price.c.price_paise.label("unit_price_paise"),
        )
        .select_from(s)
        .join(c, c.id == s.customer_id)
        .join(t, t.subscription_id == s.id)
        .join(p, p.id == t.product_id)
        .join(price, price.c.product_id == t.product_id)
        .outerjoin(o, and_(o.subscription_id == s.id, o.delivery_date == day))
        .where(
            terms_in_force(t, day),
            s.start_date <= day,
            or_(s.end_date.is_(None), s.end_date >= day),
            c.is_active,
            p.is_active,
            ~customer_paused,
            ~subscription_paused,
            quantity > 0,
            calendar.delivers_on(day, c.route_id),
        )
    )
    if with_holds:
        statement = statement.where(~held)
    if scope.subscription_ids is not None:
        statement = statement.where(s.id.in_(scope.subscription_ids))
    if scope.customer_id is not None:
        statement = statement.where(s.customer_id == scope.customer_id)
    return statement
