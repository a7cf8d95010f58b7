"""Public bill links: an admin makes one for an issued bill (its URL shown once, only the
token's hash stored); whoever has it sees the bill, the amount due and how to pay by UPI at
/b/{token}, until it expires or is revoked; guessing tokens is throttled."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient
from httpx import Response
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit.models import AuditEvent
from milkrun.bill_links.models import BillLink
from milkrun.billing.models import Invoice
from milkrun.links import throttle, tokens
from tests import factories
from tests.bill_links.conftest import VPA
from tests.billing import factories as bf


def links_url(invoice_id: int) -> str:
    return f"/api/v1/invoices/{invoice_id}/links"


def a_bill(session: Session, quantity: int = 1, price_paise: int = 4250) -> Invoice:
    """November's issued bill of a new customer: ``quantity`` units at ``price_paise``."""
    return bill_for(
        session, factories.customer(session, name="Meera Rao").id, quantity, price_paise
    )


def bill_for(
    session: Session,
    customer_id: int,
    quantity: int = 1,
    price_paise: int = 4250,
    *,
    finalize: bool = True,
) -> Invoice:
    by = factories.admin_user(session)
    product = factories.product(session, sku=f"M{customer_id}", price="42.50")
    made = bf.order(
        session,
        customer_id=customer_id,
        product_id=product.id,
        day=bf.NOVEMBER + dt.timedelta(days=4),
        quantity=quantity,
        price_paise=price_paise,
    )
    bf.deliver(session, made, by=by)
    bf.run(session, bf.NOVEMBER, finalize=finalize)
    (invoice,) = bf.invoices_of(session, customer_id)
    return invoice


def make_link(client: TestClient, admin: factories.Login, invoice: Invoice) -> dict[str, object]:
    response = client.post(links_url(invoice.id), headers=admin.headers)
    assert response.status_code == 201, response.text
    created: dict[str, object] = response.json()
    return created


def path_of(created: dict[str, object]) -> str:
    return urlsplit(str(created["url"])).path


def assert_link_headers(response: Response) -> None:
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert response.headers["Cache-Control"] == "no-store"


def upi_fields(page: str) -> dict[str, str]:
    match = re.search(r'href="(upi://pay\?[^"]+)"', page)
    assert match, "the page has no upi://pay link"
    query = urlsplit(html.unescape(match.group(1))).query
    return {key: values[0] for key, values in parse_qs(query).items()}


def test_an_admin_makes_a_link_shown_once_and_only_its_hash_is_stored(
    client: TestClient, session: Session, admin: factories.Login
) -> None:
    invoice = a_bill(session)

    created = make_link(client, admin, invoice)

    token = str(created["token"])
    assert tokens.looks_like_token(token)  # 256 random bits
    assert created["url"] == f"http://127.0.0.1:8000/b/{token}"
    link = session.get(BillLink, created["id"])
    assert link is not None
    assert link.token_hash == tokens.token_hash(token)
    assert link.invoice_id == invoice.id
    assert link.expires_at == clock.now() + dt.timedelta(days=30)  # MILKRUN_BILL_LINK_DAYS
    listed = client.get(links_url(invoice.id), headers=admin.headers).json()
    assert [item["id"] for item in listed] == [created["id"]]
    assert "token" not in listed[0]
    trail = session.scalars(select(AuditEvent).where(AuditEvent.action == "bill_link.create")).all()
    assert len(trail) == 1
    assert token not in str(trail[0].after)
    assert link.token_hash not in str(trail[0].after)


def test_the_link_shows_the_bill_the_amount_due_and_the_upi_link(
    client: TestClient, session: Session, admin: factories.Login
) -> None:
    invoice = a_bill(session)
    created = make_link(client, admin, invoice)

    response = client.get(path_of(created))

    assert response.status_code == 200, response.text
    assert_link_headers(response)
    page = response.text
    assert invoice.number is not None
    assert invoice.number in page
    assert "₹42.50" in page
    assert "<svg" in page  # the QR code
    assert upi_fields(page) == {
        "pa": VPA,
        "pn": "Nandini Dairy",
        "am": "42.50",
        "cu": "INR",
        "tn": invoice.number,
        "tr": invoice.number.replace("/", ""),
    }
    document = client.get(path_of(created) + "/pdf")
    assert document.status_code == 200
    assert document.headers["content-type"] == "application/pdf"
    assert_link_headers(document)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(document.content)).pages)
    assert "Pay by UPI" in text
    assert f"UPI ID {VPA}" in text


