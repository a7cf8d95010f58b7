"""The demo's delivery day: yesterday fully marked (some partial, some not delivered), today's
morning partly marked, a shared link for today; seeding again changes nothing."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun.audit.models import AuditEvent
from milkrun.demo.deliveries import seed_delivery_day
from milkrun.links import queries as link_queries
from milkrun.orders.models import Order
from milkrun.routing.models import Shift
from tests import factories
from tests.deliveries.factories import ZONE, today

SECRET = factories.SECRET


def _dairy(session: Session) -> None:
    milk = factories.product(session)
    for shift in (Shift.morning, Shift.evening):
        route = factories.route(
            session, delivery_boy=factories.delivery_boy_user(session), shift=shift
        )
        for n in range(40):
            customer = factories.customer(session, route=route, name=f"{shift} {n}")
            customer.stop_sequence = n + 1
            factories.subscription(
                session,
                customer=customer,
                product=milk,
                start=today() - dt.timedelta(days=30),
                schedule={"kind": "daily", "quantity": 1 + n % 3},
                shift=shift,
            )


def _statuses(session: Session, day: dt.date, shift: Shift) -> Counter[str]:
    return Counter(
        session.scalars(
            select(Order.status).where(Order.delivery_date == day, Order.shift == shift.value)
        )
    )


def test_the_demo_shows_a_morning_in_progress_and_seeding_again_changes_nothing(
    session: Session,
) -> None:
    _dairy(session)
    admin = factories.admin_user(session)
    yesterday = today() - dt.timedelta(days=1)

    token = seed_delivery_day(session, today=today(), admin=admin, secret=SECRET, zone=ZONE)

    assert token is not None
    link = link_queries.link_by_token(session, token)
    assert link is not None
    assert link.delivery_date == today()
    for shift in (Shift.morning, Shift.evening):
        past = _statuses(session, yesterday, shift)
        assert past["scheduled"] == 0
        assert past["delivered"] > 0
        assert past["partially_delivered"] > 0
        assert past["not_delivered"] > 0
    morning = _statuses(session, today(), Shift.morning)
    assert 0 < morning["scheduled"] < sum(morning.values())
    assert set(_statuses(session, today(), Shift.evening)) == {"scheduled"}
    events = session.scalar(select(func.count()).select_from(AuditEvent))

    again = seed_delivery_day(session, today=today(), admin=admin, secret=SECRET, zone=ZONE)

    assert again == token
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == events
