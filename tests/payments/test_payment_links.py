"""A bill's payment link at the gateway (the local fake Razorpay): made on demand, one live link
per bill and amount, never in the way of finalizing; the signed ``payment_link.paid`` webhook
recorded as a payment once; the pages that show the link."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import threading
from contextlib import ExitStack
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit.models import AuditEvent
from milkrun.bill_links import service as bill_links
from milkrun.billing import settlement
from milkrun.billing.models import Invoice
from milkrun.config import Settings
from milkrun.db.session import Database
from milkrun.http.deps import TOKEN_COOKIE
from milkrun.payment_links import service as link_service
from milkrun.payment_links.models import PaymentLink
from milkrun.payments.gateways.razorpay import Razorpay
from milkrun.payments.models import Payment
from milkrun.payments.schemas import PaymentCreate
from tests import factories
from tests.bill_links.test_bill_links_api import bill_for
from tests.billing import factories as bf
from tests.conftest import make_client
from tests.factories import ACTOR
from tests.payments.conftest import gateway_settings
from tests.payments.fake_razorpay import WEBHOOK_SECRET, FakeRazorpay, paid_event

WEBHOOK = "/api/v1/webhooks/razorpay"


@pytest.fixture(autouse=True)
def _early_december() -> None:
    """November is over and billed."""
    clock.freeze(dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC))


@pytest.fixture
def client(online: Settings, database: Database) -> TestClient:
    with make_client(online, database) as test_client:
        return test_client


def signed(body: bytes, secret: str = WEBHOOK_SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"X-Razorpay-Signature": digest, "Content-Type": "application/json"}


def link_url(invoice: Invoice) -> str:
    return f"/api/v1/invoices/{invoice.id}/payment-link"


def links(session: Session, invoice: Invoice) -> list[PaymentLink]:
    return list(
        session.scalars(
            select(PaymentLink).where(PaymentLink.invoice_id == invoice.id).order_by(PaymentLink.id)
        )
    )


def payments(session: Session) -> list[Payment]:
    return list(session.scalars(select(Payment).order_by(Payment.id)))


def issued(session: Session) -> Invoice:
    customer = factories.customer(session, name="Asha Iyer", phone_number="9845012345")
    return bill_for(session, customer.id)  # ₹42.50


# --- making the link -----------------------------------------------------------------------------


def test_a_link_is_made_once_per_bill_and_amount(
    client: TestClient, session: Session, admin: factories.Login, razorpay: FakeRazorpay
) -> None:
    invoice = issued(session)

    first = client.post(link_url(invoice), headers=admin.headers)
    again = client.post(link_url(invoice), headers=admin.headers)

    assert first.status_code == 200, first.text
    body = first.json()
    assert (body["amount"], body["status"], body["gateway"]) == ("42.50", "created", "razorpay")
    assert body["url"].startswith("https://rzp.io/i/")
    assert again.json()["id"] == body["id"]
    assert razorpay.calls == {"create": 1}
    (sent,) = razorpay.requests
    assert sent["amount"] == 4250
    assert sent["reference_id"].startswith(str(invoice.number).replace("/", "") + "-")
    assert sent["customer"]["contact"] == "+919845012345"
    assert sent["callback_url"] == "http://127.0.0.1:8000/b/paid"
    assert dt.datetime.fromtimestamp(sent["expire_by"], dt.UTC) == clock.now() + dt.timedelta(
        days=30
    )
    (row,) = links(session, invoice)
    assert row.provider_link_id in razorpay.links
    assert (
        session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "payment_link.create")
        )
        == 1
    )


def test_a_new_amount_due_cancels_the_old_link_and_makes_a_new_one(
    client: TestClient, session: Session, admin: factories.Login, razorpay: FakeRazorpay
) -> None:
    invoice = issued(session)
    old = client.post(link_url(invoice), headers=admin.headers).json()
    settlement.receive_payment(
        session,
        PaymentCreate(customer_id=invoice.customer_id, amount=Decimal("10.00"), method="cash"),
        ACTOR,
    )

    new = client.post(link_url(invoice), headers=admin.headers).json()

    assert new["amount"] == "32.50"
    assert new["id"] != old["id"]
    assert razorpay.calls == {"create": 2, "cancel": 1}
    statuses = [link.status for link in links(session, invoice)]
    assert statuses == ["cancelled", "created"]
    listed = client.get(f"/api/v1/invoices/{invoice.id}/payment-links", headers=admin.headers)
    assert [link["status"] for link in listed.json()] == ["created", "cancelled"]


def test_a_gateway_outage_answers_502_and_records_nothing(
    client: TestClient, session: Session, admin: factories.Login, razorpay: FakeRazorpay
) -> None:
    invoice = issued(session)
    razorpay.failures.append(503)

    response = client.post(link_url(invoice), headers=admin.headers)

    assert response.status_code == 502
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "gateway_unavailable"
    assert links(session, invoice) == []
    assert client.post(link_url(invoice), headers=admin.headers).status_code == 200  # back up


def test_finalizing_never_calls_the_gateway(
    client: TestClient, session: Session, admin: factories.Login, razorpay: FakeRazorpay
) -> None:
    customer = factories.customer(session)
    draft = bill_for(session, customer.id, finalize=False)
    bf.close_month(session, bf.NOVEMBER)
    razorpay.failures.extend([503] * 5)  # the gateway is down all along

    response = client.post(f"/api/v1/invoices/{draft.id}/finalize", headers=admin.headers)

    assert response.status_code == 200, response.text
    assert response.json()["number"]
    assert sum(razorpay.calls.values()) == 0


def test_a_draft_or_an_unconfigured_gateway_gets_no_link(
    session: Session,
    database: Database,
    database_url: str,
    admin: factories.Login,
    razorpay: FakeRazorpay,
    online: Settings,
) -> None:
    draft = bill_for(session, factories.customer(session).id, finalize=False)
    with make_client(online, database) as client:
        refused = client.post(link_url(draft), headers=admin.headers)
    assert (refused.status_code, refused.json()["code"]) == (409, "bill_not_payable")
    plain = Settings(**{**online.model_dump(), "razorpay_key_id": ""})
    with make_client(plain, database) as client:
        refused = client.post(link_url(draft), headers=admin.headers)
        hook = client.post(WEBHOOK, content=b"{}", headers=signed(b"{}"))
    assert (refused.status_code, refused.json()["code"]) == (404, "gateway_not_configured")
    assert hook.status_code == 404
    assert sum(razorpay.calls.values()) == 0


# --- the webhook ---------------------------------------------------------------------------------


def paid_link(client: TestClient, admin: factories.Login, invoice: Invoice) -> str:
    response = client.post(link_url(invoice), headers=admin.headers)
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


def test_a_signed_paid_webhook_records_the_payment_once(
    client: TestClient, session: Session, admin: factories.Login, razorpay: FakeRazorpay
) -> None:
    invoice = issued(session)
    paid_link(client, admin, invoice)
    (row,) = links(session, invoice)
    body = razorpay.pay(row.provider_link_id, method="upi", payment_id="pay_Upi0000000001")

    answers = [client.post(WEBHOOK, content=body, headers=signed(body)) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.json()["result"] for a in answers] == ["recorded", "replayed", "replayed"]
    (payment,) = payments(session)
    assert (payment.amount_paise, payment.method, payment.reference) == (
        4250,
        "upi",
        "pay_Upi0000000001",
    )
    assert payment.customer_id == invoice.customer_id
    session.refresh(invoice)
    session.refresh(row)
    assert invoice.status == "paid"
    assert (row.status, row.payment_id) == ("paid", payment.id)
    recorded = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "payment.record")
    ).all()
    assert [(e.actor_label, e.entity_id) for e in recorded] == [("payment gateway", payment.id)]
    # Paid: the bill owes nothing and asks for no new link.
    assert client.post(link_url(invoice), headers=admin.headers).status_code == 409


def test_a_card_payment_is_recorded_as_card(
    client: TestClient, session: Session, admin: factories.Login, razorpay: FakeRazorpay
) -> None:
    invoice = issued(session)
    paid_link(client, admin, invoice)
    (row,) = links(session, invoice)
    body = razorpay.pay(row.provider_link_id, method="card")
    assert client.post(WEBHOOK, content=body, headers=signed(body)).json()["result"] == "recorded"
    (payment,) = payments(session)
    assert payment.method == "card"


@pytest.mark.parametrize(
    "signature",
    [None, "", "0" * 64, "sha256=whatever", "wrong-secret"],
)
def test_a_badly_signed_webhook_is_400_and_records_nothing(
    client: TestClient,
    session: Session,
    admin: factories.Login,
    razorpay: FakeRazorpay,
    signature: str | None,
) -> None:
    invoice = issued(session)
    paid_link(client, admin, invoice)
    (row,) = links(session, invoice)
    body = razorpay.pay(row.provider_link_id)
    headers = {"Content-Type": "application/json"}
    if signature == "wrong-secret":
        headers = signed(body, secret="not-the-webhook-secret")
    elif signature is not None:
        headers["X-Razorpay-Signature"] = signature

    response = client.post(WEBHOOK, content=body, headers=headers)

    assert response.status_code == 400
    assert response.json()["code"] == "bad_webhook_signature"
    assert payments(session) == []
    session.refresh(row)
    assert row.status == "created"


def test_a_body_changed_after_signing_is_refused(
    client: TestClient, session: Session, admin: factories.Login, razorpay: FakeRazorpay
) -> None:
    invoice = issued(session)
    paid_link(client, admin, invoice)
    (row,) = links(session, invoice)
    body = razorpay.pay(row.provider_link_id)
    event = json.loads(body)
    event["payload"]["payment"]["entity"]["amount"] = 1
    response = client.post(WEBHOOK, content=json.dumps(event).encode(), headers=signed(body))
    assert response.status_code == 400
    assert payments(session) == []


def test_other_events_and_links_not_ours_are_ignored_with_200(
    client: TestClient, session: Session
) -> None:
    other = json.dumps({"entity": "event", "event": "payment.authorized", "payload": {}}).encode()
    stranger = paid_event(
        {"id": "plink_NotOurs0000", "amount": 5000, "reference_id": "X", "status": "paid"}
    )
    for body in (other, stranger):
        response = client.post(WEBHOOK, content=body, headers=signed(body))
        assert (response.status_code, response.json()["result"]) == (200, "ignored")
    assert payments(session) == []


# --- the pages -----------------------------------------------------------------------------------


def pay_buttons(page: str) -> list[str]:
    return re.findall(r'<a class="button online-button" href="([^"]+)"', page)


def bill_link_path(session: Session, invoice: Invoice) -> str:
    admin = factories.admin_user(session)
    actor = ACTOR.__class__(user_id=admin.id, label="admin", channel="test")
    _, token = bill_links.create_link(session, invoice.id, actor, days=30)
    return f"/b/{token}"


def test_the_bill_link_page_makes_the_link_lazily_and_shows_pay_online(
    client: TestClient, session: Session, razorpay: FakeRazorpay
) -> None:
    invoice = issued(session)
    path = bill_link_path(session, invoice)

    page = client.get(path)
    again = client.get(path)

    assert page.status_code == 200
    (url,) = pay_buttons(page.text)
    (row,) = links(session, invoice)
    assert url == row.url
    assert "Pay online ₹42.50" in page.text
    assert "UPI QR code to pay ₹42.50" in page.text  # next to the QR
    assert pay_buttons(again.text) == [url]
    assert razorpay.calls == {"create": 1}


def test_a_gateway_outage_leaves_the_bill_page_with_upi_only(
    client: TestClient, session: Session, razorpay: FakeRazorpay
) -> None:
    invoice = issued(session)
    path = bill_link_path(session, invoice)
    razorpay.failures.append(500)

    page = client.get(path)

    assert page.status_code == 200
    assert pay_buttons(page.text) == []
    assert "UPI QR code to pay ₹42.50" in page.text
    assert links(session, invoice) == []
    assert len(pay_buttons(client.get(path).text)) == 1  # the next visit tries again


def test_me_shows_pay_online_for_a_live_link(
    client: TestClient, session: Session, admin: factories.Login, razorpay: FakeRazorpay
) -> None:
    user = factories.customer_user(session)
    invoice = bill_for(session, user.customer_id or 0)
    client.cookies.set(TOKEN_COOKIE, factories.login(session, user).token)
    assert pay_buttons(client.get("/me").text) == []  # no link made yet

    made = client.post(link_url(invoice), headers=admin.headers).json()
    client.cookies.set(TOKEN_COOKIE, factories.login(session, user).token)
    page = client.get("/me").text

    assert pay_buttons(page) == [made["url"]]
    assert "Pay online ₹42.50" in page


def test_the_admin_bill_page_shows_the_link_and_makes_one(
    client: TestClient, session: Session, admin: factories.Login, razorpay: FakeRazorpay
) -> None:
    invoice = issued(session)
    client.cookies.set(TOKEN_COOKIE, admin.token)
    page = client.get(f"/admin/invoices/{invoice.id}").text
    assert "Create payment link" in page
    assert f'action="/admin/invoices/{invoice.id}/payment-link"' in page

    made = client.post(f"/admin/invoices/{invoice.id}/payment-link", follow_redirects=False)

    assert made.status_code == 303
    shown = client.get(made.headers["location"]).text
    (row,) = links(session, invoice)
    assert f'id="payment-link-url">{row.url}</a>' in shown
    assert "Payment link ready" in shown
    assert "Create payment link" not in shown


def test_the_admin_page_says_when_the_gateway_fails(
    client: TestClient, session: Session, admin: factories.Login, razorpay: FakeRazorpay
) -> None:
    invoice = issued(session)
    client.cookies.set(TOKEN_COOKIE, admin.token)
    razorpay.failures.append(503)
    response = client.post(f"/admin/invoices/{invoice.id}/payment-link")
    assert response.status_code == 502
    assert "Razorpay refused" in response.text
    assert links(session, invoice) == []


def test_the_page_the_gateway_returns_to(client: TestClient) -> None:
    page = client.get("/b/paid")
    assert page.status_code == 200
    assert "Thank you" in page.text


# --- settings ------------------------------------------------------------------------------------


def test_razorpay_is_all_or_nothing_and_placeholders_are_refused_in_production(
    database_url: str,
) -> None:
    with pytest.raises(ValueError, match="MILKRUN_RAZORPAY_WEBHOOK_SECRET"):
        gateway_settings(database_url, "http://x", razorpay_webhook_secret="")
    with pytest.raises(ValueError, match="MILKRUN_RAZORPAY_KEY_SECRET"):
        gateway_settings(database_url, "http://x", razorpay_key_secret="")
    with pytest.raises(ValueError, match="development placeholder"):
        gateway_settings(
            database_url,
            "http://x",
            env="production",
            secret_key="p" * 40,
            razorpay_webhook_secret="dev-razorpay-webhook-secret",
        )
    assert gateway_settings(
        database_url, "http://x", env="demo", razorpay_key_secret="dev-razorpay-secret"
    ).razorpay_enabled


# --- retries at once -----------------------------------------------------------------------------


def test_the_same_webhook_delivered_twice_at_once_records_one_payment(
    committed_database: Database, online: Settings, razorpay: FakeRazorpay
) -> None:
    """Razorpay retries a webhook it thinks failed; two deliveries may race on two workers."""
    gateway = Razorpay.from_settings(online)
    with committed_database.session_scope() as session:
        invoice = issued(session)
        link = link_service.ensure_link(session, invoice.id, gateway, online, ACTOR)
        invoice_id, provider_link_id = invoice.id, link.provider_link_id
    body = razorpay.pay(provider_link_id, payment_id="pay_Race00000001")
    start = threading.Barrier(2)
    results: list[str] = []

    def deliver(client: TestClient) -> None:
        start.wait()
        response = client.post(WEBHOOK, content=body, headers=signed(body))
        assert response.status_code == 200, response.text
        results.append(response.json()["result"])

    with ExitStack() as stack:  # two workers (apps made one after the other)
        clients = [stack.enter_context(make_client(online, committed_database)) for _ in "ab"]
        warm = b'{"event": "payment.captured", "payload": {}}'
        for client in clients:  # a worker that has served a call (pydantic builds lazily)
            assert client.post(WEBHOOK, content=warm, headers=signed(warm)).status_code == 200
        threads = [threading.Thread(target=deliver, args=(client,)) for client in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    assert sorted(results) == ["recorded", "replayed"]
    with committed_database.session_scope() as session:
        (payment,) = payments(session)
        assert payment.reference == "pay_Race00000001"
        marked = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "payment_link.paid")
        ).all()
        assert len(marked) == 1
        invoice = session.get_one(Invoice, invoice_id)
        assert invoice.status == "paid"
