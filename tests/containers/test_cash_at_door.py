"""Cash at the door: with the delivery boy until the owner confirms the handover."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.audit.models import AuditEvent
from milkrun.billing import dues
from milkrun.notify.models import OutboxMessage
from milkrun.payments import collections
from milkrun.payments.models import CashCollection, Payment
from tests.containers.conftest import Round

CASH = "/api/v1/delivery-boy/cash"
HANDOVERS = "/api/v1/cash-handovers"


def _cash(walk: Round, amount: str, customer_id: int | None = None) -> dict[str, object]:
    return {
        "customer_id": customer_id or walk.asha.id,
        "delivery_date": walk.date.isoformat(),
        "amount": amount,
    }


def test_cash_stays_with_the_boy_until_the_handover_makes_it_payments(
    client: TestClient, session: Session, walk: Round
) -> None:
    headers = {**walk.boy.headers, "Idempotency-Key": "cash-asha-1"}
    first = client.post(CASH, json=_cash(walk, "500"), headers=headers)
    retry = client.post(CASH, json=_cash(walk, "500"), headers=headers)
    assert first.status_code == retry.status_code == 201, first.text
    assert retry.json() == first.json()
    assert (
        client.post(CASH, json=_cash(walk, "250.50"), headers=walk.boy.headers).status_code == 201
    )
    # The receipt message went out for each collection; nothing is on the ledger yet.
    receipts = session.scalars(
        select(OutboxMessage).where(OutboxMessage.customer_id == walk.asha.id)
    ).all()
    assert len(receipts) == 2
    assert session.scalars(select(Payment)).all() == []
    assert collections.with_delivery_boys(session) == {walk.asha.id: 75050}
    assert dues.balances_of(session, [walk.asha.id]) == {walk.asha.id: 0}

    sheet = client.get(
        HANDOVERS, params={"date": walk.date.isoformat()}, headers=walk.admin.headers
    ).json()
    assert [(s["delivery_boy"], s["collected_paise"], s["handover_id"]) for s in sheet] == [
        ("Ravi", 75050, None)
    ]
    confirmed = client.post(
        HANDOVERS,
        json={
            "delivery_boy_id": walk.boy.user.id,
            "date": walk.date.isoformat(),
            "handed_over": "700",
            "note": "₹50.50 short, to be cut from wages",
        },
        headers=walk.admin.headers,
    )
    assert confirmed.status_code == 201, confirmed.text
    assert confirmed.json()["difference_paise"] == -5050
    payments = session.scalars(select(Payment).order_by(Payment.id)).all()
    assert [(p.method, p.amount_paise, p.customer_id) for p in payments] == [
        ("cash", 50000, walk.asha.id),
        ("cash", 25050, walk.asha.id),
    ]
    # The customer paid all of it: a credit of ₹750.50 on an account with no bill yet.
    assert dues.balances_of(session, [walk.asha.id]) == {walk.asha.id: -75050}
    assert collections.with_delivery_boys(session) == {}
    assert session.scalars(select(CashCollection.payment_id)).all() == [p.id for p in payments]
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "cash.handover")).one()
    assert event.after is not None
    assert event.after["difference"] == "-50.50"

    again = client.post(
        HANDOVERS,
        json={
            "delivery_boy_id": walk.boy.user.id,
            "date": walk.date.isoformat(),
            "handed_over": "1",
        },
        headers=walk.admin.headers,
    )
    assert again.status_code == 409
    assert again.json()["code"] == "already_handed_over"


def test_refusals_change_nothing(client: TestClient, session: Session, walk: Round) -> None:
    zero = client.post(CASH, json=_cash(walk, "0"), headers=walk.boy.headers)
    assert zero.status_code == 400
    far = client.post(CASH, json=_cash(walk, "10", walk.ravi_far.id), headers=walk.boy.headers)
    assert far.status_code == 403
    nothing = client.post(
        HANDOVERS,
        json={
            "delivery_boy_id": walk.boy.user.id,
            "date": walk.date.isoformat(),
            "handed_over": "0",
        },
        headers=walk.admin.headers,
    )
    assert nothing.status_code == 400
    assert nothing.json()["code"] == "nothing_to_hand_over"
    not_a_boy = client.post(
        HANDOVERS,
        json={
            "delivery_boy_id": walk.admin.user.id,
            "date": walk.date.isoformat(),
            "handed_over": "0",
        },
        headers=walk.admin.headers,
    )
    assert not_a_boy.status_code == 400
    by_boy = client.get(HANDOVERS, headers=walk.boy.headers)
    assert by_boy.status_code == 403
    assert session.scalars(select(CashCollection)).all() == []
