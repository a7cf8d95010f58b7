"""Whom a price change reaches (subscriptions.reach): the subscriptions running on the day whose
terms that day are for the products, and the monthly change at their schedules."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from milkrun.subscriptions.reach import Reach, price_change_reach
from tests import factories

DAY = dt.date(2026, 12, 10)


def test_only_subscriptions_running_on_the_day_count_at_their_rhythm(session: Session) -> None:
    toned = factories.product(session, sku="TM500")
    curd = factories.product(session, sku="CURD")
    asha, meera, kiran = (factories.customer(session, name=n) for n in ("Asha", "Meera", "Kiran"))
    every_third = {"kind": "every_n_days", "quantity": 2, "n": 3}
    factories.subscription(session, customer=asha, product=toned, schedule=every_third)
    factories.subscription(  # ended before the day
        session, customer=meera, product=toned, end=DAY - dt.timedelta(days=1)
    )
    factories.subscription(  # starts after it
        session, customer=kiran, product=toned, start=DAY + dt.timedelta(days=1)
    )
    factories.subscription(session, customer=kiran, product=curd)  # another product

    reach = price_change_reach(session, {toned.id: 150}, DAY)

    # 2 every third day: 20 a month, each ₹1.50 more.
    assert reach == Reach(subscriptions=1, customers=1, monthly_change_paise=3000)
    assert price_change_reach(session, {}, DAY) == Reach(0, 0, 0)
    both = price_change_reach(session, {toned.id: 100, curd.id: -100}, DAY)
    assert both == Reach(subscriptions=2, customers=2, monthly_change_paise=-1000)