def test_the_days_a_link_works_can_be_chosen_and_bad_ones_are_refused(
    client: TestClient, session: Session, admin: factories.Login
) -> None:
    invoice = a_bill(session)
    response = client.post(links_url(invoice.id), json={"days": 2}, headers=admin.headers)
    assert response.status_code == 201
    assert dt.datetime.fromisoformat(response.json()["expires_at"]) == clock.now() + dt.timedelta(
        days=2
    )
    for body in ({"days": 0}, {"days": 366}, {"days": "soon"}, {"token": "x"}):
        refused = client.post(links_url(invoice.id), json=body, headers=admin.headers)
        assert refused.status_code == 422, (body, refused.text)
    assert session.scalar(select(func.count()).select_from(BillLink)) == 1


def test_only_an_issued_bill_can_be_shared(
    client: TestClient, session: Session, admin: factories.Login
) -> None:
    invoice = bill_for(session, factories.customer(session).id, finalize=False)
    assert invoice.status == "draft"
    response = client.post(links_url(invoice.id), headers=admin.headers)
    assert response.status_code == 409
    assert response.json()["code"] == "bill_not_issued"
    missing = client.post(links_url(999_999), headers=admin.headers)
    assert missing.status_code == 404
    assert session.scalar(select(func.count()).select_from(BillLink)) == 0


def test_a_link_stops_working_at_its_expiry(
    client: TestClient, session: Session, admin: factories.Login
) -> None:
    invoice = a_bill(session)
    created = make_link(client, admin, invoice)
    expiry = dt.datetime.fromisoformat(str(created["expires_at"]))

    clock.freeze(expiry - dt.timedelta(seconds=1))
    assert client.get(path_of(created)).status_code == 200
    clock.freeze(expiry)
    response = client.get(path_of(created))

    assert response.status_code == 410
    assert_link_headers(response)
    assert "stopped working" in response.text
    assert client.get(path_of(created) + "/pdf").status_code == 410


def test_a_revoked_link_is_gone_and_revoking_is_scoped_to_its_bill(
    client: TestClient, session: Session, admin: factories.Login
) -> None:
    invoice = a_bill(session)
    other = a_bill(session)
    created = make_link(client, admin, invoice)
    url = f"{links_url(invoice.id)}/{created['id']}"

    assert (
        client.delete(f"{links_url(other.id)}/{created['id']}", headers=admin.headers).status_code
        == 404
    )
    assert client.get(path_of(created)).status_code == 200

    assert client.delete(url, headers=admin.headers).status_code == 204
    assert client.delete(url, headers=admin.headers).status_code == 204  # again: no change
    response = client.get(path_of(created))
    assert response.status_code == 410
    assert_link_headers(response)
    assert "switched off by the dairy" in response.text
    revokes = session.scalars(select(AuditEvent).where(AuditEvent.action == "bill_link.revoke"))
    assert len(revokes.all()) == 1


def test_a_cancelled_bill_is_gone_from_its_link(
    client: TestClient, session: Session, admin: factories.Login
) -> None:
    invoice = a_bill(session)
    created = make_link(client, admin, invoice)
    voided = client.post(f"/api/v1/invoices/{invoice.id}/void", headers=admin.headers)
    assert voided.status_code == 200, voided.text
    response = client.get(path_of(created))
    assert response.status_code == 410
    assert "was cancelled" in response.text


def test_guessing_is_throttled_but_a_good_token_still_opens(
    client: TestClient, session: Session, admin: factories.Login
) -> None:
    """Guesses from one address are held off; the customer behind the same mobile network's
    address, with the real link, is not."""
    invoice = a_bill(session)
    created = make_link(client, admin, invoice)
    for _ in range(throttle.MAX_GUESSES):
        guess = client.get(f"/b/{tokens.new_token()}")
        assert guess.status_code == 404
        assert_link_headers(guess)

    held_off = client.get(f"/b/{tokens.new_token()}")
    good = client.get(path_of(created))

    assert held_off.status_code == 429
    assert_link_headers(held_off)
    assert int(held_off.headers["Retry-After"]) > 0
    assert good.status_code == 200
    clock.freeze(clock.now() + throttle.WINDOW + dt.timedelta(seconds=1))
    assert client.get(f"/b/{tokens.new_token()}").status_code == 404


def test_a_nonsense_token_is_a_plain_404(client: TestClient) -> None:
    response = client.get("/b/not-a-token")
    assert response.status_code == 404
    assert_link_headers(response)
    assert "no such bill link" in response.text


def test_a_customer_cannot_make_a_link(
    client: TestClient, session: Session, customer: factories.Login
) -> None:
    invoice = bill_for(session, customer.user.customer_id or 0)
    response = client.post(links_url(invoice.id), headers=customer.headers)
    assert response.status_code == 403
    assert session.scalar(select(func.count()).select_from(BillLink)) == 0
