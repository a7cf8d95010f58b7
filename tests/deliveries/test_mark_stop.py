"""Marking a whole stop: every order of a customer on a date the caller may mark, at once."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from milkrun.orders.models import OrderStatus
from tests import factories
from tests.deliveries import factories as day_factories
from tests.deliveries.factories import Day, events_of, order_status, status_of

STOP = "/api/v1/delivery-boy/mark-stop"


@pytest.fixture
def day(session: Session) -> Day:
    day = day_factories.delivery_day(session)
    customer = day.customers[0]
    bread = factories.product(session, price="45.00")
    day.orders.append(
        day_factories.order(session, customer=customer, product=bread, day=day.date, quantity=1)
    )
    day.orders.append(
        day_factories.order(
            session,
            customer=customer,
            product=bread,
            day=day.date,
            status=OrderStatus.cancelled,
        )
    )
    return day


def _stop(day: Day, **changes: object) -> dict[str, object]:
    return {
        "customer_id": day.customers[0].id,
        "delivery_date": day.date.isoformat(),
        "status": "delivered",
        **changes,
    }


def test_a_stop_marks_every_open_order_of_the_customer_and_leaves_cancelled_ones(
    client: TestClient, session: Session, day: Day
) -> None:
    milk, bread, cancelled = day.orders[0], day.orders[3], day.orders[4]

    response = client.post(STOP, json=_stop(day), headers=day.boy.headers)

    assert response.status_code == 200, response.text
    body = response.json()
    assert [o["order_id"] for o in body["orders"]] == [milk.id, bread.id]
    assert [o["quantity_delivered"] for o in body["orders"]] == [2, 1]
    assert order_status(session, milk.id) == order_status(session, bread.id) == "delivered"
    assert order_status(session, cancelled.id) == "cancelled"
    assert status_of(session, cancelled.id) is None
    assert len(events_of(session, milk.id)) == len(events_of(session, bread.id)) == 1
    # Another customer's orders are untouched.
    assert order_status(session, day.orders[1].id) == "scheduled"


def test_a_stop_not_delivered_needs_a_reason_and_records_it_on_every_order(
    client: TestClient, session: Session, day: Day
) -> None:
    refused = client.post(STOP, json=_stop(day, status="not_delivered"), headers=day.boy.headers)
    marked = client.post(
        STOP,
        json=_stop(day, status="not_delivered", reason="customer_unavailable"),
        headers=day.boy.headers,
    )

    assert refused.status_code == 400
    assert refused.json()["code"] == "reason_required"
    assert marked.status_code == 200
    for order in (day.orders[0], day.orders[3]):
        row = status_of(session, order.id)
        assert row is not None
        assert (row.status, row.reason) == ("not_delivered", "customer_unavailable")


def test_a_stop_cannot_be_partially_delivered(client: TestClient, day: Day) -> None:
    response = client.post(
        STOP, json=_stop(day, status="partially_delivered"), headers=day.boy.headers
    )

    assert response.status_code == 422


def test_marking_a_stop_twice_records_nothing_the_second_time(
    client: TestClient, session: Session, day: Day
) -> None:
    client.post(STOP, json=_stop(day), headers=day.boy.headers)

    again = client.post(STOP, json=_stop(day), headers=day.boy.headers)

    assert again.status_code == 200
    assert [o["changed"] for o in again.json()["orders"]] == [False, False]
    assert len(events_of(session, day.orders[0].id)) == 1


def test_a_date_with_nothing_to_deliver_is_refused(
    client: TestClient, session: Session, day: Day
) -> None:
    yesterday = (day.date - dt.timedelta(days=1)).isoformat()

    response = client.post(STOP, json=_stop(day, delivery_date=yesterday), headers=day.boy.headers)

    assert response.status_code == 400
    assert response.json()["code"] == "no_orders"


def test_an_unknown_customer_is_refused(client: TestClient, day: Day) -> None:
    response = client.post(
        STOP, json=_stop(day, customer_id=2_000_000_000), headers=day.boy.headers
    )

    assert response.status_code == 400
    assert response.json()["code"] == "customer_not_found"


def test_another_delivery_boys_stop_is_out_of_scope(
    client: TestClient, session: Session, day: Day
) -> None:
    other = factories.login(session, factories.delivery_boy_user(session))

    response = client.post(STOP, json=_stop(day), headers=other.headers)

    assert response.status_code == 403
    assert response.json()["code"] == "order_not_in_scope"
    assert order_status(session, day.orders[0].id) == "scheduled"


def test_a_stop_with_a_later_date_is_refused_and_changes_nothing(
    client: TestClient, session: Session, day: Day
) -> None:
    tomorrow = day.date + dt.timedelta(days=1)
    future = day_factories.order(
        session, customer=day.customers[0], product=day.product, day=tomorrow
    )

    response = client.post(
        STOP, json=_stop(day, delivery_date=tomorrow.isoformat()), headers=day.boy.headers
    )

    assert response.status_code == 400
    assert response.json()["code"] == "order_not_due"
    assert order_status(session, future.id) == "scheduled"


def test_a_stop_with_an_idempotency_key_replays(
    client: TestClient, session: Session, day: Day
) -> None:
    headers = {**day.boy.headers, "Idempotency-Key": "stop-1"}
    first = client.post(STOP, json=_stop(day), headers=headers)
    retry = client.post(STOP, json=_stop(day), headers=headers)

    assert retry.json() == first.json()
    assert retry.headers["Idempotency-Replayed"] == "true"
    assert len(events_of(session, day.orders[0].id)) == 1
