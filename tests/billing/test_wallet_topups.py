"""Every way money comes in is a top-up (``wallets.topups.money_received``): a prepaid customer
held for tomorrow is brought back by a confirmed statement credit, by a paid payment-link
webhook and by a confirmed cash handover, as by a payment recorded by hand."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit.models import AuditEvent
from milkrun.audit.service import Actor
from milkrun.payment_links import service as link_service
from milkrun.payment_links.models import PaymentLink
from milkrun.payments.gateways.razorpay import Razorpay
from milkrun.payments.models import CashCollection, Payment
from milkrun.payments.schemas import HandoverConfirm
from milkrun.statements import service as statement_service
from milkrun.statements.models import StatementLine
from milkrun.wallets import generation, topups
from tests import factories
from tests.billing.conftest import Dairy
from tests.billing.test_wallets import SETTINGS, TODAY, TOMORROW, orders_of, prepaid, top_up
from tests.payments.fake_razorpay import KEY_ID, KEY_SECRET, WEBHOOK_SECRET, paid_event
from tests.statements.factories import bill

ZONE = SETTINGS.zone


@pytest.fixture(autouse=True)
def _morning() -> Iterator[None]:
    clock.freeze(dt.datetime.combine(TODAY, dt.time(9, 0), tzinfo=ZONE))
    yield
    clock.freeze(None)


def held_tomorrow(session: Session, dairy: Dairy) -> None:
    """Asha, prepaid with ₹100 for ₹56 a day: today fits, tomorrow is held."""
    prepaid(session, dairy)
    top_up(session, dairy.asha.id, "100.00")
    generation.materialize(session, TODAY, factories.ACTOR, SETTINGS, trigger="test")
    generation.materialize(session, TOMORROW, factories.ACTOR, SETTINGS, trigger="test")
    assert orders_of(session, dairy.asha.id, TOMORROW) == []


def lifted(session: Session) -> list[str]:
    return list(
        session.scalars(select(AuditEvent.action).where(AuditEvent.action == "wallet.lift"))
    )


def test_a_confirmed_statement_credit_brings_tomorrow_back(session: Session, dairy: Dairy) -> None:
    held_tomorrow(session, dairy)
    head = (
        "HDFC BANK Ltd.,,,,,,\nStatement of account,,,,,,\n"
        "Date,Narration,Chq./Ref.No.,Value Dt,Withdrawal Amt.,Deposit Amt.,Closing Balance\n"
    )
    row = "03/12/2026,CASH DEPOSIT ASHA,,03/12/2026,,200.00,200.00\n"
    statement_service.import_statement(
        session,
        (head + row).encode(),
        file_name="hdfc.csv",
        mapping_name="hdfc",
        actor=factories.ACTOR,
    )
    line = session.scalars(select(StatementLine)).one()
    statement_service.assign_line(
        session, line.id, dairy.asha.id, factories.ACTOR, zone=ZONE, threshold_paise=0
    )
    assert orders_of(session, dairy.asha.id, TOMORROW) == []  # proposed only: no money yet

    statement_service.confirm_lines(
        session, [line.id], factories.ACTOR, zone=ZONE, threshold_paise=0
    )

    assert len(orders_of(session, dairy.asha.id, TOMORROW)) == 1
    assert lifted(session) == ["wallet.lift"]


def test_a_paid_payment_link_webhook_brings_tomorrow_back(session: Session, dairy: Dairy) -> None:
    held_tomorrow(session, dairy)
    invoice = bill(session, dairy.asha.id, 100)  # a ₹1 bill: the link's bill
    link = PaymentLink(
        invoice_id=invoice.id,
        gateway="razorpay",
        reference=f"SM-{invoice.id}",
        provider_link_id="plink_Topup000000001",
        url="https://rzp.io/i/topup",
        amount_paise=20000,
        expires_at=dt.datetime(2026, 12, 30, tzinfo=dt.UTC),
    )
    session.add(link)
    session.flush()
    body = paid_event(
        {
            "id": link.provider_link_id,
            "amount": 20000,
            "currency": "INR",
            "reference_id": link.reference,
            "status": "paid",
        },
        payment_id="pay_Topup000000001",
    )
    signature = hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    gateway = Razorpay(key_id=KEY_ID, key_secret=KEY_SECRET, webhook_secret=WEBHOOK_SECRET)

    outcome = link_service.record_webhook(
        session, gateway, body, signature, threshold_paise=0, zone=ZONE
    )

    assert outcome == "recorded"
    assert len(orders_of(session, dairy.asha.id, TOMORROW)) == 1
    assert lifted(session) == ["wallet.lift"]
    # The gateway's retry records nothing twice and changes nothing more.
    again = link_service.record_webhook(
        session, gateway, body, signature, threshold_paise=0, zone=ZONE
    )
    assert again == "replayed"
    assert len(orders_of(session, dairy.asha.id, TOMORROW)) == 1


def test_a_confirmed_cash_handover_brings_tomorrow_back(session: Session, dairy: Dairy) -> None:
    held_tomorrow(session, dairy)
    boy = factories.delivery_boy_user(session)
    session.add_all(
        [
            CashCollection(
                customer_id=customer.id,
                collection_date=TODAY,
                amount_paise=paise,
                collected_by_user_id=boy.id,
            )
            for customer, paise in [(dairy.asha, 10000), (dairy.ravi, 5000)]
        ]
    )
    session.flush()
    assert orders_of(session, dairy.asha.id, TOMORROW) == []  # cash with the boy: not yet hers

    owner = Actor(user_id=dairy.admin.id, label=f"admin:{dairy.admin.name}", channel="web")
    line = topups.confirm_handover(
        session,
        owner,
        HandoverConfirm(delivery_boy_id=boy.id, date=TODAY, handed_over="150.00"),
        threshold_paise=0,
        today=TODAY,
    )

    assert line.collected_paise == 15000
    assert len(orders_of(session, dairy.asha.id, TOMORROW)) == 1
    assert lifted(session) == ["wallet.lift"]
    # Ravi is postpaid: his cash is a payment, and no hold of his is decided.
    assert session.scalar(select(Payment.amount_paise).where(Payment.customer_id == dairy.ravi.id))
    assert (
        topups.money_received(
            session, [dairy.ravi.id], factories.ACTOR, threshold_paise=0, today=TODAY
        )
        == []
    )


def test_money_for_no_prepaid_customer_decides_nothing(session: Session, dairy: Dairy) -> None:
    assert topups.money_received(session, [], factories.ACTOR, threshold_paise=0, today=TODAY) == []
    held_tomorrow(session, dairy)
    assert topups.money_received(
        session, [dairy.asha.id, dairy.asha.id], factories.ACTOR, threshold_paise=0, today=TODAY
    ) == [dairy.asha.id]
    assert orders_of(session, dairy.asha.id, TOMORROW) == []  # no money came: still held
