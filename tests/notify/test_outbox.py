"""Each business change that owes a message writes it in its own transaction: a committed change
has its message, a refused one has none."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Date, Integer, Select, String, literal, select, union_all
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.billing import reminders
from milkrun.config import Settings
from milkrun.notify import outbox
from milkrun.notify.templates import LANGUAGES, REGISTRY
from tests import factories
from tests.billing import factories as billing_factories
from tests.deliveries import factories as delivery_factories
from tests.notify.conftest import messages

NOW = dt.datetime(2026, 12, 7, 5, 0, tzinfo=dt.UTC)  # 10:30 in Bengaluru


def test_a_recorded_payment_writes_its_receipt(
    client: TestClient, session: Session, admin: factories.Login
) -> None:
    customer = factories.customer(session)
    body = {"customer_id": customer.id, "amount": "850.00", "method": "upi", "reference": "U-1"}
    assert client.post("/api/v1/payments", json=body, headers=admin.headers).status_code == 201

    [message] = messages(session, customer_id=customer.id)
    assert message.template == "payment_received"
    assert message.status == "pending"
    assert message.params["amount"] == "850.00"
    assert message.params["method"] == "UPI"
    assert message.entity_type == "payment"
    assert message.is_urgent is False


def test_a_refused_payment_writes_no_message(
    client: TestClient, session: Session, admin: factories.Login
) -> None:
    customer = factories.customer(session)
    body = {"customer_id": customer.id, "amount": "0.00", "method": "upi"}
    assert client.post("/api/v1/payments", json=body, headers=admin.headers).status_code == 400
    assert messages(session, customer_id=customer.id) == []


def test_a_pause_and_a_day_change_are_confirmed(session: Session) -> None:
    customer = factories.customer(session)
    product = factories.product(session)
    sub = factories.subscription(session, customer=customer, product=product)
    factories.pause(
        session, customer_id=customer.id, start=dt.date(2026, 12, 20), end=dt.date(2026, 12, 24)
    )
    factories.pause(session, customer_id=customer.id, start=dt.date(2027, 1, 10))
    factories.override(session, subscription_id=sub.id, day=dt.date(2026, 12, 9), quantity=3)

    found = [
        (m.template, m.params, m.is_urgent) for m in messages(session, customer_id=customer.id)
    ]
    assert found == [
        ("pause_confirmed", {"start_date": "20-12-2026", "end_date": "24-12-2026"}, True),
        ("pause_open_confirmed", {"start_date": "10-01-2027"}, True),
        ("day_changed", {"delivery_date": "09-12-2026", "quantity": "3"}, True),
    ]


def test_an_order_not_delivered_tells_the_customer_why(
    client: TestClient, session: Session
) -> None:
    day = delivery_factories.delivery_day(session)
    marked = client.post(
        "/api/v1/delivery-boy/mark-delivered",
        json=day.body(0, status="not_delivered", reason="address_not_found"),
        headers=day.boy.headers,
    )
    assert marked.status_code == 200
    delivered = client.post(
        "/api/v1/delivery-boy/mark-delivered", json=day.body(1), headers=day.boy.headers
    )
    assert delivered.status_code == 200

    [message] = messages(session, template="not_delivered")
    assert message.customer_id == day.customers[0].id
    assert message.entity_id == day.orders[0].id
    assert message.params["reason"] == "address_not_found"
    assert messages(session, customer_id=day.customers[1].id) == []


def test_a_finalized_month_writes_one_bill_message_per_invoice(session: Session) -> None:
    boy = factories.delivery_boy_user(session)
    product = factories.product(session)
    customers = [factories.customer(session) for _ in range(2)]
    for customer in customers:
        made = billing_factories.order(
            session, customer_id=customer.id, product_id=product.id, day=dt.date(2026, 11, 5)
        )
        billing_factories.deliver(session, made, by=boy)
    billing_factories.run(session, finalize=True)

    bills = messages(session, template="bill_finalized")
    assert sorted(m.customer_id or 0 for m in bills) == sorted(c.id for c in customers)
    for message in bills:
        invoice = billing_factories.invoices_of(session, message.customer_id or 0)[0]
        assert message.params["number"] == invoice.number
        assert message.params["amount"] == "56.00"
        assert message.entity_id == invoice.id


def test_a_link_for_a_substitute_is_sent_to_the_phone_given(
    client: TestClient, session: Session, admin: factories.Login
) -> None:
    route = factories.route(session)
    body = {
        "route_id": route.id,
        "delivery_date": (clock.today(Settings().zone) + dt.timedelta(days=1)).isoformat(),
        "label": "Suresh (substitute)",
        "send_to": "98450 12345",
    }
    made = client.post("/api/v1/shared-delivery-links", json=body, headers=admin.headers)
    assert made.status_code == 201, made.text

    [message] = messages(session, template="delivery_link")
    assert message.recipient == "+919845012345"
    assert message.customer_id is None
    assert message.params["url"] == made.json()["url"]


def test_a_link_with_a_bad_phone_is_refused_and_writes_nothing(
    client: TestClient, session: Session, admin: factories.Login
) -> None:
    route = factories.route(session)
    body = {
        "route_id": route.id,
        "delivery_date": (clock.today(Settings().zone) + dt.timedelta(days=1)).isoformat(),
        "label": "Suresh",
        "send_to": "12345",
    }
    refused = client.post("/api/v1/shared-delivery-links", json=body, headers=admin.headers)
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid_phone"
    assert messages(session) == []


def test_a_dues_reminder_is_written_once_per_overdue_bill(
    session: Session, settings: Settings
) -> None:
    customer = factories.customer(session)
    overdue = billing_factories.issued_invoice(session, customer.id, total_paise=86000)
    billing_factories.issued_invoice(session, customer.id, total_paise=0)  # nothing to pay
    today = (overdue.due_date or dt.date.min) + dt.timedelta(
        days=settings.notify_dues_reminder_days
    )

    assert reminders.remind_dues(session, settings, today=today - dt.timedelta(days=1)) == 0
    assert reminders.remind_dues(session, settings, today=today) == 1
    assert reminders.remind_dues(session, settings, today=today + dt.timedelta(days=1)) == 0

    [message] = messages(session, template="dues_reminder")
    assert message.params == {
        "number": overdue.number,
        "amount": "860.00",
        "due_date": f"{overdue.due_date:%d-%m-%Y}",
    }


def test_a_low_balance_message_goes_to_the_customer(session: Session) -> None:
    customer = factories.customer(session)
    outbox.low_balance(session, customer_id=customer.id, balance_paise=12000, threshold_paise=20000)
    [message] = messages(session, customer_id=customer.id)
    assert (message.template, message.params) == (
        "low_balance",
        {"balance": "120.00", "threshold": "200.00"},
    )


def test_every_template_has_english_hindi_and_kannada() -> None:
    for template in REGISTRY.values():
        assert set(template.texts) == set(LANGUAGES)
        assert set(template.subjects) == set(LANGUAGES)
        for language in LANGUAGES:
            # One DLT variable per parameter occurrence, and every parameter used.
            registered = template.dlt_registered_text(language)
            assert "{{" not in registered
            for name in template.parameters:
                assert "{{ " + name + " }}" in template.text(language), (template.name, language)


BILLS = [
    # invoice id, customer, number, month, total paise, due date
    (1, 1, "MR/2627/000001", dt.date(2026, 11, 1), 5600, dt.date(2026, 12, 8)),
    (2, 2, "BOS/2627/1234567", dt.date(2027, 1, 1), 0, dt.date(2027, 2, 8)),
    (3, 3, "MR/2627/000003", dt.date(2026, 2, 1), -5, None),
    (4, 4, None, dt.date(2026, 12, 1), 123_456_789, dt.date(2026, 12, 31)),
    (5, 5, "MR/2627/000005", dt.date(2026, 11, 1), -100_099, dt.date(2026, 12, 1)),
    (6, 6, "MR/2627/000006", dt.date(2026, 11, 1), 7, dt.date(2026, 12, 1)),
]


def _bills(data: list[tuple[Any, ...]] = BILLS) -> Select[Any]:
    """The bills as a SELECT of literals (SQLite has no named VALUES list)."""
    names = ("invoice_id", "customer_id", "number", "month", "total_paise", "due_date")
    types = (Integer, Integer, String, Date, Integer, Date)
    rows: list[Any] = [
        select(*(literal(v, t).label(n) for v, t, n in zip(row, types, names, strict=True)))
        for row in data
    ]
    return select(union_all(*rows).subquery("bills"))


def test_the_sql_params_of_a_finalized_bill_are_the_python_params(session: Session) -> None:
    """A month's bills are announced by one INSERT ... SELECT: what its SQL writes in each
    message is what ``bill_finalized_params`` says, money and dates alike, on either database."""
    bills = _bills().subquery("bills")
    in_sql = session.execute(
        select(bills, outbox.bill_finalized_params_in_sql(session, bills).label("params"))
    ).all()
    assert len(in_sql) == len(BILLS)
    for row in in_sql:
        assert row.params == outbox.bill_finalized_params(row), row
    assert outbox.bill_finalized_params(in_sql[2])["amount"] == "-0.05"


def test_bills_finalized_writes_one_pending_message_a_bill(session: Session) -> None:
    customers = [factories.customer(session) for _ in BILLS]
    bills = [(i, c.id, *rest) for (i, _, *rest), c in zip(BILLS, customers, strict=True)]
    outbox.bills_finalized(session, _bills(bills))

    written = [m for c in customers for m in messages(session, customer_id=c.id)]
    assert [m.entity_id for m in written] == [bill[0] for bill in BILLS]
    keys = {m.idempotency_key for m in written}
    assert len(keys) == len(BILLS)
    for message in written:
        assert message.template == "bill_finalized"
        assert message.status == "pending"
        assert message.attempts == 0
        assert message.entity_type == "invoice"
        assert message.is_urgent is REGISTRY["bill_finalized"].is_urgent
        assert message.next_attempt_at is not None
        assert str(uuid.UUID(message.idempotency_key)) == message.idempotency_key
        assert uuid.UUID(message.idempotency_key).version == 4
