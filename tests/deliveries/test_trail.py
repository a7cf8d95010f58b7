"""GET /audit-events?order_id=: who delivered this order, when, through which channel, what
changed."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories
from tests.deliveries import factories as day_factories


def test_the_trail_of_an_order_names_each_marker_channel_and_change(
    client: TestClient, session: Session, admin: factories.Login
) -> None:
    day = day_factories.delivery_day(session)
    _link, token = day_factories.link(session, day.route, day.date, label="Suresh (Sunday)")
    order = day.orders[0]
    client.post(f"/api/v1/shared-delivery-link/{token}/mark-delivered", json=day.body(0))
    client.post(
        "/api/v1/delivery-boy/mark-delivered",
        json=day.body(0, status="partially_delivered", quantity_delivered=1),
        headers=day.boy.headers,
    )
    client.post(
        "/api/v1/delivery-boy/mark-delivered",
        json=day.body(1),
        headers=day.boy.headers,
    )

    response = client.get(
        "/api/v1/audit-events", params={"order_id": order.id}, headers=admin.headers
    )

    assert response.status_code == 200
    events = response.json()["items"]
    assert [e["action"] for e in events] == ["delivery.correct", "delivery.mark"]
    correction, mark = events
    assert mark["channel"] == "link"
    assert mark["actor_label"] == "link: Suresh (Sunday)"
    assert mark["actor_link_id"] == _link.id
    assert mark["actor_user_id"] is None
    assert mark["order_id"] == order.id
    assert mark["customer_id"] == order.customer_id
    assert mark["before"]["status"] == "scheduled"
    assert mark["after"]["status"] == "delivered"
    assert mark["after"]["quantity_delivered"] == 2
    assert correction["channel"] == "api"
    assert correction["actor_user_id"] == day.boy.user.id
    assert correction["actor_label"] == f"delivery_boy:{day.boy.user.name}"
    assert correction["before"]["status"] == "delivered"
    assert correction["after"]["quantity_delivered"] == 1
    assert correction["occurred_at"] >= mark["occurred_at"]
