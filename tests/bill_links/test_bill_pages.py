"""UPI on the customer's own page (/me), and "send bill link" on the owner's page of a customer."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.bill_links.models import BillLink
from milkrun.billing import settlement
from milkrun.http.deps import TOKEN_COOKIE
from milkrun.payments.schemas import PaymentCreate
from tests import factories
from tests.bill_links.conftest import VPA
from tests.bill_links.test_bill_links_api import bill_for
from tests.billing import factories as bf
from tests.factories import ACTOR


def upi_links(page: str) -> list[dict[str, list[str]]]:
    return [
        parse_qs(urlsplit(html.unescape(found)).query)
        for found in re.findall(r'href="(upi://pay\?[^"]+)"', page)
    ]


def test_the_newest_bill_on_me_carries_the_upi_qr_for_its_total_due(
    client: TestClient, session: Session
) -> None:
    user = factories.customer_user(session)
    customer_id = user.customer_id or 0
    invoice = bill_for(session, customer_id, quantity=2, price_paise=2800)  # ₹56.00
    client.cookies.set(TOKEN_COOKIE, factories.login(session, user).token)

    page = client.get("/me").text

    (fields,) = upi_links(page)
    assert fields["pa"] == [VPA]
    assert fields["am"] == ["56.00"]
    assert fields["tn"] == [invoice.number]
    assert "UPI QR code to pay ₹56.00" in page

    settlement.receive_payment(
        session,
        PaymentCreate(customer_id=customer_id, amount=Decimal("56.00"), method="cash"),
        ACTOR,
    )
    assert upi_links(client.get("/me").text) == []  # paid: nothing to pay


def test_the_owner_sends_a_bill_link_from_the_customers_page(
    client: TestClient, session: Session, admin: factories.Login
) -> None:
    customer = factories.customer(session, name="Meera Rao")
    invoice = bill_for(session, customer.id)
    client.cookies.set(TOKEN_COOKIE, admin.token)
    detail = client.get(f"/admin/customers/{customer.id}").text
    action = f"/admin/customers/{customer.id}/bills/{invoice.id}/link"
    assert f'action="{action}"' in detail

    response = client.post(action)

    assert response.status_code == 200, response.text
    assert response.headers["Cache-Control"] == "no-store"
    match = re.search(r'value="(http://127\.0\.0\.1:8000/b/[A-Za-z0-9_-]{43})"', response.text)
    assert match, response.text
    assert "https://wa.me/" in response.text
    opened = client.get(urlsplit(match.group(1)).path)
    assert opened.status_code == 200
    assert "₹42.50" in opened.text


def test_a_bill_of_another_customer_gets_no_link(
    client: TestClient, session: Session, admin: factories.Login
) -> None:
    customer = factories.customer(session, name="Meera Rao")
    other = factories.customer(session, name="Ravi Rao")
    invoice = bill_for(session, other.id)
    client.cookies.set(TOKEN_COOKIE, admin.token)

    response = client.post(f"/admin/customers/{customer.id}/bills/{invoice.id}/link")

    assert response.status_code == 404
    assert session.scalar(select(func.count()).select_from(BillLink)) == 0


def test_only_the_newest_bill_carries_the_upi_qr_for_everything_due(
    client: TestClient, session: Session
) -> None:
    user = factories.customer_user(session)
    customer_id = user.customer_id or 0
    november = bill_for(session, customer_id, quantity=2, price_paise=2800)  # ₹56.00 unpaid
    by = factories.admin_user(session)
    product = factories.product(session, sku="DEC1", price="10.00")
    made = bf.order(
        session,
        customer_id=customer_id,
        product_id=product.id,
        day=bf.DECEMBER + dt.timedelta(days=1),
        quantity=1,
        price_paise=1000,
    )
    bf.deliver(session, made, by=by)
    clock.freeze(dt.datetime(2027, 1, 2, 4, 0, tzinfo=dt.UTC))
    bf.close_month(session, bf.DECEMBER)
    bf.run(session, bf.DECEMBER, finalize=True, today=dt.date(2027, 1, 2))
    december = next(i for i in bf.invoices_of(session, customer_id) if i.id != november.id)
    client.cookies.set(TOKEN_COOKIE, factories.login(session, user).token)

    page = client.get("/me").text

    (fields,) = upi_links(page)  # one QR, not one per bill: paying both would pay twice
    assert fields["tn"] == [december.number]
    assert fields["am"] == ["66.00"]  # November's ₹56.00 carried + December's ₹10.00
