"""Containers given and taken back at a stop: the ledger, the deposit, the scope, retries."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.containers import queries
from milkrun.containers.models import ContainerMovement
from tests.containers.conftest import Round

URL = "/api/v1/delivery-boy/containers"


def _movements(session: Session, customer_id: int) -> list[ContainerMovement]:
    return list(
        session.scalars(
            select(ContainerMovement)
            .where(ContainerMovement.customer_id == customer_id)
            .order_by(ContainerMovement.id)
        )
    )


def test_bottles_given_beyond_what_comes_back_are_charged_and_those_returned_refunded(
    client: TestClient, session: Session, walk: Round
) -> None:
    first = client.post(URL, json=walk.stop(walk.asha, 2, 0), headers=walk.boy.headers)
    assert first.status_code == 201, first.text
    assert first.json()["holdings"] == [
        {
            "container_type_id": walk.bottle.id,
            "container": "1 L glass bottle",
            "held": 2,
            "deposit_paise": 10000,
        }
    ]
    # Next visit: one full bottle for one empty, then one empty back and none given.
    swap = client.post(URL, json=walk.stop(walk.asha, 1, 1), headers=walk.boy.headers)
    back = client.post(URL, json=walk.stop(walk.asha, 0, 1), headers=walk.boy.headers)
    assert swap.status_code == back.status_code == 201
    assert [m.deposit_paise for m in _movements(session, walk.asha.id)] == [10000, 0, -5000]
    assert back.json()["holdings"][0]["held"] == 1
    assert back.json()["holdings"][0]["deposit_paise"] == 5000


def test_taking_back_more_than_the_customer_holds_is_refused_and_records_nothing(
    client: TestClient, session: Session, walk: Round
) -> None:
    client.post(URL, json=walk.stop(walk.asha, 1, 0), headers=walk.boy.headers)
    refused = client.post(URL, json=walk.stop(walk.asha, 0, 3), headers=walk.boy.headers)
    assert refused.status_code == 409
    assert refused.json()["code"] == "more_returned_than_held"
    assert len(_movements(session, walk.asha.id)) == 1


def test_a_retry_with_the_same_key_replays_and_records_once(
    client: TestClient, session: Session, walk: Round
) -> None:
    headers = {**walk.boy.headers, "Idempotency-Key": "stop-asha-1"}
    first = client.post(URL, json=walk.stop(walk.asha, 2, 0), headers=headers)
    retry = client.post(URL, json=walk.stop(walk.asha, 2, 0), headers=headers)
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["Idempotency-Replayed"] == "true"
    assert len(_movements(session, walk.asha.id)) == 1


def test_a_delivery_boy_records_only_on_his_route_and_never_ahead(
    client: TestClient, session: Session, walk: Round
) -> None:
    far = client.post(URL, json=walk.stop(walk.ravi_far, 1, 0), headers=walk.boy.headers)
    assert far.status_code == 403
    assert far.json()["code"] == "customer_not_in_scope"
    ahead = walk.stop(walk.asha, 1, 0)
    ahead["delivery_date"] = (walk.date + dt.timedelta(days=1)).isoformat()
    later = client.post(URL, json=ahead, headers=walk.boy.headers)
    assert later.status_code == 400
    assert later.json()["code"] == "stop_not_due"
    unknown = walk.stop(walk.asha, 1, 0)
    unknown["containers"] = [{"container_type_id": 999999, "given": 1}]
    assert client.post(URL, json=unknown, headers=walk.boy.headers).status_code == 400
    # An admin may record anywhere.
    admin = client.post(URL, json=walk.stop(walk.ravi_far, 1, 0), headers=walk.admin.headers)
    assert admin.status_code == 201
    assert [m.customer_id for m in session.scalars(select(ContainerMovement))] == [walk.ravi_far.id]


def test_the_route_count_and_the_report_add_up(
    client: TestClient, session: Session, walk: Round
) -> None:
    client.post(URL, json=walk.stop(walk.asha, 3, 0), headers=walk.boy.headers)
    client.post(URL, json=walk.stop(walk.asha, 0, 1), headers=walk.boy.headers)
    counts = client.get(
        "/api/v1/containers/routes",
        params={"date": walk.date.isoformat()},
        headers=walk.admin.headers,
    ).json()
    assert [(c["route"], c["out"], c["back"], c["missing"]) for c in counts] == [
        ("Jayanagar Glass", 3, 1, 2)
    ]
    lost = client.post(
        "/api/v1/containers/lost",
        json={"customer_id": walk.asha.id, "container_type_id": walk.bottle.id, "lost": 1},
        headers=walk.admin.headers,
    )
    assert lost.status_code == 201
    report = queries.report(session)
    assert report.count == 1
    assert (report.rows[0].customer, report.rows[0].held) == ("Asha", 1)
    # The lost bottle's deposit is kept: two bottles' worth paid, one held.
    assert report.rows[0].deposit_paise == 10000
    ledger = client.get(
        f"/api/v1/customers/{walk.asha.id}/containers", headers=walk.admin.headers
    ).json()
    assert [m["kind"] for m in ledger["movements"]] == ["lost", "stop", "stop"]
    too_many = client.post(
        "/api/v1/containers/lost",
        json={"customer_id": walk.asha.id, "container_type_id": walk.bottle.id, "lost": 5},
        headers=walk.admin.headers,
    )
    assert too_many.status_code == 409
