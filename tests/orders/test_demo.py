"""The demo dairy's order book: every kind of schedule, vacations, day changes, one-time orders,
and the orders of the last 30 days, today and tomorrow; seeding twice adds nothing."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.config import Settings
from milkrun.demo import hubs as demo_hubs
from milkrun.demo.seed import seed
from milkrun.orders.models import MaterializationRun, Order
from milkrun.subscriptions.models import Override, Pause, Subscription, SubscriptionTerms
from tests.order_book import MORNING, TODAY


def census(session: Session) -> dict[str, object]:
    def count(model: type[object]) -> int:
        return session.scalar(select(func.count()).select_from(model)) or 0

    return {
        "subscriptions": count(Subscription),
        "terms": count(SubscriptionTerms),
        "pauses": count(Pause),
        "overrides": count(Override),
        "orders": count(Order),
        "runs": count(MaterializationRun),
    }


def test_the_demo_order_book(session: Session, settings: Settings) -> None:
    clock.freeze(MORNING)
    seed(session, today=TODAY, settings=settings)
    first = census(session)

    kinds = set(session.scalars(select(SubscriptionTerms.kind)))
    assert kinds == {"daily", "alternate_days", "every_n_days", "weekdays"}
    customers = session.scalar(select(func.count(func.distinct(Subscription.customer_id))))
    assert customers == 60
    planned = session.scalars(
        select(SubscriptionTerms).where(SubscriptionTerms.effective_from > TODAY)
    ).all()
    assert planned  # future-dated changes
    pauses = session.scalars(select(Pause)).all()
    assert any(p.subscription_id is None for p in pauses)
    assert any(p.end_date is None for p in pauses)
    assert {o.quantity for o in session.scalars(select(Override))} >= {0, 3}

    dates = set(session.scalars(select(Order.delivery_date).distinct()))
    expected = {TODAY + dt.timedelta(days=n) for n in range(-30, 2)}
    expected.add(TODAY + dt.timedelta(days=demo_hubs.OFFER_IN_DAYS))  # a festival offer taken
    assert dates == expected
    one_time = session.scalars(select(Order).where(Order.subscription_id.is_(None))).all()
    assert len(one_time) >= 2
    # Past orders of this month stay scheduled, but for the days the delivery demo marks
    # (yesterday, today); last month's were marked for its bills (milkrun.demo.billing).
    older = session.scalars(
        select(Order.status)
        .where(
            Order.delivery_date < TODAY - dt.timedelta(days=1),
            Order.delivery_date >= TODAY.replace(day=1),
        )
        .distinct()
    ).all()
    assert set(older) <= {"scheduled", "cancelled"}

    seed(session, today=TODAY, settings=settings)
    assert census(session) == first
