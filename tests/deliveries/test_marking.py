"""Marking one order by login: the rules of a mark, who may mark what, corrections, no-ops."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from milkrun.orders.models import OrderStatus
from milkrun.routing import service as routing_service
from tests import factories
from tests.deliveries import factories as day_factories
from tests.deliveries.factories import Day, events_of, order_status, status_of

MARK = "/api/v1/delivery-boy/mark-delivered"


@pytest.fixture
def day(session: Session) -> Day:
    return day_factories.delivery_day(session)


def test_delivered_records_the_whole_quantity_the_order_status_and_one_audit_event(
    client: TestClient, session: Session, day: Day
) -> None:
    response = client.post(MARK, json=day.body(0), headers=day.boy.headers)

    assert response.status_code == 200, response.text
    body = response.json()
    order = day.orders[0]
    assert body["order_id"] == order.id
    assert body["status"] == "delivered"
    assert body["quantity_delivered"] == 2
    assert body["recorded_by"] == day.boy.user.name
    assert body["recorded_by_user_id"] == day.boy.user.id
    assert body["changed"] is True
    assert dt.datetime.fromisoformat(body["recorded_at"]).tzinfo is not None
    row = status_of(session, order.id)
    assert row is not None
    assert (row.status, row.quantity_delivered, row.reason) == ("delivered", 2, None)
    assert row.recorded_by_user_id == day.boy.user.id
    assert row.recorded_by_link_id is None
    assert order_status(session, order.id) == "delivered"
    (event,) = events_of(session, order.id)
    assert event.action == "delivery.mark"
    assert event.actor_user_id == day.boy.user.id
    assert event.customer_id == order.customer_id
    assert event.before is not None
    assert event.before["status"] == "scheduled"
    assert event.after is not None
    assert event.after["status"] == "delivered"


def test_partial_and_not_delivered_are_recorded_with_their_quantity_and_reason(
    client: TestClient, session: Session, day: Day
) -> None:
    partial = day.body(
        0, status="partially_delivered", quantity_delivered=1, notes="only one pouch left"
    )
    missed = day.body(1, status="not_delivered", reason="customer_unavailable")

    assert client.post(MARK, json=partial, headers=day.boy.headers).status_code == 200
    assert client.post(MARK, json=missed, headers=day.boy.headers).status_code == 200

    first, second = status_of(session, day.orders[0].id), status_of(session, day.orders[1].id)
    assert first is not None
    assert second is not None
    assert (first.status, first.quantity_delivered, first.notes) == (
        "partially_delivered",
        1,
        "only one pouch left",
    )
    assert (second.status, second.quantity_delivered, second.reason) == (
        "not_delivered",
        0,
        "customer_unavailable",
    )
    assert order_status(session, day.orders[0].id) == "partially_delivered"
    assert order_status(session, day.orders[1].id) == "not_delivered"


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"quantity_delivered": 3}, 400, "quantity_above_ordered"),
        ({"status": "partially_delivered", "quantity_delivered": 3}, 400, "quantity_above_ordered"),
        ({"status": "partially_delivered", "quantity_delivered": 2}, 400, "quantity_mismatch"),
        ({"status": "partially_delivered", "quantity_delivered": 0}, 400, "quantity_mismatch"),
        ({"status": "partially_delivered"}, 400, "quantity_required"),
        ({"status": "not_delivered"}, 400, "reason_required"),
        (
            {"status": "not_delivered", "quantity_delivered": 1, "reason": "refused"},
            400,
            "quantity_mismatch",
        ),
        ({"quantity_delivered": 1}, 400, "quantity_mismatch"),
        ({"reason": "refused"}, 400, "reason_not_allowed"),
        ({"delivery_date": "2026-01-01"}, 400, "date_mismatch"),
        ({"delivery_date": "0001-01-01"}, 400, "date_out_of_window"),
        ({"order_id": 2_000_000_000}, 400, "order_not_found"),
        ({"quantity_delivered": -1}, 422, "validation_failed"),
        ({"status": "lost"}, 422, "validation_failed"),
        ({"reason": "tired"}, 422, "validation_failed"),
        ({"colour": "blue"}, 422, "validation_failed"),
        ({"notes": "x" * 501}, 422, "validation_failed"),
        ({"order_id": None}, 422, "validation_failed"),
    ],
)
def test_bad_input_is_refused_clearly_and_changes_nothing(
    client: TestClient,
    session: Session,
    day: Day,
    changes: dict[str, Any],
    status: int,
    code: str,
) -> None:
    response = client.post(MARK, json=day.body(0, **changes), headers=day.boy.headers)

    assert response.status_code == status, response.text
    problem = response.json()
    assert problem["code"] == code
    assert problem["detail"]
    assert response.headers["content-type"].startswith("application/problem+json")
    order = day.orders[0]
    assert status_of(session, order.id) is None
    assert order_status(session, order.id) == "scheduled"
    assert events_of(session, order.id) == []


def test_a_customer_that_is_not_the_orders_is_refused(
    client: TestClient, session: Session, day: Day
) -> None:
    body = day.body(0, customer_id=day.customers[1].id)

    response = client.post(MARK, json=body, headers=day.boy.headers)

    assert response.status_code == 400
    assert response.json()["code"] == "customer_mismatch"
    assert status_of(session, day.orders[0].id) is None


def test_an_order_of_a_later_date_cannot_be_marked_yet(
    client: TestClient, session: Session, day: Day
) -> None:
    tomorrow = day_factories.order(
        session,
        customer=day.customers[0],
        product=day.product,
        day=day.date + dt.timedelta(days=1),
    )
    body = {"order_id": tomorrow.id, "customer_id": tomorrow.customer_id, "status": "delivered"}

    response = client.post(MARK, json=body, headers=day.boy.headers)

    assert response.status_code == 400
    assert response.json()["code"] == "order_not_due"
    assert status_of(session, tomorrow.id) is None


def test_a_cancelled_order_cannot_be_marked(client: TestClient, session: Session, day: Day) -> None:
    cancelled = day_factories.order(
        session,
        customer=day.customers[0],
        product=day.product,
        day=day.date,
        status=OrderStatus.cancelled,
    )
    body = {"order_id": cancelled.id, "customer_id": cancelled.customer_id, "status": "delivered"}

    response = client.post(MARK, json=body, headers=day.boy.headers)

    assert response.status_code == 409
    assert response.json()["code"] == "order_cancelled"
    assert order_status(session, cancelled.id) == "cancelled"
    assert status_of(session, cancelled.id) is None


def test_the_same_mark_twice_is_a_no_op_with_no_second_audit_event(
    client: TestClient, session: Session, day: Day
) -> None:
    body = day.body(0, status="partially_delivered", quantity_delivered=1)
    first = client.post(MARK, json=body, headers=day.boy.headers)
    second = client.post(MARK, json=body, headers=day.boy.headers)

    assert first.status_code == second.status_code == 200
    assert first.json()["changed"] is True
    assert second.json()["changed"] is False
    assert second.json()["recorded_at"] == first.json()["recorded_at"]
    assert len(events_of(session, day.orders[0].id)) == 1
    row = status_of(session, day.orders[0].id)
    assert row is not None
    assert row.version == 1


def test_a_correction_is_allowed_and_audited_with_before_and_after(
    client: TestClient, session: Session, day: Day, admin: factories.Login
) -> None:
    assert client.post(MARK, json=day.body(0), headers=day.boy.headers).status_code == 200
    correction = day.body(0, status="not_delivered", reason="refused", notes="complaint")

    response = client.post(MARK, json=correction, headers=admin.headers)

    assert response.status_code == 200, response.text
    assert response.json()["recorded_by"] == admin.user.name
    order_id = day.orders[0].id
    row = status_of(session, order_id)
    assert row is not None
    assert (row.status, row.quantity_delivered, row.reason, row.version) == (
        "not_delivered",
        0,
        "refused",
        2,
    )
    assert row.recorded_by_user_id == admin.user.id
    assert order_status(session, order_id) == "not_delivered"
    mark, correct = events_of(session, order_id)
    assert (mark.action, correct.action) == ("delivery.mark", "delivery.correct")
    assert correct.actor_user_id == admin.user.id
    assert correct.before == {
        "status": "delivered",
        "quantity_delivered": 2,
        "reason": None,
        "notes": None,
    }
    assert correct.after is not None
    assert correct.after["status"] == "not_delivered"
    assert correct.after["reason"] == "refused"


def test_a_delivery_boy_marks_only_orders_of_the_routes_he_walks(
    client: TestClient, session: Session, day: Day
) -> None:
    other = day_factories.delivery_day(session)

    response = client.post(MARK, json=other.body(0), headers=day.boy.headers)

    assert response.status_code == 403
    assert response.json()["code"] == "order_not_in_scope"
    assert status_of(session, other.orders[0].id) is None


def test_a_substitute_marks_the_route_on_his_date_and_the_default_boy_may_not(
    client: TestClient, session: Session, day: Day
) -> None:
    substitute = factories.login(session, factories.delivery_boy_user(session, name="Suresh"))
    routing_service.set_substitute(
        session, day.route.id, day.date, substitute.user.id, factories.ACTOR
    )

    refused = client.post(MARK, json=day.body(0), headers=day.boy.headers)
    accepted = client.post(MARK, json=day.body(0), headers=substitute.headers)

    assert refused.status_code == 403
    assert refused.json()["code"] == "order_not_in_scope"
    assert accepted.status_code == 200
    assert accepted.json()["recorded_by"] == "Suresh"


def test_a_substitute_on_another_date_does_not_change_who_marks_today(
    client: TestClient, session: Session, day: Day
) -> None:
    substitute = factories.login(session, factories.delivery_boy_user(session))
    routing_service.set_substitute(
        session, day.route.id, day.date + dt.timedelta(days=1), substitute.user.id, factories.ACTOR
    )

    assert client.post(MARK, json=day.body(0), headers=substitute.headers).status_code == 403
    assert client.post(MARK, json=day.body(0), headers=day.boy.headers).status_code == 200


def test_an_admin_may_mark_any_order_and_a_customer_none(
    client: TestClient,
    session: Session,
    day: Day,
    admin: factories.Login,
    customer: factories.Login,
) -> None:
    refused = client.post(MARK, json=day.body(0), headers=customer.headers)
    accepted = client.post(MARK, json=day.body(0), headers=admin.headers)

    assert refused.status_code == 403
    assert accepted.status_code == 200
    assert events_of(session, day.orders[0].id)[0].actor_user_id == admin.user.id
