"""The demo dairy's counter: a few sales today, one void, numbered in the cash-memo series;
seeding again adds none."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.config import Settings
from milkrun.counter_sales import queries
from milkrun.counter_sales.models import CounterSale
from milkrun.demo import seed as demo

TODAY = dt.date(2026, 12, 14)


def test_the_demo_sells_at_the_counter_today(session: Session, settings: Settings) -> None:
    clock.freeze(dt.datetime(2026, 12, 14, 4, 0, tzinfo=dt.UTC))
    demo.seed(session, today=TODAY, settings=settings)
    totals = queries.day_totals(session, TODAY)
    assert totals.sales == 4
    assert totals.voided == 1
    assert totals.cash_paise == 9100 + 9300  # milk and curd; bread and eggs (the void not)
    assert totals.upi_paise == 52000 + 15800  # ghee and paneer; full cream milk and paneer
    numbers = session.scalars(select(CounterSale.number).order_by(CounterSale.sequence)).all()
    assert numbers == [f"CM/2627/{n:06d}" for n in range(1, 6)]
    demo.seed(session, today=TODAY, settings=settings)
    assert session.scalar(select(func.count(CounterSale.id))) == 5
