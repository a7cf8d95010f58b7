"""Shared delivery links over the API: created by an admin, shown once, scoped, expiring,
revocable, audited, with privacy headers on every answer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit.models import AuditEvent
from milkrun.links import tokens
from milkrun.links.models import SharedDeliveryLink
from tests import factories
from tests.deliveries import factories as day_factories
from tests.deliveries.factories import ZONE, Day, events_of, order_status, status_of

LINKS = "/api/v1/shared-delivery-links"
HOLDER = "/api/v1/shared-delivery-link"


@pytest.fixture
def day(session: Session) -> Day:
    return day_factories.delivery_day(session)


@pytest.fixture
def token(session: Session, day: Day, admin: factories.Login) -> str:
    _link, token = day_factories.link(session, day.route, day.date, admin=admin.user)
    return token


def assert_link_headers(response: Response) -> None:
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert response.headers["Cache-Control"] == "no-store"


def test_an_admin_creates_a_link_shown_once_and_only_its_hash_is_stored(
    client: TestClient, session: Session, day: Day, admin: factories.Login
) -> None:
    body = {"route_id": day.route.id, "delivery_date": day.date.isoformat(), "label": "Suresh"}

    response = client.post(LINKS, json=body, headers=admin.headers)

    assert response.status_code == 201, response.text
    created = response.json()
    token = created["token"]
    assert tokens.looks_like_token(token)
    assert created["url"].endswith(f"/l/{token}")
    assert created["label"] == "Suresh"
    link = session.get(SharedDeliveryLink, created["id"])
    assert link is not None
    assert link.token_hash == tokens.token_hash(token)
    assert link.created_by_user_id == admin.user.id
    # The default expiry: the end of the delivery date plus six hours, in the dairy's zone.
    expected = dt.datetime.combine(day.date + dt.timedelta(days=1), dt.time(6, 0), tzinfo=ZONE)
    assert dt.datetime.fromisoformat(created["expires_at"]) == expected
    listed = client.get(LINKS, params={"route_id": day.route.id}, headers=admin.headers).json()
    assert [item["id"] for item in listed["items"]] == [created["id"]]
    assert "token" not in listed["items"][0]
    trail = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "shared_delivery_link.create")
    ).all()
    assert len(trail) == 1
    assert token not in str(trail[0].after)
    assert link.token_hash not in str(trail[0].after)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"delivery_date": "2026-01-01"}, "link_would_be_expired"),
        ({"delivery_date": "9999-12-31"}, "date_out_of_window"),
        ({"expires_at": "2020-01-01T00:00:00+00:00"}, "link_would_be_expired"),
        ({"expires_at": "2099-01-01T00:00:00+00:00"}, "link_expiry_too_late"),
        ({"route_id": 2_000_000_000}, "route_not_found"),
    ],
)
def test_a_link_that_could_not_work_is_refused(
    client: TestClient,
    session: Session,
    day: Day,
    admin: factories.Login,
    changes: dict[str, Any],
    code: str,
) -> None:
    body = {"route_id": day.route.id, "delivery_date": day.date.isoformat(), "label": "Suresh"}

    response = client.post(LINKS, json={**body, **changes}, headers=admin.headers)

    assert response.status_code == 400, response.text
    assert response.json()["code"] == code
    assert session.scalars(select(SharedDeliveryLink)).all() == []


def test_a_naive_expiry_is_malformed(client: TestClient, day: Day, admin: factories.Login) -> None:
    body = {
        "route_id": day.route.id,
        "delivery_date": day.date.isoformat(),
        "label": "Suresh",
        "expires_at": "2099-01-01T00:00:00",
    }

    assert client.post(LINKS, json=body, headers=admin.headers).status_code == 422


def test_the_holder_reads_the_manifest_of_the_links_route_and_date_and_it_is_audited(
    client: TestClient, session: Session, day: Day, token: str
) -> None:
    other = day_factories.delivery_day(session)

    response = client.get(f"{HOLDER}/{token}")

    assert response.status_code == 200, response.text
    assert_link_headers(response)
    manifest = response.json()
    assert manifest["route"]["id"] == day.route.id
    assert manifest["date"] == day.date.isoformat()
    assert manifest["link"]["label"] == "Ravi (substitute)"
    orders = [o["id"] for stop in manifest["stops"] for o in stop["orders"]]
    assert orders == [o.id for o in day.orders]
    assert not set(orders) & {o.id for o in other.orders}
    opened = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "shared_delivery_link.open")
    ).all()
    assert len(opened) == 1
    assert opened[0].actor_link_id is not None
    assert opened[0].actor_label == "link: Ravi (substitute)"
    assert opened[0].channel == "link"


def test_the_holder_marks_an_order_of_its_route_and_the_trail_names_the_link(
    client: TestClient, session: Session, day: Day, token: str
) -> None:
    response = client.post(f"{HOLDER}/{token}/mark-delivered", json=day.body(0))

    assert response.status_code == 200, response.text
    assert_link_headers(response)
    body = response.json()
    assert body["recorded_by"] == "link: Ravi (substitute)"
    assert body["recorded_by_user_id"] is None
    link_id = body["recorded_by_link_id"]
    row = status_of(session, day.orders[0].id)
    assert row is not None
    assert row.recorded_by_link_id == link_id
    assert row.recorded_by_user_id is None
    (event,) = events_of(session, day.orders[0].id)
    assert (event.actor_link_id, event.actor_user_id, event.channel) == (link_id, None, "link")
    assert event.actor_label == "link: Ravi (substitute)"


def test_a_link_can_do_nothing_outside_its_route_and_date(
    client: TestClient, session: Session, day: Day, token: str
) -> None:
    other_route = day_factories.delivery_day(session)
    yesterday = day_factories.order(
        session,
        customer=day.customers[0],
        product=day.product,
        day=day.date - dt.timedelta(days=1),
    )
    yesterdays = {"order_id": yesterday.id, "customer_id": yesterday.customer_id}

    responses = [
        client.post(f"{HOLDER}/{token}/mark-delivered", json=other_route.body(0)),
        client.post(f"{HOLDER}/{token}/mark-delivered", json={**yesterdays, "status": "delivered"}),
        client.post(
            f"{HOLDER}/{token}/mark-stop",
            json={
                "customer_id": other_route.customers[0].id,
                "delivery_date": day.date.isoformat(),
                "status": "delivered",
            },
        ),
    ]

    for response in responses:
        assert response.status_code == 403, response.text
        assert response.json()["code"] == "order_not_in_scope"
        assert_link_headers(response)
    assert order_status(session, other_route.orders[0].id) == "scheduled"
    assert order_status(session, yesterday.id) == "scheduled"


def test_the_holder_marks_a_whole_stop(
    client: TestClient, session: Session, day: Day, token: str
) -> None:
    response = client.post(
        f"{HOLDER}/{token}/mark-stop",
        json={
            "customer_id": day.customers[1].id,
            "delivery_date": day.date.isoformat(),
            "status": "not_delivered",
            "reason": "address_not_found",
        },
    )

    assert response.status_code == 200, response.text
    assert order_status(session, day.orders[1].id) == "not_delivered"


def test_link_idempotency_keys_belong_to_the_link(
    client: TestClient, session: Session, day: Day, token: str
) -> None:
    headers = {"Idempotency-Key": "same"}
    first = client.post(f"{HOLDER}/{token}/mark-delivered", json=day.body(0), headers=headers)
    mine = client.post(
        "/api/v1/delivery-boy/mark-delivered",
        json=day.body(1),
        headers={**day.boy.headers, **headers},
    )
    retry = client.post(f"{HOLDER}/{token}/mark-delivered", json=day.body(0), headers=headers)

    assert first.status_code == mine.status_code == 200
    assert mine.json()["order_id"] == day.orders[1].id
    assert retry.json() == first.json()
    assert retry.headers["Idempotency-Replayed"] == "true"
    assert_link_headers(retry)


def test_an_unknown_token_is_404_with_the_headers(client: TestClient, day: Day) -> None:
    for response in (
        client.get(f"{HOLDER}/{tokens.new_token()}"),
        client.get(f"{HOLDER}/short"),
        client.post(f"{HOLDER}/{tokens.new_token()}/mark-delivered", json=day.body(0)),
    ):
        assert response.status_code == 404
        assert response.json()["code"] == "link_not_found"
        assert "whole link" in response.json()["detail"]
        assert_link_headers(response)


def test_a_revoked_link_is_gone_with_a_sentence_and_revoking_twice_changes_nothing(
    client: TestClient, session: Session, day: Day, admin: factories.Login
) -> None:
    link, token = day_factories.link(session, day.route, day.date, admin=admin.user)

    first = client.delete(f"{LINKS}/{link.id}", headers=admin.headers)
    second = client.delete(f"{LINKS}/{link.id}", headers=admin.headers)
    read = client.get(f"{HOLDER}/{token}")
    mark = client.post(f"{HOLDER}/{token}/mark-delivered", json=day.body(0))

    assert first.status_code == second.status_code == 204
    for response in (read, mark):
        assert response.status_code == 410
        assert response.json()["code"] == "link_revoked"
        assert "switched off by the dairy" in response.json()["detail"]
        assert "Ask the dairy for a new link" in response.json()["detail"]
        assert_link_headers(response)
    assert status_of(session, day.orders[0].id) is None
    revokes = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "shared_delivery_link.revoke")
    ).all()
    assert len(revokes) == 1
    assert client.delete(f"{LINKS}/2000000000", headers=admin.headers).status_code == 404


def test_an_expired_link_is_gone_with_the_time_it_stopped(
    client: TestClient, session: Session, day: Day, token: str
) -> None:
    expiry = dt.datetime.combine(day.date + dt.timedelta(days=1), dt.time(6, 0), tzinfo=ZONE)
    clock.freeze(expiry - dt.timedelta(seconds=1))
    assert client.get(f"{HOLDER}/{token}").status_code == 200

    clock.freeze(expiry)
    response = client.get(f"{HOLDER}/{token}")

    assert response.status_code == 410
    assert response.json()["code"] == "link_expired"
    assert f"06:00 on {expiry:%a %d %b %Y}" in response.json()["detail"]
    assert_link_headers(response)


def test_a_malformed_body_to_a_link_still_carries_the_headers(
    client: TestClient, token: str
) -> None:
    response = client.post(f"{HOLDER}/{token}/mark-delivered", json={"order_id": "x"})

    assert response.status_code == 422
    assert_link_headers(response)
