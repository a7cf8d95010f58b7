"""Fifty concurrent requests marking one order, over HTTP against a live server on a database that
really commits: one consistent final state, one audit event per effective change."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from milkrun.deliveries.models import DeliveryStatus, IdempotencyKey
from milkrun.orders.models import Order
from tests.deliveries import factories as day_factories
from tests.deliveries.factories import events_of
from tests.web.conftest import LiveServer, live_server  # noqa: F401 (the fixture)

pytestmark = pytest.mark.committed

MARK = "/api/v1/delivery-boy/mark-delivered"
REQUESTS = 50
OUTCOMES = ("status", "quantity_delivered", "reason", "notes")


@dataclass
class Target:
    order_id: int
    customer_id: int
    headers: dict[str, str]


@pytest.fixture
def target(live_server: LiveServer) -> Target:  # noqa: F811 (the imported fixture)
    with live_server.database.session_scope() as session:
        day = day_factories.delivery_day(session, stops=1)
        order = day.orders[0]
        order.quantity = 3
        return Target(order.id, order.customer_id, day.boy.headers)


def _all_at_once(count: int, call: Callable[[int], httpx.Response]) -> list[httpx.Response]:
    start = threading.Barrier(count)

    def run(n: int) -> httpx.Response:
        start.wait()
        return call(n)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def _body(target: Target, n: int) -> dict[str, Any]:
    base = {"order_id": target.order_id, "customer_id": target.customer_id}
    return [
        {**base, "status": "delivered"},
        {**base, "status": "partially_delivered", "quantity_delivered": 1},
        {**base, "status": "partially_delivered", "quantity_delivered": 2, "notes": "short"},
        {**base, "status": "not_delivered", "reason": "refused"},
    ][n % 4]


def test_fifty_concurrent_marks_leave_one_state_and_one_event_per_change(
    live_server: LiveServer,  # noqa: F811
    target: Target,
) -> None:
    def mark(n: int) -> httpx.Response:
        with httpx.Client(base_url=live_server.url, timeout=60) as client:
            return client.post(MARK, json=_body(target, n), headers=target.headers)

    responses = _all_at_once(REQUESTS, mark)

    assert [r.status_code for r in responses] == [200] * REQUESTS, [
        r.text for r in responses if r.status_code != 200
    ]
    changes = sum(1 for r in responses if r.json()["changed"])
    with live_server.database.session_scope() as session:
        row = session.scalar(
            select(DeliveryStatus).where(DeliveryStatus.order_id == target.order_id)
        )
        order_status = session.scalar(select(Order.status).where(Order.id == target.order_id))
        events = events_of(session, target.order_id)
    assert row is not None
    final = {key: getattr(row, key) for key in OUTCOMES}
    assert order_status == row.status
    # Every effective change wrote exactly one event, each starting where the last one ended.
    assert len(events) == changes == row.version
    assert events[0].before is not None
    assert events[0].before["status"] == "scheduled"
    previous: dict[str, Any] | None = None
    for event in events:
        assert event.before is not None
        assert event.after is not None
        after = {key: event.after[key] for key in OUTCOMES}
        before = {key: event.before[key] for key in OUTCOMES}
        assert before != after
        if previous is not None:
            assert before == previous
        previous = after
    assert previous == final
    # Whatever won last is what the last answer that changed something said.
    assert final["status"] in {r.json()["status"] for r in responses}


def test_fifty_concurrent_retries_with_one_key_have_one_effect(
    live_server: LiveServer,  # noqa: F811
    target: Target,
) -> None:
    body = _body(target, 1)
    headers = {**target.headers, "Idempotency-Key": "retry-storm"}

    def mark(_n: int) -> httpx.Response:
        with httpx.Client(base_url=live_server.url, timeout=60) as client:
            return client.post(MARK, json=body, headers=headers)

    responses = _all_at_once(REQUESTS, mark)

    assert {r.status_code for r in responses} == {200}
    assert len({r.text for r in responses}) == 1
    assert responses[0].json()["changed"] is True
    with live_server.database.session_scope() as session:
        assert len(events_of(session, target.order_id)) == 1
        assert session.scalar(select(func.count()).select_from(IdempotencyKey)) == 1
    assert sum(1 for r in responses if r.headers.get("Idempotency-Replayed")) == REQUESTS - 1
