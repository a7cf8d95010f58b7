"""Payments: recorded with their rules, paying the oldest open invoices first, the rest kept as
credit; invoice states follow (finalized, partially paid, paid, overdue)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit.models import AuditEvent
from milkrun.billing import service, settlement
from milkrun.billing.models import Invoice
from milkrun.payments.models import Payment, PaymentMethod
from milkrun.payments.schemas import PaymentCreate
from tests import factories
from tests.billing import factories as bf

NOV = bf.NOVEMBER
OCT = dt.date(2026, 10, 1)
NOW = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
PAYMENTS = "/api/v1/payments"


@pytest.fixture(autouse=True)
def _early_december() -> Iterator[None]:
    clock.freeze(NOW)
    yield
    clock.freeze(None)


@pytest.fixture
def customer_id(session: Session) -> int:
    return factories.customer(session).id


def bill(
    session: Session,
    customer_id: int,
    month: dt.date,
    days: int,
    *,
    issued: dt.date = bf.TODAY,
) -> Invoice:
    """An issued invoice for ``days`` days of 2 pouches at ₹28 (₹56 a day)."""
    admin = factories.admin_user(session)
    milk = factories.product(session)
    for n in range(1, days + 1):
        made = bf.order(
            session, customer_id=customer_id, product_id=milk.id, day=month.replace(day=n)
        )
        bf.deliver(session, made, by=admin)
    bf.close_month(session, month)
    bf.run(session, month)
    (draft,) = [i for i in bf.invoices_of(session, customer_id) if i.status == "draft"]
    return service.finalize_invoice(session, draft.id, factories.ACTOR, bf.SETTINGS, today=issued)


def pay(
    session: Session,
    customer_id: int,
    amount: str,
    *,
    method: str = "upi",
    reference: str | None = None,
    confirm: bool = False,
    received_at: dt.datetime | None = None,
) -> Payment:
    return settlement.receive_payment(
        session,
        PaymentCreate(
            customer_id=customer_id,
            amount=Decimal(amount),
            method=PaymentMethod(method),
            reference=reference,
            received_at=received_at,
        ),
        factories.ACTOR,
        confirm_duplicate=confirm,
    )


def states(session: Session, customer_id: int) -> list[tuple[str, int, int]]:
    return [
        (i.status, i.total_paise, i.amount_paid_paise) for i in bf.invoices_of(session, customer_id)
    ]


def test_a_payment_pays_the_oldest_invoice_first(session: Session, customer_id: int) -> None:
    bill(session, customer_id, OCT, 10)  # ₹560
    bill(session, customer_id, NOV, 5)  # ₹280

    pay(session, customer_id, "700.00", reference="UPI-1")

    assert states(session, customer_id) == [
        ("paid", 56000, 56000),
        ("partially_paid", 28000, 14000),
    ]


def test_an_overpayment_stays_as_credit_and_pays_the_next_invoice(
    session: Session, customer_id: int
) -> None:
    bill(session, customer_id, OCT, 10)
    payment = pay(session, customer_id, "1000.00", method="cash")
    assert states(session, customer_id) == [("paid", 56000, 56000)]

    bill(session, customer_id, NOV, 5)  # issued after the payment: the credit pays it

    assert states(session, customer_id) == [("paid", 56000, 56000), ("paid", 28000, 28000)]
    allocations = settlement.allocations_of_payment(session, payment.id)
    assert [amount for _, _, amount in allocations] == [56000, 28000]


def test_a_void_moves_the_money_to_credit(session: Session, customer_id: int) -> None:
    october = bill(session, customer_id, OCT, 10)
    payment = pay(session, customer_id, "560.00", reference="UPI-9")

    service.void_invoice(session, october.id, factories.ACTOR)

    assert states(session, customer_id) == [("void", 56000, 0)]
    assert settlement.allocations_of_payment(session, payment.id) == []


@pytest.mark.parametrize("amount", ["0.00", "0", "-50.00"])
def test_zero_and_negative_payments_are_refused(
    client: TestClient, session: Session, admin: factories.Login, customer_id: int, amount: str
) -> None:
    response = client.post(
        PAYMENTS,
        headers=admin.headers,
        json={"customer_id": customer_id, "amount": amount, "method": "cash"},
    )
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "invalid_amount"
    assert session.scalar(select(func.count(Payment.id))) == 0


def test_a_reference_is_used_once_per_method(
    client: TestClient, session: Session, admin: factories.Login, customer_id: int
) -> None:
    body: dict[str, Any] = {
        "customer_id": customer_id,
        "amount": "850.00",
        "method": "upi",
        "reference": "UPI-4471",
    }
    first = client.post(PAYMENTS, headers=admin.headers, json=body)
    again = client.post(PAYMENTS, headers=admin.headers, json={**body, "amount": "10.00"})
    by_card = client.post(PAYMENTS, headers=admin.headers, json={**body, "method": "card"})

    assert first.status_code == 201, first.text
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate_reference"
    assert by_card.status_code == 201
    assert session.scalar(select(func.count(Payment.id))) == 2


def test_a_likely_duplicate_needs_confirming(
    client: TestClient, session: Session, admin: factories.Login, customer_id: int
) -> None:
    body = {"customer_id": customer_id, "amount": "500.00", "method": "cash"}
    first = client.post(PAYMENTS, headers=admin.headers, json=body)
    clock.freeze(NOW + dt.timedelta(seconds=90))
    twin = client.post(PAYMENTS, headers=admin.headers, json=body)
    other_method = client.post(PAYMENTS, headers=admin.headers, json={**body, "method": "upi"})
    confirmed = client.post(PAYMENTS + "?confirm=true", headers=admin.headers, json=body)
    clock.freeze(NOW + dt.timedelta(minutes=10))
    later = client.post(PAYMENTS, headers=admin.headers, json=body)

    assert first.status_code == 201
    assert twin.status_code == 409
    assert twin.json()["code"] == "possible_duplicate"
    assert "confirm=true" in twin.json()["detail"]
    assert other_method.status_code == 201
    assert confirmed.status_code == 201
    assert later.status_code == 201
    assert session.scalar(select(func.count(Payment.id))) == 4


def test_a_payment_received_in_the_future_is_refused(
    client: TestClient, session: Session, admin: factories.Login, customer_id: int
) -> None:
    response = client.post(
        PAYMENTS,
        headers=admin.headers,
        json={
            "customer_id": customer_id,
            "amount": "10.00",
            "method": "bank",
            "received_at": "2026-12-04T10:00:00+05:30",
        },
    )
    assert response.status_code == 400
    assert response.json()["code"] == "received_in_future"


def test_a_payment_for_no_customer_is_404(client: TestClient, admin: factories.Login) -> None:
    response = client.post(
        PAYMENTS,
        headers=admin.headers,
        json={"customer_id": 999999, "amount": "1", "method": "cash"},
    )
    assert response.status_code == 404
    assert response.json()["code"] == "customer_not_found"


def test_recording_a_payment_answers_where_it_went_and_writes_one_event(
    client: TestClient, session: Session, admin: factories.Login, customer_id: int
) -> None:
    october = bill(session, customer_id, OCT, 10)
    before = session.scalar(select(func.max(AuditEvent.id))) or 0

    response = client.post(
        PAYMENTS,
        headers=admin.headers,
        json={"customer_id": customer_id, "amount": "600.00", "method": "upi", "reference": "U-77"},
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["amount"] == "600.00"
    assert body["allocations"] == [
        {"invoice_id": october.id, "number": october.number, "amount": "560.00"}
    ]
    assert body["unallocated"] == "40.00"
    events = list(session.scalars(select(AuditEvent).where(AuditEvent.id > before)))
    assert [(e.action, e.entity_id, e.customer_id) for e in events] == [
        ("payment.record", body["id"], customer_id)
    ]
    listed = client.get(PAYMENTS, headers=admin.headers, params={"customer_id": customer_id})
    assert [p["id"] for p in listed.json()["items"]] == [body["id"]]


def test_unpaid_invoices_past_their_due_date_are_overdue(
    client: TestClient, session: Session, admin: factories.Login, customer_id: int
) -> None:
    october = bill(session, customer_id, OCT, 10, issued=dt.date(2026, 11, 2))  # due 12 Nov

    overdue = client.get(f"/api/v1/invoices/{october.id}", headers=admin.headers).json()
    pay(session, customer_id, "100.00", method="cash")
    still = client.get(f"/api/v1/invoices/{october.id}", headers=admin.headers).json()
    pay(session, customer_id, "460.00", method="cash")
    paid = client.get(f"/api/v1/invoices/{october.id}", headers=admin.headers).json()
    listed = client.get("/api/v1/invoices", headers=admin.headers, params={"status": "overdue"})

    assert (overdue["status"], overdue["balance_due"]) == ("overdue", "560.00")
    assert (still["status"], still["balance_due"]) == ("overdue", "460.00")
    assert (paid["status"], paid["balance_due"]) == ("paid", "0.00")
    assert listed.json()["items"] == []
