"""Generating orders for a past date: refused, unless an admin asks explicitly for a date of a
month still open (with a reason, audited); a date of a finalized month always refused."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun.audit.models import AuditEvent
from milkrun.config import Settings
from milkrun.orders.models import Order
from milkrun.periods.models import MonthClose
from tests import factories
from tests.order_book import TODAY, make_shop

API = "/api/v1"
YESTERDAY = TODAY - dt.timedelta(days=1)  # 30 November


def orders_on(session: Session, day: dt.date) -> int:
    return session.scalar(select(func.count(Order.id)).where(Order.delivery_date == day)) or 0


def test_a_past_date_is_refused_unless_asked_for_with_a_reason(
    client: TestClient, session: Session, settings: Settings
) -> None:
    shop = make_shop(session, settings)
    factories.subscription(session, customer=shop.dairy.customer, product=shop.dairy.milk)
    url, headers = f"{API}/orders/generate", shop.admin.headers

    plain = client.post(url, json={"date": str(YESTERDAY)}, headers=headers)
    no_reason = client.post(url, json={"date": str(YESTERDAY), "past": True}, headers=headers)
    assert plain.status_code == 409
    assert plain.json()["code"] == "date_in_past"
    assert no_reason.status_code == 400
    assert no_reason.json()["code"] == "past_reason_required"
    assert orders_on(session, YESTERDAY) == 0
    # A dry run only looks.
    dry = client.post(url, json={"date": str(YESTERDAY), "dry_run": True}, headers=headers)
    assert dry.status_code == 200
    assert dry.json()["created"] == 1

    asked = client.post(
        url,
        json={"date": str(YESTERDAY), "past": True, "reason": "server was down on the 29th"},
        headers=headers,
    )
    assert asked.status_code == 200, asked.text
    assert asked.json()["created"] == 1
    assert orders_on(session, YESTERDAY) == 1
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "orders.generate").order_by(AuditEvent.id)
    ).all()[-1]
    assert event.after is not None
    assert event.after["reason"] == "server was down on the 29th"
    assert event.actor_user_id == shop.admin.user.id


def test_a_date_of_a_finalized_month_is_always_refused(
    client: TestClient, session: Session, settings: Settings
) -> None:
    shop = make_shop(session, settings)
    factories.subscription(session, customer=shop.dairy.customer, product=shop.dairy.milk)
    session.add(MonthClose(month=dt.date(2026, 11, 1), invoices=1))
    session.flush()

    refused = client.post(
        f"{API}/orders/generate",
        json={"date": "2026-11-02", "past": True, "reason": "catch up"},
        headers=shop.admin.headers,
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "month_closed"
    assert orders_on(session, dt.date(2026, 11, 2)) == 0
    # Today and later are generated as before.
    today = client.post(
        f"{API}/orders/generate", json={"date": str(TODAY)}, headers=shop.admin.headers
    )
    assert today.status_code == 200
