"""Subscriptions, pauses and day changes over the API: admins and a customer's own (/me),
refusals that change nothing, the cut-off, isolation between customers, one audit event per
change."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit.models import AuditEvent
from milkrun.catalog import service as catalog_service
from milkrun.catalog.schemas import ProductUpdate
from milkrun.config import Settings
from milkrun.orders.models import Order
from milkrun.subscriptions.models import Override, Pause, Subscription
from tests import factories
from tests.factories import ACTOR
from tests.order_book import (
    AFTER_CUTOFF,
    BEFORE_CUTOFF,
    TODAY,
    TOMORROW,
    Shop,
    audit_count,
    day,
    make_shop,
)

API = "/api/v1"


@pytest.fixture
def shop(session: Session, settings: Settings) -> Shop:
    return make_shop(session, settings)


def body(shop: Shop, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "customer_id": shop.me_id,
        "product_id": shop.dairy.milk.id,
        "shift": "morning",
        "start_date": TOMORROW.isoformat(),
        "end_date": None,
        "schedule": {"kind": "daily", "quantity": 2},
    }
    data.update(changes)
    return data


def subscribe(client: TestClient, shop: Shop, **changes: Any) -> dict[str, Any]:
    response = client.post(
        f"{API}/subscriptions", json=body(shop, **changes), headers=shop.admin.headers
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def counts(session: Session) -> tuple[int, int, int, int]:
    def n(model: type[Any]) -> int:
        return session.scalar(select(func.count()).select_from(model)) or 0

    return n(Subscription), n(Pause), n(Override), audit_count(session)


def test_admin_creates_reads_and_lists(client: TestClient, session: Session, shop: Shop) -> None:
    created = subscribe(
        client, shop, schedule={"kind": "weekdays", "quantities": {"mon": 1, "wed": 1, "sat": 2}}
    )
    assert created["customer_id"] == shop.me_id
    assert created["schedule"] == {
        "kind": "weekdays",
        "quantities": {"mon": 1, "tue": 0, "wed": 1, "thu": 0, "fri": 0, "sat": 2, "sun": 0},
    }
    assert (created["status"], created["start_date"], created["upcoming_changes"]) == (
        "upcoming",
        TOMORROW.isoformat(),
        [],
    )
    url = f"{API}/subscriptions/{created['id']}"
    assert client.get(url, headers=shop.admin.headers).json() == created
    assert client.get(url, headers=shop.me.headers).json() == created  # its own
    listed = client.get(
        f"{API}/subscriptions", params={"customer_id": shop.me_id}, headers=shop.admin.headers
    ).json()
    assert [s["id"] for s in listed["items"]] == [created["id"]]
    mine = client.get(f"{API}/me/subscriptions", headers=shop.me.headers).json()
    assert [s["id"] for s in mine["items"]] == [created["id"]]
    assert client.get(f"{API}/me/subscriptions", headers=shop.other.headers).json()["items"] == []


def test_a_customer_subscribes_itself(client: TestClient, shop: Shop) -> None:
    mine = body(shop, schedule={"kind": "every_n_days", "n": 3, "quantity": 1})
    del mine["customer_id"]
    response = client.post(f"{API}/me/subscriptions", json=mine, headers=shop.me.headers)
    assert response.status_code == 201, response.text
    assert response.json()["customer_id"] == shop.me_id
    assert response.json()["schedule"] == {"kind": "every_n_days", "n": 3, "quantity": 1}
    # Naming a customer, even itself, is not part of the /me body.
    response = client.post(f"{API}/me/subscriptions", json=body(shop), headers=shop.me.headers)
    assert response.status_code == 422
    # Only admins post to /subscriptions.
    assert (
        client.post(f"{API}/subscriptions", json=body(shop), headers=shop.me.headers).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"end_date": TODAY.isoformat()}, 400, "end_before_start"),
        ({"schedule": {"kind": "weekdays", "quantities": {}}}, 422, "validation_failed"),
        ({"schedule": {"kind": "weekdays", "quantities": {"mon": 0}}}, 422, "validation_failed"),
        ({"schedule": {"kind": "daily", "quantity": 0}}, 422, "validation_failed"),
        ({"schedule": {"kind": "every_n_days", "n": 0, "quantity": 1}}, 422, "validation_failed"),
        ({"schedule": {"kind": "daily"}}, 422, "validation_failed"),
        ({"product_id": 987654}, 400, "product_not_found"),
        ({"customer_id": 987654}, 404, "customer_not_found"),
        ({"start_date": day(-1).isoformat()}, 409, "date_in_past"),
        ({"colour": "blue"}, 422, "validation_failed"),
    ],
)
def test_bad_input_changes_nothing(
    client: TestClient,
    session: Session,
    shop: Shop,
    changes: dict[str, Any],
    status: int,
    code: str,
) -> None:
    before = counts(session)
    response = client.post(
        f"{API}/subscriptions", json=body(shop, **changes), headers=shop.admin.headers
    )
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    assert response.headers["content-type"] == "application/problem+json"
    assert counts(session) == before


def test_an_inactive_product_is_refused(client: TestClient, session: Session, shop: Shop) -> None:
    catalog_service.update_product(
        session, shop.dairy.curd.id, ProductUpdate(is_active=False), ACTOR
    )
    before = counts(session)
    response = client.post(
        f"{API}/subscriptions",
        json=body(shop, product_id=shop.dairy.curd.id),
        headers=shop.admin.headers,
    )
    assert (response.status_code, response.json()["code"]) == (400, "product_inactive")
    assert counts(session) == before


def test_patch_with_effective_from(client: TestClient, session: Session, shop: Shop) -> None:
    started = factories.subscription(
        session, customer=shop.me_id, product=shop.dairy.milk, start=day(-7)
    )
    url = f"{API}/me/subscriptions/{started.id}"
    events = audit_count(session)
    response = client.patch(
        url,
        json={
            "effective_from": day(10).isoformat(),
            "schedule": {"kind": "alternate_days", "quantity": 3},
            "product_id": shop.dairy.curd.id,
        },
        headers=shop.me.headers,
    )
    assert response.status_code == 200, response.text
    changed = response.json()
    # Today's terms are still the old ones; the change is planned.
    assert (changed["schedule"], changed["product_id"], changed["status"]) == (
        {"kind": "daily", "quantity": 1},
        shop.dairy.milk.id,
        "active",
    )
    assert changed["upcoming_changes"] == [
        {
            "effective_from": day(10).isoformat(),
            "product_id": shop.dairy.curd.id,
            "shift": "morning",
            "schedule": {"kind": "alternate_days", "quantity": 3},
            "anchor_date": day(10).isoformat(),
        }
    ]
    assert audit_count(session) == events + 1
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event is not None
    assert event.action == "subscription.change"
    assert event.actor_user_id == shop.me.user.id
    assert event.before is not None
    assert event.after is not None
    assert len(event.before["terms"]) == 1
    assert len(event.after["terms"]) == 2

    # Quantity alone, nothing else: from the first open date (tomorrow).
    response = client.patch(url, json={"quantity": 2}, headers=shop.me.headers)
    assert [c["effective_from"] for c in response.json()["upcoming_changes"]] == [
        TOMORROW.isoformat(),
        day(10).isoformat(),
    ]
    bad = client.patch(url, json={"quantity": 0}, headers=shop.me.headers)
    assert bad.status_code == 422
    bad = client.patch(url, json={"end_date": day(-8).isoformat()}, headers=shop.me.headers)
    assert (bad.status_code, bad.json()["code"]) == (400, "end_before_start")


def test_another_customer_s_subscription_is_not_found(
    client: TestClient, session: Session, shop: Shop
) -> None:
    theirs = factories.subscription(session, customer=shop.other_id, product=shop.dairy.milk)
    pause = factories.pause(session, customer_id=shop.other_id, start=day(3))
    before = counts(session)
    h = shop.me.headers
    for prefix in (f"{API}/subscriptions", f"{API}/me/subscriptions"):
        url = f"{prefix}/{theirs.id}"
        calls = [
            client.get(url, headers=h),
            client.patch(url, json={"quantity": 5}, headers=h),
            client.get(f"{url}/pauses", headers=h),
            client.post(f"{url}/pauses", json={"start_date": day(3).isoformat()}, headers=h),
            client.get(f"{url}/overrides", headers=h),
            client.put(f"{url}/overrides/{day(3)}", json={"quantity": 0}, headers=h),
            client.delete(f"{url}/overrides/{day(3)}", headers=h),
        ]
        for response in calls:
            assert response.status_code == 404, (response.request.url, response.text)
            assert response.json()["code"] == "subscription_not_found"
    for url in (f"{API}/pauses/{pause.id}", f"{API}/me/pauses/{pause.id}"):
        assert (
            client.patch(url, json={"end_date": day(4).isoformat()}, headers=h).status_code == 404
        )
        assert client.delete(url, headers=h).status_code == 404
    others = f"{API}/customers/{shop.other_id}/pauses"
    assert client.get(others, headers=h).status_code == 404
    assert (
        client.post(others, json={"start_date": day(9).isoformat()}, headers=h).status_code == 404
    )
    assert client.get(f"{API}/me/pauses", headers=h).json() == []
    assert counts(session) == before


def test_pauses_over_the_api(client: TestClient, session: Session, shop: Shop) -> None:
    sub = factories.subscription(session, customer=shop.me_id, product=shop.dairy.milk)
    h = shop.me.headers
    vacation = client.post(
        f"{API}/me/pauses", json={"start_date": day(3).isoformat(), "reason": "Goa"}, headers=h
    )
    assert vacation.status_code == 201, vacation.text
    assert (vacation.json()["subscription_id"], vacation.json()["end_date"]) == (None, None)
    assert vacation.json()["created_by_user_id"] == shop.me.user.id

    before = counts(session)
    overlapping = client.post(
        f"{API}/me/subscriptions/{sub.id}/pauses",
        json={"start_date": day(8).isoformat(), "end_date": day(9).isoformat()},
        headers=h,
    )
    assert (overlapping.status_code, overlapping.json()["code"]) == (409, "pause_overlaps")
    backwards = client.post(
        f"{API}/me/subscriptions/{sub.id}/pauses",
        json={"start_date": day(2).isoformat(), "end_date": day(1).isoformat()},
        headers=h,
    )
    assert (backwards.status_code, backwards.json()["code"]) == (400, "end_before_start")
    assert counts(session) == before

    resumed = client.patch(
        f"{API}/me/pauses/{vacation.json()['id']}", json={"end_date": day(6).isoformat()}, headers=h
    )
    assert resumed.status_code == 200, resumed.text
    assert resumed.json()["end_date"] == day(6).isoformat()
    own = client.post(
        f"{API}/subscriptions/{sub.id}/pauses",
        json={"start_date": day(8).isoformat(), "end_date": day(9).isoformat()},
        headers=h,
    )
    assert own.status_code == 201, own.text
    assert [
        p["id"] for p in client.get(f"{API}/subscriptions/{sub.id}/pauses", headers=h).json()
    ] == [
        vacation.json()["id"],
        own.json()["id"],
    ]
    assert client.delete(f"{API}/pauses/{own.json()['id']}", headers=h).status_code == 204
    admin_pause = client.post(
        f"{API}/customers/{shop.me_id}/pauses",
        json={"start_date": day(20).isoformat()},
        headers=shop.admin.headers,
    )
    assert admin_pause.status_code == 201
    listed = client.get(f"{API}/customers/{shop.me_id}/pauses", headers=shop.admin.headers).json()
    assert [p["id"] for p in listed] == [vacation.json()["id"], admin_pause.json()["id"]]


def test_overrides_over_the_api(client: TestClient, session: Session, shop: Shop) -> None:
    sub = factories.subscription(session, customer=shop.me_id, product=shop.dairy.milk)
    url = f"{API}/me/subscriptions/{sub.id}/overrides"
    h = shop.me.headers
    put = client.put(f"{url}/{day(3)}", json={"quantity": 3}, headers=h)
    assert put.status_code == 200, put.text
    assert (put.json()["delivery_date"], put.json()["quantity"]) == (day(3).isoformat(), 3)
    assert client.put(f"{url}/{day(4)}", json={"quantity": 0}, headers=h).status_code == 200
    assert [(o["delivery_date"], o["quantity"]) for o in client.get(url, headers=h).json()] == [
        (day(3).isoformat(), 3),
        (day(4).isoformat(), 0),
    ]
    assert client.delete(f"{url}/{day(4)}", headers=h).status_code == 204
    missing = client.delete(f"{url}/{day(4)}", headers=h)
    assert (missing.status_code, missing.json()["code"]) == (404, "override_not_found")
    assert client.put(f"{url}/{day(5)}", json={"quantity": -1}, headers=h).status_code == 422
    assert client.put(f"{url}/{day(5)}", json={"quantity": 1, "x": 1}, headers=h).status_code == 422
    assert client.put(f"{url}/not-a-date", json={"quantity": 1}, headers=h).status_code == 422


def test_the_cutoff_over_the_api(client: TestClient, session: Session, shop: Shop) -> None:
    sub = factories.subscription(session, customer=shop.me_id, product=shop.dairy.milk)
    override = f"{API}/subscriptions/{sub.id}/overrides/{TOMORROW}"
    clock.freeze(BEFORE_CUTOFF)
    assert client.put(override, json={"quantity": 2}, headers=shop.me.headers).status_code == 200

    clock.freeze(AFTER_CUTOFF)
    before = counts(session)
    late = client.put(override, json={"quantity": 3}, headers=shop.me.headers)
    assert late.status_code == 409
    assert late.json()["code"] == "cutoff_passed"
    assert "closed at 22:00 on Tue 01 Dec" in late.json()["detail"]
    for response in (
        client.post(
            f"{API}/me/pauses", json={"start_date": TOMORROW.isoformat()}, headers=shop.me.headers
        ),
        client.patch(
            f"{API}/me/subscriptions/{sub.id}",
            json={"effective_from": TOMORROW.isoformat(), "quantity": 4},
            headers=shop.me.headers,
        ),
    ):
        assert (response.status_code, response.json()["code"]) == (409, "cutoff_passed")
    assert counts(session) == before

    # An admin may still change tomorrow: audited, flagged as after the cut-off.
    admin = client.put(override, json={"quantity": 3}, headers=shop.admin.headers)
    assert admin.status_code == 200, admin.text
    assert counts(session)[3] == before[3] + 1
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event is not None
    assert event.action == "override.set"
    assert event.actor_user_id == shop.admin.user.id
    assert event.before is not None
    assert event.after is not None
    assert (event.before["quantity"], event.after["quantity"]) == (2, 3)
    assert event.after["after_cutoff"] is True


def test_every_change_is_one_audit_event(client: TestClient, session: Session, shop: Shop) -> None:
    """Each state-changing call writes exactly one event with what changed; reads, dry runs and
    refusals write none."""
    h = shop.admin.headers
    sub = subscribe(client, shop)["id"]
    calls: list[tuple[str, str, dict[str, Any] | None, int, str | None]] = [
        ("PATCH", f"/subscriptions/{sub}", {"quantity": 3}, 200, "subscription.change"),
        ("POST", f"/subscriptions/{sub}/pauses", {"start_date": str(day(3))}, 201, "pause.create"),
        ("POST", f"/subscriptions/{sub}/pauses", {"start_date": str(day(4))}, 409, None),
        (
            "POST",
            f"/customers/{shop.other_id}/pauses",
            {"start_date": str(day(2))},
            201,
            "pause.create",
        ),
        ("PUT", f"/subscriptions/{sub}/overrides/{day(2)}", {"quantity": 4}, 200, "override.set"),
        ("DELETE", f"/subscriptions/{sub}/overrides/{day(2)}", None, 204, "override.clear"),
        ("DELETE", f"/subscriptions/{sub}/overrides/{day(2)}", None, 404, None),
        ("GET", f"/subscriptions/{sub}", None, 200, None),
        (
            "POST",
            "/orders",
            {
                "customer_id": shop.me_id,
                "product_id": shop.dairy.milk.id,
                "delivery_date": str(day(2)),
                "quantity": 1,
            },
            201,
            "order.create",
        ),
        ("POST", "/orders/generate", {"date": str(TOMORROW), "dry_run": True}, 200, None),
        ("POST", "/orders/generate", {"date": str(TOMORROW)}, 200, "orders.generate"),
    ]
    for method, path, json, status, action in calls:
        before = audit_count(session)
        response = client.request(method, f"{API}{path}", json=json, headers=h)
        assert response.status_code == status, (method, path, response.text)
        assert audit_count(session) == before + (1 if action else 0), (method, path)
        if action:
            event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
            assert event is not None
            assert (event.action, event.actor_user_id) == (action, shop.admin.user.id)
            assert event.before is not None or event.after is not None

    pause = session.scalars(select(Pause).where(Pause.subscription_id == sub)).one()
    order = session.scalars(select(Order).where(Order.subscription_id.is_(None))).one()
    for method, path, json, action in [
        ("PATCH", f"/pauses/{pause.id}", {"end_date": str(day(5))}, "pause.update"),
        ("DELETE", f"/pauses/{pause.id}", None, "pause.delete"),
        ("POST", f"/orders/{order.id}/cancel", None, "order.cancel"),
    ]:
        before = audit_count(session)
        response = client.request(method, f"{API}{path}", json=json, headers=h)
        assert response.status_code in (200, 204), response.text
        assert audit_count(session) == before + 1
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert event is not None
        assert event.action == action
        assert event.before is not None
        if action == "order.cancel":
            assert event.order_id == order.id
