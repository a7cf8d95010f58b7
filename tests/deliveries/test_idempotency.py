"""Idempotency-Key on marking: a retry replays the first answer with no second effect."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.deliveries import idempotency
from milkrun.deliveries.errors import IdempotencyKeyReused
from milkrun.deliveries.models import IdempotencyKey
from tests import factories
from tests.deliveries import factories as day_factories
from tests.deliveries.factories import Day, events_of, status_of

MARK = "/api/v1/delivery-boy/mark-delivered"


@pytest.fixture
def day(session: Session) -> Day:
    return day_factories.delivery_day(session)


def _keys(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(IdempotencyKey)) or 0


def test_a_retry_with_the_same_key_replays_the_first_answer_and_changes_nothing(
    client: TestClient, session: Session, day: Day
) -> None:
    headers = {**day.boy.headers, "Idempotency-Key": "mark-1"}
    body = day.body(0, status="partially_delivered", quantity_delivered=1)

    first = client.post(MARK, json=body, headers=headers)
    # Meanwhile an admin corrects the order; the retry must not undo that.
    admin = factories.login(session, factories.admin_user(session))
    correction = day.body(0)
    assert client.post(MARK, json=correction, headers=admin.headers).status_code == 200
    retry = client.post(MARK, json=body, headers=headers)

    assert first.status_code == retry.status_code == 200
    assert retry.json() == first.json()
    assert retry.json()["changed"] is True
    assert retry.headers["Idempotency-Replayed"] == "true"
    assert "Idempotency-Replayed" not in first.headers
    row = status_of(session, day.orders[0].id)
    assert row is not None
    assert row.status == "delivered"
    assert len(events_of(session, day.orders[0].id)) == 2
    assert _keys(session) == 1


def test_the_same_key_with_a_different_body_is_refused(
    client: TestClient, session: Session, day: Day
) -> None:
    headers = {**day.boy.headers, "Idempotency-Key": "mark-2"}
    assert client.post(MARK, json=day.body(0), headers=headers).status_code == 200

    response = client.post(
        MARK, json=day.body(0, status="not_delivered", reason="refused"), headers=headers
    )

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    row = status_of(session, day.orders[0].id)
    assert row is not None
    assert row.status == "delivered"
    assert len(events_of(session, day.orders[0].id)) == 1


def test_keys_are_scoped_to_the_caller(client: TestClient, session: Session, day: Day) -> None:
    admin = factories.login(session, factories.admin_user(session))
    assert (
        client.post(MARK, json=day.body(0), headers={**day.boy.headers, "Idempotency-Key": "k"})
    ).status_code == 200

    response = client.post(
        MARK,
        json=day.body(1, status="not_delivered", reason="refused"),
        headers={**admin.headers, "Idempotency-Key": "k"},
    )

    assert response.status_code == 200
    assert response.json()["order_id"] == day.orders[1].id
    row = status_of(session, day.orders[1].id)
    assert row is not None
    assert row.status == "not_delivered"
    assert _keys(session) == 2


def test_a_refused_request_stores_no_key_so_a_fixed_retry_is_not_blocked(
    client: TestClient, session: Session, day: Day
) -> None:
    headers = {**day.boy.headers, "Idempotency-Key": "k-3"}
    missing_reason = day.body(0, status="not_delivered")

    refused = client.post(MARK, json=missing_reason, headers=headers)
    again = client.post(MARK, json=missing_reason, headers=headers)

    assert refused.status_code == again.status_code == 400
    assert _keys(session) == 0
    assert status_of(session, day.orders[0].id) is None


@pytest.mark.parametrize("key", ["", "x" * 256, "has space", "tab\tinside"])
def test_a_malformed_key_is_refused(client: TestClient, day: Day, key: str) -> None:
    response = client.post(
        MARK, json=day.body(0), headers={**day.boy.headers, "Idempotency-Key": key}
    )

    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"


def test_a_key_of_255_characters_is_accepted(client: TestClient, day: Day) -> None:
    response = client.post(
        MARK, json=day.body(0), headers={**day.boy.headers, "Idempotency-Key": "k" * 255}
    )

    assert response.status_code == 200


class _Body(BaseModel):
    n: int


def test_keys_are_kept_72_hours_then_claimed_afresh_and_purged(session: Session) -> None:
    runs: list[int] = []

    def run() -> BaseModel:
        runs.append(1)
        return _Body(n=len(runs))

    start = clock.now()
    first = idempotency.once(session, "user:1", "k", "op", _Body(n=0), run)
    clock.freeze(start + dt.timedelta(hours=71))
    replay = idempotency.once(session, "user:1", "k", "op", _Body(n=0), run)
    with pytest.raises(IdempotencyKeyReused):
        idempotency.once(session, "user:1", "k", "op", _Body(n=9), run)
    clock.freeze(start + dt.timedelta(hours=73))
    fresh = idempotency.once(session, "user:1", "k", "op", _Body(n=9), run)

    assert (first.body, replay.body, fresh.body) == ({"n": 1}, {"n": 1}, {"n": 2})
    assert replay.replayed
    assert not fresh.replayed
    idempotency.once(session, "user:2", "old", "op", _Body(n=0), run)
    clock.freeze(start + dt.timedelta(hours=73 + 72, minutes=1))
    idempotency.once(session, "user:2", "new", "op", _Body(n=0), run)
    assert idempotency.purge(session) == 2
    assert _keys(session) == 1
