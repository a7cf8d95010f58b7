"""The ledger: a customer's invoices, voids, corrections and payments with a running balance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.billing import service, settlement
from milkrun.payments.models import PaymentMethod
from milkrun.payments.schemas import PaymentCreate
from tests import factories
from tests.billing import factories as bf


@pytest.fixture(autouse=True)
def _early_december() -> Iterator[None]:
    clock.freeze(dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC))
    yield
    clock.freeze(None)


def history(session: Session, customer_id: int) -> None:
    """October billed (₹560, paid ₹600 on 20 Nov), November billed (₹280) with one order
    corrected afterwards (credit ₹56), and a void: a duplicate October bill."""
    admin = factories.admin_user(session)
    milk = factories.product(session)
    october = [
        bf.order(session, customer_id=customer_id, product_id=milk.id, day=dt.date(2026, 10, n))
        for n in range(1, 11)
    ]
    for made in october:
        bf.deliver(session, made, by=admin)
    clock.freeze(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC))
    bf.run(session, dt.date(2026, 10, 1), finalize=True, today=dt.date(2026, 11, 2))
    clock.freeze(dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC))
    settlement.receive_payment(
        session,
        PaymentCreate(
            customer_id=customer_id,
            amount=Decimal("600.00"),
            method=PaymentMethod.upi,
            reference="UPI-1",
        ),
        factories.ACTOR,
    )
    november = [
        bf.order(session, customer_id=customer_id, product_id=milk.id, day=dt.date(2026, 11, n))
        for n in range(1, 6)
    ]
    for made in november:
        bf.deliver(session, made, by=admin)
    clock.freeze(dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC))
    bf.run(session, finalize=True, today=dt.date(2026, 12, 2))
    clock.freeze(dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC))
    bf.correct(session, november[0], 1, admin=admin)


def test_the_ledger_runs_from_opening_to_closing_balance(
    client: TestClient, session: Session, admin: factories.Login
) -> None:
    customer_id = factories.customer(session).id
    history(session, customer_id)

    response = client.get(f"/api/v1/customers/{customer_id}/ledger", headers=admin.headers)

    assert response.status_code == 200, response.text
    ledger = response.json()
    rows = [
        (e["date"], e["kind"], e["debit"], e["credit"], e["balance"]) for e in ledger["entries"]
    ]
    assert rows == [
        ("2026-11-02", "invoice", "560.00", "0.00", "560.00"),
        ("2026-11-20", "payment", "0.00", "600.00", "-40.00"),
        ("2026-12-02", "invoice", "280.00", "0.00", "240.00"),
        ("2026-12-03", "adjustment", "0.00", "28.00", "212.00"),
    ]
    assert ledger["opening_balance"] == "0.00"
    assert ledger["closing_balance"] == "212.00"
    assert ledger["entries"][0]["ref"].startswith("BOS/2627/000001")
    assert ledger["entries"][1]["ref"] == "UPI UPI-1"

    since = client.get(
        f"/api/v1/customers/{customer_id}/ledger",
        headers=admin.headers,
        params={"date_from": "2026-12-01", "date_to": "2026-12-02"},
    ).json()
    assert since["opening_balance"] == "-40.00"
    assert [e["kind"] for e in since["entries"]] == ["invoice"]
    assert since["closing_balance"] == "240.00"


def test_a_void_is_an_entry_of_its_own(
    client: TestClient, session: Session, admin: factories.Login
) -> None:
    customer_id = factories.customer(session).id
    history(session, customer_id)
    (_october, november) = bf.invoices_of(session, customer_id)
    service.void_invoice(session, november.id, factories.ACTOR)

    ledger = client.get(f"/api/v1/customers/{customer_id}/ledger", headers=admin.headers).json()

    kinds = [(e["kind"], e["debit"], e["credit"]) for e in ledger["entries"]]
    assert ("void", "0.00", "280.00") in kinds
    # The correction against the voided invoice is undone by its reversal.
    assert kinds.count(("adjustment", "0.00", "28.00")) == 1
    assert kinds.count(("adjustment", "28.00", "0.00")) == 1
    assert ledger["closing_balance"] == "-40.00"


def test_a_customer_reads_only_its_own_ledger(
    client: TestClient, session: Session, customer: factories.Login
) -> None:
    own = customer.user.customer_id
    assert own is not None
    history(session, own)
    other = factories.customer(session).id

    mine = client.get("/api/v1/me/ledger", headers=customer.headers)
    by_id = client.get(f"/api/v1/customers/{own}/ledger", headers=customer.headers)
    theirs = client.get(f"/api/v1/customers/{other}/ledger", headers=customer.headers)

    assert mine.status_code == 200
    assert mine.json()["closing_balance"] == "212.00"
    assert by_id.json() == mine.json()
    assert theirs.status_code == 404


def test_a_backwards_period_is_refused(
    client: TestClient, admin: factories.Login, session: Session
) -> None:
    customer_id = factories.customer(session).id
    response = client.get(
        f"/api/v1/customers/{customer_id}/ledger",
        headers=admin.headers,
        params={"date_from": "2026-12-02", "date_to": "2026-12-01"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_period"
