"""Voiding a bill cancels its live payment link at the gateway (the local fake Razorpay), so a
void bill cannot be paid online; a gateway that is down does not stop the void (the link is
marked to cancel later, and the scheduler's job does it), and a payment made on the link
meanwhile is recorded as the customer's credit, never lost."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit.models import AuditEvent
from milkrun.billing import ledger
from milkrun.config import Settings
from milkrun.db.session import Database
from milkrun.http.deps import TOKEN_COOKIE
from milkrun.payment_links import service as link_service
from milkrun.payment_links.models import PaymentLink
from milkrun.payments.gateways.razorpay import Razorpay
from tests import factories
from tests.conftest import make_client
from tests.payments.fake_razorpay import FakeRazorpay
from tests.payments.test_payment_links import (
    WEBHOOK,
    issued,
    link_url,
    links,
    payments,
    signed,
)

VOID = "/api/v1/invoices/{}/void"


@pytest.fixture(autouse=True)
def _early_december() -> None:
    """November is over and billed."""
    clock.freeze(dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC))


@pytest.fixture
def client(online: Settings, database: Database) -> TestClient:
    with make_client(online, database) as test_client:
        return test_client


def _state(link: PaymentLink) -> tuple[str, dt.datetime | None]:
    return link.status, link.cancel_due_at


def _events(session: Session, action: str) -> int:
    return session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action)) or 0


def test_voiding_a_bill_cancels_its_live_link(
    client: TestClient, session: Session, admin: factories.Login, razorpay: FakeRazorpay
) -> None:
    invoice = issued(session)
    assert client.post(link_url(invoice), headers=admin.headers).status_code == 200

    voided = client.post(
        VOID.format(invoice.id), json={"reason": "billed twice"}, headers=admin.headers
    )

    assert voided.status_code == 200, voided.text
    assert voided.json()["status"] == "void"
    (row,) = links(session, invoice)
    session.refresh(row)
    assert (row.status, row.cancel_due_at) == ("cancelled", None)
    assert razorpay.links[row.provider_link_id]["status"] == "cancelled"
    assert razorpay.calls["cancel"] == 1
    assert _events(session, "payment_link.cancelled") == 1


def test_the_page_void_cancels_the_link_too(
    client: TestClient, session: Session, admin: factories.Login, razorpay: FakeRazorpay
) -> None:
    invoice = issued(session)
    assert client.post(link_url(invoice), headers=admin.headers).status_code == 200
    client.cookies.set(TOKEN_COOKIE, admin.token)

    done = client.post(
        f"/admin/invoices/{invoice.id}/void",
        data={"reason": "wrong customer"},
        follow_redirects=False,
    )

    assert done.status_code == 303
    (row,) = links(session, invoice)
    session.refresh(row)
    assert row.status == "cancelled"
    assert razorpay.links[row.provider_link_id]["status"] == "cancelled"


def test_a_gateway_down_at_the_void_leaves_the_link_to_cancel_later(
    client: TestClient,
    session: Session,
    admin: factories.Login,
    razorpay: FakeRazorpay,
    online: Settings,
) -> None:
    invoice = issued(session)
    assert client.post(link_url(invoice), headers=admin.headers).status_code == 200
    razorpay.failures.extend([503, 503])  # the cancel, and the look at the link

    voided = client.post(
        VOID.format(invoice.id), json={"reason": "billed twice"}, headers=admin.headers
    )

    assert voided.status_code == 200, voided.text
    (row,) = links(session, invoice)
    session.refresh(row)
    assert row.status == "created"
    assert row.cancel_due_at is not None
    assert razorpay.links[row.provider_link_id]["status"] == "created"
    assert _events(session, "payment_link.cancel_due") == 1

    razorpay.failures.extend([503, 503])  # still down at the first try: the mark is kept
    gateway = Razorpay.from_settings(online)
    assert link_service.cancel_due_links(session, gateway) == 0
    session.refresh(row)
    assert (row.status, row.cancel_due_at is not None) == ("created", True)

    assert link_service.cancel_due_links(session, gateway) == 1  # back up
    session.refresh(row)
    assert _state(row) == ("cancelled", None)
    assert razorpay.links[row.provider_link_id]["status"] == "cancelled"
    assert link_service.cancel_due_links(session, gateway) == 0  # nothing left to do


def test_a_payment_on_a_void_bills_link_is_kept_as_credit(
    client: TestClient,
    session: Session,
    admin: factories.Login,
    razorpay: FakeRazorpay,
    online: Settings,
) -> None:
    invoice = issued(session)
    assert client.post(link_url(invoice), headers=admin.headers).status_code == 200
    razorpay.failures.extend([503, 503])
    assert (
        client.post(
            VOID.format(invoice.id), json={"reason": "billed twice"}, headers=admin.headers
        ).status_code
        == 200
    )
    (row,) = links(session, invoice)
    body = razorpay.pay(row.provider_link_id)  # the customer paid before it was cancelled

    answer = client.post(WEBHOOK, content=body, headers=signed(body))

    assert answer.status_code == 200
    assert answer.json()["result"] == "recorded"
    (payment,) = payments(session)
    assert (payment.customer_id, payment.amount_paise) == (invoice.customer_id, 4250)
    session.refresh(invoice)
    session.refresh(row)
    assert (invoice.status, invoice.amount_paid_paise) == ("void", 0)
    assert row.status == "paid"
    assert ledger.balance(session, invoice.customer_id, online.zone) == -4250  # credit
    # Paid: the scheduler's job leaves it alone.
    assert link_service.cancel_due_links(session, Razorpay.from_settings(online)) == 0
    assert razorpay.calls["cancel"] == 0  # (the fake counts no failed call)
