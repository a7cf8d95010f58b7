"""The day close: a day that is over is closed once, its unmarked orders resolved by the dairy's
policy and marked by the system (its own actor in the trail), idempotently; with ``review`` the
owner has a list; the record says what the close did. Over the service, the API and the CLI."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit.models import AuditEvent
from milkrun.config import Settings
from milkrun.db.session import Database
from milkrun.deliveries import closes, closing
from milkrun.deliveries import service as delivery_service
from milkrun.deliveries.schemas import MarkRequest
from milkrun.periods.errors import DayNotOver
from tests import factories
from tests.deliveries import factories as df

API = "/api/v1"


def yesterday() -> dt.date:
    return df.today() - dt.timedelta(days=1)


def close(
    session: Session, settings: Settings, day: dt.date, policy: str = "delivered"
) -> closing.Closed:
    tuned = settings.model_copy(update={"day_close_policy": policy})
    return closing.close_day(session, day, closing.system_actor("cli"), tuned)


def test_close_marks_the_unmarked_orders_delivered_by_the_system(
    session: Session, settings: Settings
) -> None:
    day = df.delivery_day(session, date=yesterday(), stops=3)
    marked_by_boy = day.orders[0]
    boy_marker = delivery_service.Marker.for_user(day.boy.user, factories.ACTOR)
    delivery_service.mark_order(
        session,
        boy_marker,
        MarkRequest(**day.body(0, status="not_delivered", reason="refused")),
        today=df.today(),
    )

    closed = close(session, settings, day.date)

    assert (closed.delivered, closed.not_delivered, closed.review) == (2, 0, 0)
    assert closed.record.marked == 1
    for order in day.orders[1:]:
        assert df.order_status(session, order.id) == "delivered"
        status = df.status_of(session, order.id)
        assert status is not None
        assert status.quantity_delivered == order.quantity
        assert status.recorded_by_close_id == closed.record.id
        assert status.recorded_by_user_id is None
        assert status.recorded_by_link_id is None
        events = [e for e in df.events_of(session, order.id) if e.action == "delivery.close"]
        assert len(events) == 1
        assert events[0].actor_user_id is None
        assert events[0].actor_label == "day close"
        assert events[0].after is not None
        assert events[0].after["status"] == "delivered"
        assert events[0].after["quantity_delivered"] == order.quantity
    # What people marked stays as they marked it.
    assert df.order_status(session, marked_by_boy.id) == "not_delivered"


def test_close_is_idempotent_and_counts_add_up(session: Session, settings: Settings) -> None:
    day = df.delivery_day(session, date=yesterday(), stops=2)
    close(session, settings, day.date)
    events_before = session.scalars(select(AuditEvent.id)).all()
    again = close(session, settings, day.date)
    assert again.resolved == 0
    assert again.record.delivered == 2
    assert len(session.scalars(select(AuditEvent.id)).all()) == len(events_before)  # no-op
    # An order that appears later on a closed day is resolved by the next close.
    late = df.order(session, customer=day.customers[0], product=day.product, day=day.date)
    third = close(session, settings, day.date)
    assert third.delivered == 1
    assert third.record.delivered == 3
    assert df.order_status(session, late.id) == "delivered"


def test_not_delivered_policy(session: Session, settings: Settings) -> None:
    day = df.delivery_day(session, date=yesterday(), stops=2)
    closed = close(session, settings, day.date, "not_delivered")
    assert (closed.delivered, closed.not_delivered) == (0, 2)
    status = df.status_of(session, day.orders[0].id)
    assert status is not None
    assert (status.status, status.quantity_delivered, status.reason) == (
        "not_delivered",
        0,
        "other",
    )


def test_review_policy_leaves_a_list_for_the_owner(
    session: Session, settings: Settings, client: TestClient, admin: factories.Login
) -> None:
    day = df.delivery_day(session, date=yesterday(), stops=2)
    closed = close(session, settings, day.date, "review")
    assert closed.review == 2
    assert closed.resolved == 0
    assert df.order_status(session, day.orders[0].id) == "scheduled"
    assert closes.count_unresolved(session, df.today()) >= 2

    page = client.get(f"{API}/day-closes/review", headers=admin.headers)
    assert page.status_code == 200
    ids = {item["id"] for item in page.json()["items"]}
    assert {o.id for o in day.orders} <= ids

    # The owner resolves one by marking it; it leaves the list.
    marked = client.post(
        f"{API}/delivery-boy/mark-delivered", json=day.body(0), headers=admin.headers
    )
    assert marked.status_code == 200, marked.text
    ids = {
        item["id"]
        for item in client.get(f"{API}/day-closes/review", headers=admin.headers).json()["items"]
    }
    assert day.orders[0].id not in ids
    assert day.orders[1].id in ids

    record = client.get(f"{API}/day-closes/{day.date}", headers=admin.headers)
    assert record.status_code == 200
    assert record.json()["review"] == 2
    assert record.json()["unresolved"] == 1


def test_a_day_not_over_is_not_closed(session: Session, settings: Settings) -> None:
    day = df.delivery_day(session, date=df.today(), stops=1)
    with pytest.raises(DayNotOver):
        close(session, settings, day.date)
    assert df.order_status(session, day.orders[0].id) == "scheduled"


def test_api_close(session: Session, client: TestClient, admin: factories.Login) -> None:
    day = df.delivery_day(session, date=yesterday(), stops=2)
    answer = client.post(f"{API}/day-closes", json={"date": str(day.date)}, headers=admin.headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["delivered"], body["not_delivered"], body["unresolved"]) == (2, 0, 0)
    assert body["policy"] == "delivered"

    today = client.post(f"{API}/day-closes", json={"date": str(df.today())}, headers=admin.headers)
    assert today.status_code == 409
    assert today.json()["code"] == "day_not_over"
    unknown = client.post(f"{API}/day-closes", json={"date": "x", "y": 1}, headers=admin.headers)
    assert unknown.status_code == 422
    boy = client.post(f"{API}/day-closes", json={"date": str(day.date)}, headers=day.boy.headers)
    assert boy.status_code == 403
    assert client.get(f"{API}/day-closes/2001-01-01", headers=admin.headers).status_code == 404
    recent = client.get(f"{API}/day-closes", headers=admin.headers).json()
    assert recent[0]["date"] == str(day.date)


def test_a_person_corrects_a_close_mark(
    session: Session, settings: Settings, client: TestClient, admin: factories.Login
) -> None:
    day = df.delivery_day(session, date=yesterday(), stops=1)
    close(session, settings, day.date)
    # The delivery boy reports the next morning that nobody was home: an ordinary correction.
    answer = client.post(
        f"{API}/delivery-boy/mark-delivered",
        json=day.body(0, status="not_delivered", reason="customer_unavailable"),
        headers=admin.headers,
    )
    assert answer.status_code == 200, answer.text
    status = df.status_of(session, day.orders[0].id)
    assert status is not None
    assert status.recorded_by_close_id is None
    assert status.recorded_by_user_id == admin.user.id
    assert df.order_status(session, day.orders[0].id) == "not_delivered"


def test_dates_to_close_catches_up_missed_days(session: Session, settings: Settings) -> None:
    today = df.today()
    old = df.delivery_day(session, date=today - dt.timedelta(days=5), stops=1)
    morning = dt.datetime.combine(today, dt.time(9, 0), settings.zone)
    noon = dt.datetime.combine(today, dt.time(11, 0), settings.zone)
    before = closing.dates_to_close(session, settings, morning)
    assert old.date in before
    assert today - dt.timedelta(days=1) not in before
    after = closing.dates_to_close(session, settings, noon)
    assert after[-1] == today - dt.timedelta(days=1)
    assert old.date in after
    # History older than a week is left for a person to close (reconciliation lists it).
    ancient = df.order(
        session,
        customer=old.customers[0],
        product=old.product,
        day=today - dt.timedelta(days=40),
    )
    assert ancient.delivery_date not in closing.dates_to_close(session, settings, noon)


def test_the_scheduler_job_closes_the_days_missed(
    session: Session, settings: Settings, database: Database
) -> None:
    today = df.today()
    missed = df.delivery_day(session, date=today - dt.timedelta(days=3), stops=2)
    session.commit()
    closing.catch_up(database, settings)
    session.expire_all()
    assert df.order_status(session, missed.orders[0].id) == "delivered"
    assert closes.close_of(session, missed.date) is not None
    assert closes.close_of(session, today - dt.timedelta(days=1)) is not None or (
        closing.close_at(today - dt.timedelta(days=1), settings) > clock.now()
    )


def test_a_mark_by_a_person_is_not_audited_as_the_close(
    session: Session, settings: Settings
) -> None:
    day = df.delivery_day(session, date=yesterday(), stops=2)
    boy_marker = delivery_service.Marker.for_user(day.boy.user, factories.ACTOR)
    # The clock is held still: the mark and the close happen at the same instant.
    delivery_service.mark_order(session, boy_marker, MarkRequest(**day.body(0)), today=df.today())
    close(session, settings, day.date)
    actions = [e.action for e in df.events_of(session, day.orders[0].id)]
    assert "delivery.close" not in actions
    assert [e.action for e in df.events_of(session, day.orders[1].id)].count("delivery.close") == 1
