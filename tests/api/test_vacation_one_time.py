"""A vacation of "all my deliveries" covers the one-time orders of its days: they are cancelled,
audited, and listed in the pause's event; a one-time order of another day, or a vacation of one
subscription, leaves them alone."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.audit.models import AuditEvent
from milkrun.config import Settings
from milkrun.orders.models import Order
from tests import factories
from tests.order_book import day, make_shop

API = "/api/v1"


def status(session: Session, order_id: int) -> str | None:
    session.expire_all()
    return session.scalar(select(Order.status).where(Order.id == order_id))


def test_a_vacation_cancels_the_one_time_orders_of_its_days(
    client: TestClient, session: Session, settings: Settings
) -> None:
    shop = make_shop(session, settings)
    sub = factories.subscription(session, customer=shop.dairy.customer, product=shop.dairy.milk)
    me = shop.me_id
    inside = factories.one_time_order(
        session, customer_id=me, product_id=shop.dairy.curd.id, day=day(3)
    )
    outside = factories.one_time_order(
        session, customer_id=me, product_id=shop.dairy.curd.id, day=day(6)
    )

    one_sub = client.post(
        f"{API}/subscriptions/{sub.id}/pauses",
        json={"start_date": str(day(6)), "end_date": str(day(7))},
        headers=shop.admin.headers,
    )
    assert one_sub.status_code == 201, one_sub.text
    assert status(session, outside.id) == "scheduled"  # a subscription's pause: not this order

    vacation = client.post(
        f"{API}/me/pauses",
        json={"start_date": str(day(2)), "end_date": str(day(4)), "reason": "vacation"},
        headers=shop.me.headers,
    )
    assert vacation.status_code == 201, vacation.text

    assert status(session, inside.id) == "cancelled"
    assert status(session, outside.id) == "scheduled"
    cancel = session.scalars(
        select(AuditEvent).where(
            AuditEvent.order_id == inside.id, AuditEvent.action == "order.cancel"
        )
    ).one()
    assert cancel.customer_id == me
    event = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "pause.create", AuditEvent.customer_id == me)
        .order_by(AuditEvent.id.desc())
    ).first()
    assert event is not None
    assert event.after is not None
    assert event.after["one_time_orders_cancelled"] == [inside.id]
    # The customer sees it cancelled in its orders.
    mine = client.get(f"{API}/me/orders", headers=shop.me.headers).json()["items"]
    assert {o["id"]: o["status"] for o in mine}[inside.id] == "cancelled"
