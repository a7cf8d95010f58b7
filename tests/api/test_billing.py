"""Billing over HTTP: runs, invoices and their PDF, finalize, void, reconcile, and what a
customer may see."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit.models import AuditEvent
from milkrun.billing.models import Invoice
from milkrun.orders.models import Order
from tests import factories
from tests.billing import factories as bf

API = "/api/v1"


@pytest.fixture(autouse=True)
def _early_december() -> Iterator[None]:
    clock.freeze(dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC))
    yield
    clock.freeze(None)


class November:
    """Two customers' November: Asha (a login) with milk every day and a one-time paneer,
    Ravi with a week of milk, one order left unmarked."""

    def __init__(self, session: Session, asha_id: int) -> None:
        admin = factories.admin_user(session, name="Owner")
        self.milk = factories.product(session, sku="TM500")
        self.paneer = factories.product(session, sku="PN200", price="90.00", tax_rate="5.00")
        self.asha = asha_id
        self.ravi = factories.customer(session, name="Ravi Rao").id
        self.orders: list[Order] = []
        for n in range(1, 31):
            made = bf.order(
                session, customer_id=asha_id, product_id=self.milk.id, day=dt.date(2026, 11, n)
            )
            bf.deliver(session, made, 1 if n == 15 else None, by=admin)
            self.orders.append(made)
        paneer = bf.order(
            session,
            customer_id=asha_id,
            product_id=self.paneer.id,
            day=dt.date(2026, 11, 8),
            quantity=1,
            price_paise=9000,
        )
        bf.deliver(session, paneer, by=admin)
        for n in range(1, 8):
            made = bf.order(
                session, customer_id=self.ravi, product_id=self.milk.id, day=dt.date(2026, 11, n)
            )
            bf.deliver(session, made, by=admin)
        self.late = bf.order(
            session, customer_id=self.ravi, product_id=self.milk.id, day=dt.date(2026, 11, 30)
        )
        self.admin_user = admin
        # November is over and closed (``late`` was not delivered): it can be finalized.
        bf.close_month(session)


@pytest.fixture
def november(session: Session, customer: factories.Login) -> November:
    assert customer.user.customer_id is not None
    return November(session, customer.user.customer_id)


def run(client: TestClient, admin: factories.Login, **body: Any) -> Any:
    return client.post(
        f"{API}/billing/runs", headers=admin.headers, json={"month": "2026-11", **body}
    )


def invoice_of(session: Session, customer_id: int) -> Invoice:
    session.expire_all()
    return session.scalars(
        select(Invoice).where(Invoice.customer_id == customer_id).order_by(Invoice.id.desc())
    ).first()  # type: ignore[return-value]


def test_a_billing_run_answers_the_contracts_shape(
    client: TestClient, admin: factories.Login, november: November
) -> None:
    first = run(client, admin)
    second = run(client, admin)

    assert first.status_code == 200, first.text
    assert first.json() == {
        "month": "2026-11",
        "invoices_created": 2,
        "invoices_updated": 0,
        "invoices_deleted": 0,
        "invoices_finalized": 0,
        "invoices": 2,
        # Asha: 29 x ₹56 + ₹28 + ₹90 (5 % GST included); Ravi: 7 x ₹56.
        "total": "2134.00",
    }
    assert second.json()["invoices_updated"] == 2
    assert second.json()["invoices_created"] == 0
    assert second.json()["total"] == "2134.00"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"month": "2027-01"}, 400, "month_in_future"),
        ({"month": "2026-13"}, 422, None),
        ({"month": "Nov 2026"}, 422, None),
        ({"month": "2026-11", "extra": 1}, 422, None),
    ],
)
def test_bad_runs_are_refused_and_change_nothing(
    client: TestClient,
    session: Session,
    admin: factories.Login,
    november: November,
    body: dict[str, Any],
    status: int,
    code: str | None,
) -> None:
    events = session.scalar(select(func.count(AuditEvent.id)))
    response = client.post(f"{API}/billing/runs", headers=admin.headers, json=body)
    assert response.status_code == status, response.text
    if code:
        assert response.json()["code"] == code
    assert session.scalar(select(func.count(Invoice.id))) == 0
    assert session.scalar(select(func.count(AuditEvent.id))) == events


def test_an_invoice_reads_with_lines_and_finalizes_once(
    client: TestClient, session: Session, admin: factories.Login, november: November
) -> None:
    run(client, admin)
    draft = invoice_of(session, november.asha)

    detail = client.get(f"{API}/invoices/{draft.id}", headers=admin.headers).json()
    finalized = client.post(f"{API}/invoices/{draft.id}/finalize", headers=admin.headers)
    again = client.post(f"{API}/invoices/{draft.id}/finalize", headers=admin.headers)

    assert detail["status"] == "draft"
    assert detail["number"] is None
    assert detail["lines"] == [
        {
            "product_id": november.milk.id,
            "description": "Toned milk · 500 ml pouch",
            "hsn_code": None,
            "quantity": 59,
            "unit_price": "28.00",
            "amount": "1652.00",
            "tax_rate": "0.00",
            "tax": "0.00",
            "cgst": "0.00",
            "sgst": "0.00",
        },
        {
            "product_id": november.paneer.id,
            "description": "Toned milk · 500 ml pouch",
            "hsn_code": None,
            "quantity": 1,
            "unit_price": "90.00",
            "amount": "85.72",
            "tax_rate": "5.00",
            "tax": "4.28",
            "cgst": "2.14",
            "sgst": "2.14",
        },
    ]
    # ₹90 includes 5 % GST: taxable ₹85.72, CGST = SGST = ₹2.14.
    assert (detail["subtotal"], detail["tax"], detail["total"]) == ("1737.72", "4.28", "1742.00")
    assert detail["document_type"] == "invoice_bill_of_supply"
    assert finalized.status_code == 200, finalized.text
    body = finalized.json()
    assert (body["status"], body["number"]) == ("finalized", "MR/2627/000001")
    assert (body["issue_date"], body["due_date"]) == ("2026-12-03", "2026-12-13")
    assert (body["amount_paid"], body["balance_due"]) == ("0.00", "1742.00")
    assert again.status_code == 409
    assert again.json()["code"] == "invoice_finalized"


def test_a_void_invoice_cannot_be_finalized_and_stays_as_it_was(
    client: TestClient, session: Session, admin: factories.Login, november: November
) -> None:
    run(client, admin, finalize=True)
    issued = invoice_of(session, november.ravi)
    voided = client.post(
        f"{API}/invoices/{issued.id}/void", headers=admin.headers, json={"reason": "typed twice"}
    )
    events = session.scalar(select(func.count(AuditEvent.id)))

    refused = client.post(f"{API}/invoices/{issued.id}/finalize", headers=admin.headers)

    assert voided.status_code == 200, voided.text
    assert (voided.json()["status"], voided.json()["void_reason"]) == ("void", "typed twice")
    assert refused.status_code == 409
    assert refused.json()["code"] == "invoice_void"
    assert client.get(f"{API}/invoices/{issued.id}", headers=admin.headers).json() == voided.json()
    assert session.scalar(select(func.count(AuditEvent.id))) == events


def test_listing_invoices_filters_and_pages(
    client: TestClient, session: Session, admin: factories.Login, november: November
) -> None:
    run(client, admin)
    asha = invoice_of(session, november.asha)
    client.post(f"{API}/invoices/{asha.id}/finalize", headers=admin.headers)

    def ids(**params: Any) -> list[int]:
        response = client.get(f"{API}/invoices", headers=admin.headers, params=params)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    ravi = invoice_of(session, november.ravi)
    assert ids() == [ravi.id, asha.id]
    assert ids(month="2026-11", status="draft") == [ravi.id]
    assert ids(status="finalized") == [asha.id]
    assert ids(customer_id=november.asha) == [asha.id]
    assert ids(month="2026-10") == []
    page = client.get(f"{API}/invoices", headers=admin.headers, params={"limit": 1}).json()
    assert len(page["items"]) == 1
    rest = client.get(
        f"{API}/invoices", headers=admin.headers, params={"limit": 1, "cursor": page["next_cursor"]}
    ).json()
    assert [i["id"] for i in rest["items"]] == [asha.id]
    assert rest["next_cursor"] is None
    bad = client.get(f"{API}/invoices", headers=admin.headers, params={"status": "lost"})
    assert bad.status_code == 400


def test_the_pdf_bill(
    client: TestClient, session: Session, admin: factories.Login, november: November
) -> None:
    run(client, admin, finalize=True)
    invoice = invoice_of(session, november.asha)

    response = client.get(f"{API}/invoices/{invoice.id}/pdf", headers=admin.headers)

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert 'filename="MR-2627-000001.pdf"' in response.headers["content-disposition"]
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Nandini Fresh Dairy" in text
    assert "GSTIN 29ABCDE1234F1Z5" in text
    assert "MR/2627/000001" in text
    assert "1–30 November 2026" in text
    assert "INVOICE-CUM-BILL OF SUPPLY" in text
    assert "Total ₹1,742.00" in text
    assert "Balance due ₹1,742.00" in text
    assert "Taxable value ₹1,737.72" in text
    assert "CGST ₹2.14" in text
    assert "SGST ₹2.14" in text
    # The milk card: 2 a day, 1 on the 15th, 59 in all.
    assert "Toned milk 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2" not in text
    assert "Toned milk 2 2 2 2 2 2 2 2 2 2 2 2 2 2 1 2" in text
    assert "Toned milk 2 2 2 2 2 2 2 2 2 2 2 2 2 2 59" in text


def test_a_customer_sees_its_own_issued_invoices_only(
    client: TestClient,
    session: Session,
    admin: factories.Login,
    customer: factories.Login,
    november: November,
) -> None:
    run(client, admin)
    own_draft = invoice_of(session, november.asha)
    theirs = invoice_of(session, november.ravi)

    hidden = client.get(f"{API}/invoices/{own_draft.id}", headers=customer.headers)
    assert hidden.status_code == 404  # a draft is not a bill yet
    assert client.get(f"{API}/me/invoices", headers=customer.headers).json()["items"] == []

    client.post(f"{API}/invoices/{own_draft.id}/finalize", headers=admin.headers)
    client.post(f"{API}/invoices/{theirs.id}/finalize", headers=admin.headers)

    mine = client.get(f"{API}/me/invoices", headers=customer.headers).json()["items"]
    listed = client.get(f"{API}/invoices", headers=customer.headers).json()["items"]
    assert [i["id"] for i in mine] == [i["id"] for i in listed] == [own_draft.id]
    assert (
        client.get(f"{API}/invoices/{own_draft.id}/pdf", headers=customer.headers).status_code
        == 200
    )
    for path in (f"/invoices/{theirs.id}", f"/invoices/{theirs.id}/pdf"):
        assert client.get(API + path, headers=customer.headers).status_code == 404
    other = client.get(
        f"{API}/invoices", headers=customer.headers, params={"customer_id": november.ravi}
    )
    assert other.status_code == 404


def test_reconciliation_after_a_run_is_clean_and_then_sees_a_late_mark(
    client: TestClient, session: Session, admin: factories.Login, november: November
) -> None:
    run(client, admin, finalize=True)
    clean = client.get(
        f"{API}/billing/reconcile", headers=admin.headers, params={"month": "2026-11"}
    )
    # A delivery written behind billing's back (a leak) after the month was finalized.
    leaked = bf.order(
        session,
        customer_id=november.ravi,
        product_id=november.milk.id,
        day=november.late.delivery_date,
    )
    bf.deliver(session, leaked, by=november.admin_user)
    late = client.get(
        f"{API}/billing/reconcile", headers=admin.headers, params={"month": "2026-11"}
    )

    assert clean.status_code == 200
    assert clean.json() == {
        "month": "2026-11",
        "delivered_not_billed": [],
        "billed_not_delivered": [],
        "delivered_not_billed_count": 0,
        "billed_not_delivered_count": 0,
        "delivered_total": "2134.00",
        "billed_total": "2134.00",
        "unresolved_orders": [],
        "unresolved_orders_count": 0,
        "adjustments_not_carried": [],
        "adjustments_not_carried_count": 0,
        "balance_mismatches": [],
        "balance_mismatches_count": 0,
        "clean": True,
    }
    body = late.json()
    assert body["clean"] is False
    assert [row["order_id"] for row in body["delivered_not_billed"]] == [leaked.id]
    assert body["delivered_total"] == "2190.00"
    assert body["billed_total"] == "2134.00"
    future = client.get(
        f"{API}/billing/reconcile", headers=admin.headers, params={"month": "2027-02"}
    )
    assert future.status_code == 400


def test_every_billing_call_that_changes_something_writes_one_event(
    client: TestClient, session: Session, admin: factories.Login, november: November
) -> None:
    def events_of(response: Any) -> list[str]:
        assert response.status_code < 300, response.text
        return [
            e.action for e in session.scalars(select(AuditEvent).where(AuditEvent.id > mark[0]))
        ]

    mark = [session.scalar(select(func.max(AuditEvent.id))) or 0]
    assert events_of(run(client, admin)) == ["billing.run"]
    invoice = invoice_of(session, november.asha)
    mark[0] = session.scalar(select(func.max(AuditEvent.id))) or 0
    assert events_of(
        client.post(f"{API}/invoices/{invoice.id}/finalize", headers=admin.headers)
    ) == ["invoice.finalize"]
    mark[0] = session.scalar(select(func.max(AuditEvent.id))) or 0
    assert events_of(
        client.post(
            f"{API}/payments",
            headers=admin.headers,
            json={"customer_id": november.asha, "amount": "100.00", "method": "cash"},
        )
    ) == ["payment.record"]
    mark[0] = session.scalar(select(func.max(AuditEvent.id))) or 0
    assert events_of(client.post(f"{API}/invoices/{invoice.id}/void", headers=admin.headers)) == [
        "invoice.void"
    ]
    mark[0] = session.scalar(select(func.max(AuditEvent.id))) or 0
    assert (
        events_of(client.get(f"{API}/billing/reconcile?month=2026-11", headers=admin.headers)) == []
    )


def test_a_month_is_finalized_only_after_its_last_day_closed(
    client: TestClient, session: Session, admin: factories.Login, november: November
) -> None:
    refused = client.post(
        f"{API}/billing/runs",
        headers=admin.headers,
        json={"month": "2026-12", "finalize": True},
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "month_not_closed"
    assert "2026-12-31, has not been closed" in refused.json()["detail"]
    assert session.scalar(select(func.count(Invoice.id)).where(Invoice.month == bf.DECEMBER)) == 0
