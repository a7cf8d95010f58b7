"""A bill re-rendered later is the bill as it was issued: a customer switching between prepaid and
postpaid does not change what its earlier bills are, and a payment since the bill is shown next
to it (the figures stay as issued) — on the bill link, its PDF, the admin's PDF and /me."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy.orm import Session

from milkrun.billing.models import Invoice
from milkrun.http.deps import TOKEN_COOKIE
from milkrun.payments.schemas import PaymentCreate
from milkrun.wallets import service as wallets
from milkrun.wallets.schemas import WalletUpdate
from tests import factories
from tests.bill_links.test_bill_links_api import bill_for, make_link, path_of, upi_fields
from tests.billing import factories as bf


def switch(session: Session, customer_id: int, *, prepaid: bool) -> None:
    wallets.set_wallet(
        session,
        customer_id,
        WalletUpdate(is_prepaid=prepaid),
        factories.ACTOR,
        threshold_paise=0,
        today=bf.TODAY,
    )


def pay(session: Session, customer_id: int, rupees: str, on: dt.datetime | None = None) -> None:
    wallets.receive_payment(
        session,
        PaymentCreate(
            customer_id=customer_id, amount=Decimal(rupees), method="upi", received_at=on
        ),
        factories.ACTOR,
        threshold_paise=0,
        today=bf.TODAY,
        confirm_duplicate=True,
    )


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def admin_pdf(client: TestClient, admin: factories.Login, invoice: Invoice) -> str:
    answer = client.get(f"/api/v1/invoices/{invoice.id}/pdf", headers=admin.headers)
    assert answer.status_code == 200, answer.text
    return pdf_text(answer.content)


def test_a_postpaid_bill_stays_a_bill_to_pay_when_the_customer_turns_prepaid(
    client: TestClient, session: Session, admin: factories.Login
) -> None:
    customer = factories.customer(session, name="Meera Rao")
    invoice = bill_for(session, customer.id)
    assert invoice.is_prepaid is False
    before = admin_pdf(client, admin, invoice)

    switch(session, customer.id, prepaid=True)

    after = admin_pdf(client, admin, invoice)
    assert "Your account" in after
    assert "Your prepaid wallet" not in after
    assert after == before
    path = path_of(make_link(client, admin, invoice))
    assert "Your prepaid wallet" not in pdf_text(client.get(path + "/pdf").content)
    page = client.get(path).text
    assert "Your account" in page
    assert "Your prepaid wallet" not in page


def test_a_prepaid_bill_stays_the_wallets_statement_when_the_customer_turns_postpaid(
    client: TestClient, session: Session, admin: factories.Login
) -> None:
    customer = factories.customer(session, name="Meera Rao")
    switch(session, customer.id, prepaid=True)
    pay(session, customer.id, "100.00", dt.datetime(2026, 11, 20, 6, 0, tzinfo=dt.UTC))
    invoice = bill_for(session, customer.id)  # ₹42.50 of deliveries
    assert invoice.is_prepaid is True

    switch(session, customer.id, prepaid=False)

    text = admin_pdf(client, admin, invoice)
    assert "Your prepaid wallet" in text
    assert "Your account" not in text
    assert "Top-ups since ₹100.00" in text
    assert "Left in the wallet ₹57.50" in text
    page = client.get(path_of(make_link(client, admin, invoice))).text
    assert "Your prepaid wallet" in page
    assert "Your account" not in page
    assert re.search(r"Top-ups since</td><td[^>]*>₹100\.00<", page)
    assert re.search(r"Left in the wallet</th><th[^>]*>₹57\.50<", page)


def test_a_payment_after_the_bill_is_shown_next_to_it_and_not_asked_for_again(
    client: TestClient, session: Session, admin: factories.Login
) -> None:
    customer = factories.customer(session, name="Meera Rao")
    invoice = bill_for(session, customer.id)  # ₹42.50
    path = path_of(make_link(client, admin, invoice))
    assert "Since this bill" not in client.get(path).text

    pay(session, customer.id, "20.00")

    page = client.get(path).text
    assert "₹42.50" in page  # the bill as issued
    assert "Since this bill: paid ₹20.00 (last on 3 Dec 2026); ₹22.50 still due." in page
    assert "Please pay by" not in page
    assert upi_fields(page)["am"] == "22.50"
    text = pdf_text(client.get(path + "/pdf").content)
    assert "Total due ₹42.50" in text.replace("\n", " ")
    assert "Since this bill: paid ₹20.00 (last on 3 Dec 2026); ₹22.50 still due." in text
    assert "Please pay" not in text

    pay(session, customer.id, "22.50")

    page = client.get(path).text
    assert "Since this bill: paid ₹42.50 (last on 3 Dec 2026), paid in full." in page
    assert "upi://pay" not in page
    assert "paid in full" in admin_pdf(client, admin, invoice)


def test_the_customers_page_shows_a_payment_since_its_bill(
    client: TestClient, session: Session
) -> None:
    user = factories.customer_user(session)
    assert user.customer_id is not None
    bill_for(session, user.customer_id)  # ₹42.50
    pay(session, user.customer_id, "40.00")
    client.cookies.set(TOKEN_COOKIE, factories.login(session, user).token)

    page = client.get("/me").text

    assert "Since this bill: paid ₹40.00 (last on 3 Dec 2026); ₹2.50 still due." in page
    assert "Pay ₹2.50 by UPI" in page
