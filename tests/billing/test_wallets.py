"""Prepaid wallets: a low balance holds the next day (no order, a hold row, audited, a message in
the outbox), a top-up brings the day back; the API sets and reads wallets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.audit.models import AuditEvent
from milkrun.config import Settings
from milkrun.notify.models import OutboxMessage
from milkrun.orders.models import LowBalanceHold, Order
from milkrun.payments.schemas import PaymentCreate
from milkrun.wallets import generation, queries, service
from milkrun.wallets.schemas import WalletUpdate
from tests import factories
from tests.billing.conftest import Dairy

TODAY = dt.date(2026, 12, 3)
TOMORROW = TODAY + dt.timedelta(days=1)
SETTINGS = Settings(env="test", secret_key=factories.SECRET)


def prepaid(session: Session, dairy: Dairy, threshold: str | None = None) -> None:
    """Asha: prepaid, two pouches (₹56) a day from 1 December."""
    factories.subscription(
        session,
        customer=dairy.asha,
        product=dairy.milk,
        start=dt.date(2026, 12, 1),
        schedule={"kind": "daily", "quantity": 2},
    )
    service.set_wallet(
        session,
        dairy.asha.id,
        WalletUpdate(
            is_prepaid=True, threshold=Decimal(threshold) if threshold is not None else None
        ),
        factories.ACTOR,
        threshold_paise=0,
        today=TODAY,
    )


def top_up(session: Session, customer_id: int, rupees: str) -> None:
    service.receive_payment(
        session,
        PaymentCreate(customer_id=customer_id, amount=Decimal(rupees), method="upi"),
        factories.ACTOR,
        threshold_paise=0,
        today=TODAY,
        confirm_duplicate=True,
    )


def orders_of(session: Session, customer_id: int, day: dt.date) -> list[Order]:
    session.expire_all()
    return list(
        session.scalars(
            select(Order).where(
                Order.customer_id == customer_id,
                Order.delivery_date == day,
                Order.status == "scheduled",
            )
        )
    )


def test_a_low_wallet_skips_tomorrow_and_a_top_up_brings_it_back(
    session: Session, dairy: Dairy
) -> None:
    prepaid(session, dairy)
    top_up(session, dairy.asha.id, "100.00")
    generation.materialize(session, TODAY, factories.ACTOR, SETTINGS, trigger="test")
    assert len(orders_of(session, dairy.asha.id, TODAY)) == 1  # ₹100 before today: ₹56 fits

    # ₹100 − today's ₹56 = ₹44 < tomorrow's ₹56: tomorrow is held.
    generation.materialize(session, TOMORROW, factories.ACTOR, SETTINGS, trigger="test")
    assert orders_of(session, dairy.asha.id, TOMORROW) == []
    hold = session.scalars(select(LowBalanceHold)).one()
    assert (hold.customer_id, hold.delivery_date, hold.lifted_at) == (
        dairy.asha.id,
        TOMORROW,
        None,
    )
    assert (hold.available_paise, hold.needed_paise, hold.threshold_paise) == (4400, 5600, 0)
    message = session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "low_balance")
    ).one()
    assert message.customer_id == dairy.asha.id
    assert message.params == {"balance": "44.00", "threshold": "0.00"}
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.customer_id == dairy.asha.id)
    ).all()
    assert "wallet.hold" in actions
    # Other customers are not touched; generating again changes nothing and sends nothing more.
    generation.materialize(session, TOMORROW, factories.ACTOR, SETTINGS, trigger="test")
    assert len(session.scalars(select(OutboxMessage)).all()) >= 1
    assert (
        len(
            session.scalars(
                select(OutboxMessage).where(OutboxMessage.template == "low_balance")
            ).all()
        )
        == 1
    )

    wallet = queries.wallet(session, dairy.asha.id, 0, SETTINGS.zone, TODAY)
    assert wallet.balance == "44.00"
    assert wallet.is_low

    top_up(session, dairy.asha.id, "50.00")  # ₹94 − ₹56 ≥ 0: tomorrow comes back
    assert len(orders_of(session, dairy.asha.id, TOMORROW)) == 1
    session.expire_all()
    hold = session.scalars(select(LowBalanceHold)).one()
    assert hold.lifted_at is not None  # kept: the skip stays visible
    assert not queries.wallet(session, dairy.asha.id, 0, SETTINGS.zone, TODAY).is_low
    assert "wallet.lift" in session.scalars(select(AuditEvent.action)).all()


def test_a_customers_own_threshold_holds_earlier(session: Session, dairy: Dairy) -> None:
    prepaid(session, dairy, threshold="100.00")
    top_up(session, dairy.asha.id, "150.00")  # ₹150 − ₹56 = ₹94 < ₹100
    generation.materialize(session, TODAY, factories.ACTOR, SETTINGS, trigger="test")
    assert orders_of(session, dairy.asha.id, TODAY) == []
    assert session.scalars(select(LowBalanceHold.threshold_paise)).one() == 10000


def test_postpaid_customers_are_never_held(session: Session, dairy: Dairy) -> None:
    factories.subscription(
        session, customer=dairy.ravi, product=dairy.milk, start=dt.date(2026, 12, 1)
    )
    generation.materialize(session, TODAY, factories.ACTOR, SETTINGS, trigger="test")
    assert len(orders_of(session, dairy.ravi.id, TODAY)) == 1
    assert session.scalars(select(LowBalanceHold)).all() == []


def test_making_a_held_customer_postpaid_brings_the_day_back(
    session: Session, dairy: Dairy
) -> None:
    prepaid(session, dairy)
    generation.materialize(session, TOMORROW, factories.ACTOR, SETTINGS, trigger="test")
    assert orders_of(session, dairy.asha.id, TOMORROW) == []
    service.set_wallet(
        session,
        dairy.asha.id,
        WalletUpdate(is_prepaid=False),
        factories.ACTOR,
        threshold_paise=0,
        today=TODAY,
    )
    assert len(orders_of(session, dairy.asha.id, TOMORROW)) == 1


def test_the_api_sets_and_reads_a_wallet(
    session: Session, dairy: Dairy, client: TestClient
) -> None:
    headers = factories.login(session, dairy.admin).headers
    url = f"/api/v1/customers/{dairy.asha.id}/wallet"
    answer = client.put(url, json={"is_prepaid": True, "threshold": "50.00"}, headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["is_prepaid"] is True
    assert (answer.json()["threshold"], answer.json()["threshold_is_own"]) == ("50.00", True)
    paid = client.post(
        "/api/v1/payments",
        json={"customer_id": dairy.asha.id, "amount": "300.00", "method": "cash"},
        headers=headers,
    )
    assert paid.status_code == 201, paid.text
    body = client.get(url, headers=headers).json()
    assert (body["balance"], body["ledger_balance"], body["holds"]) == ("300.00", "-300.00", [])

    refused = client.put(url, json={"is_prepaid": False, "threshold": "5.00"}, headers=headers)
    assert refused.status_code == 409
    assert refused.json()["code"] == "not_prepaid"
    malformed = client.put(url, json={"is_prepaid": True, "threshold": "-1"}, headers=headers)
    assert malformed.status_code == 422
    unknown = client.put(url, json={"is_prepaid": True, "colour": "red"}, headers=headers)
    assert unknown.status_code == 422
    missing = client.get("/api/v1/customers/999999/wallet", headers=headers)
    assert missing.status_code == 404
    audit = session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "wallet.update", AuditEvent.customer_id == dairy.asha.id
        )
    ).all()
    assert len(audit) == 1


def test_a_customer_reads_its_own_wallet_and_no_one_elses(
    session: Session, dairy: Dairy, client: TestClient
) -> None:
    user = factories.customer_user(session, name="Kiran Rao")
    assert user.customer_id is not None
    service.set_wallet(
        session,
        user.customer_id,
        WalletUpdate(is_prepaid=True),
        factories.ACTOR,
        threshold_paise=0,
        today=TODAY,
    )
    top_up(session, user.customer_id, "75.00")
    headers = factories.login(session, user).headers
    mine = client.get("/api/v1/me/wallet", headers=headers)
    assert mine.status_code == 200, mine.text
    assert (mine.json()["is_prepaid"], mine.json()["balance"]) == (True, "75.00")
    other = client.get(f"/api/v1/customers/{dairy.asha.id}/wallet", headers=headers)
    assert other.status_code == 404
    change = client.put(
        f"/api/v1/customers/{user.customer_id}/wallet",
        json={"is_prepaid": False},
        headers=headers,
    )
    assert change.status_code == 403
