"""POST /payment-statements and the lines: import, the proposals and the queue, bulk confirm,
assign, ignore; problem+json refusals; admins only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.payments.models import Payment
from tests import factories
from tests.statements.factories import bill

URL = "/api/v1/payment-statements"
LINES = "/api/v1/payment-statement-lines"
CSV = (
    "Date,Narration,Reference,Amount,Dr/Cr\n"
    '06/12/2026,UPI/ASHA/{ref},334512345678,"1,680.00",Cr\n'
    "06/12/2026,UPI/UNKNOWN,334512345679,300.00,Cr\n"
    "06/12/2026,BILL PAY ELECTRICITY,,900.00,Dr\n"
)


@pytest.fixture(autouse=True)
def _monday() -> Iterator[None]:
    clock.freeze(dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC))
    yield
    clock.freeze(None)


def upload(client: TestClient, headers: dict[str, str], body: str, **params: str) -> object:
    return client.post(
        URL, headers=headers, params=params, files={"file": ("dec.csv", body.encode(), "text/csv")}
    )


def test_import_confirm_assign_ignore(
    client: TestClient, session: Session, admin: factories.Login
) -> None:
    asha = factories.customer(session, name="Asha Iyer")
    ravi = factories.customer(session, name="Ravi Rao")
    invoice = bill(session, asha.id, 168000)
    body = CSV.format(ref=invoice.number)

    dry = upload(client, admin.headers, body, mapping="generic", dry_run="true")
    assert dry.status_code == 201, dry.text  # type: ignore[attr-defined]
    assert dry.json()["id"] is None  # type: ignore[attr-defined]
    made = upload(client, admin.headers, body, mapping="generic")
    summary = made.json()  # type: ignore[attr-defined]
    assert (summary["credits_new"], summary["proposed"], summary["unmatched"]) == (2, 1, 1)
    assert summary["debits_skipped"] == 1

    proposed = client.get(LINES, params={"status": "proposed"}, headers=admin.headers).json()
    [match] = proposed["items"]
    assert (match["customer_name"], match["reason"], match["amount"]) == (
        "Asha Iyer",
        "bill_reference",
        "1680.00",
    )
    confirmed = client.post(
        f"{LINES}/confirm", json={"line_ids": [match["id"]]}, headers=admin.headers
    )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["confirmed"] == 1
    again = client.post(f"{LINES}/confirm", json={"line_ids": [match["id"]]}, headers=admin.headers)
    assert (again.status_code, again.json()["code"]) == (400, "nothing_to_confirm")

    [queued] = client.get(LINES, params={"status": "unmatched"}, headers=admin.headers).json()[
        "items"
    ]
    assigned = client.put(
        f"{LINES}/{queued['id']}/customer",
        json={"customer_id": ravi.id, "confirm": True},
        headers=admin.headers,
    )
    assert assigned.status_code == 200, assigned.text
    assert (assigned.json()["status"], assigned.json()["customer_name"]) == (
        "confirmed",
        "Ravi Rao",
    )
    ignored = client.post(f"{LINES}/{queued['id']}/ignore", headers=admin.headers)
    assert (ignored.status_code, ignored.json()["code"]) == (409, "line_already_decided")
    rows = session.execute(
        select(Payment.customer_id, Payment.amount_paise, Payment.reference).order_by(Payment.id)
    ).all()
    assert [tuple(r) for r in rows] == [
        (asha.id, 168000, "334512345678"),
        (ravi.id, 30000, "334512345679"),
    ]

    reimport = upload(client, admin.headers, body)  # the mapping of the last import
    assert reimport.json()["credits_seen_before"] == 2  # type: ignore[attr-defined]
    assert session.scalar(select(func.count(Payment.id))) == 2


def test_refusals(client: TestClient, admin: factories.Login, customer: factories.Login) -> None:
    bad = upload(
        client,
        admin.headers,
        "Date,Narration,Reference,Amount,Dr/Cr\n1/1/2026,x,,5,Xx\n",
        mapping="generic",
    )
    assert bad.status_code == 400  # type: ignore[attr-defined]
    problem = bad.json()  # type: ignore[attr-defined]
    assert problem["code"] == "malformed_statement"
    assert "Row 2, column 'Dr/Cr'" in problem["detail"]
    first = upload(client, admin.headers, "x\n")
    assert first.json()["code"] == "unknown_mapping"  # type: ignore[attr-defined]
    assert upload(client, customer.headers, "x\n", mapping="sbi").status_code == 403  # type: ignore[attr-defined]
    unknown = client.post(f"{LINES}/99999/ignore", headers=admin.headers)
    assert (unknown.status_code, unknown.json()["code"]) == (404, "statement_line_not_found")
    extra = client.post(f"{LINES}/confirm", json={"line_ids": [1], "x": 1}, headers=admin.headers)
    assert extra.status_code == 422


def test_saved_mapping(client: TestClient, admin: factories.Login) -> None:
    mapping = {
        "name": "Kotak",
        "date": "Transaction Date",
        "narration": "Description",
        "reference": "Chq / Ref number",
        "amount": "Amount",
        "type": "Dr / Cr",
    }
    made = client.post("/api/v1/payment-statement-mappings", json=mapping, headers=admin.headers)
    assert made.status_code == 201, made.text
    twice = client.post("/api/v1/payment-statement-mappings", json=mapping, headers=admin.headers)
    assert (twice.status_code, twice.json()["code"]) == (409, "mapping_exists")
    names = [
        m["name"]
        for m in client.get("/api/v1/payment-statement-mappings", headers=admin.headers).json()
    ]
    assert names[:4] == ["sbi", "hdfc", "icici", "axis"]
    assert "Kotak" in names
    body = (
        "Transaction Date,Description,Chq / Ref number,Amount,Dr / Cr\n"
        "07-12-2026,NEFT IN,N1,250.00,CR\n"
    )
    imported = upload(client, admin.headers, body, mapping="kotak")
    assert imported.status_code == 201, imported.text  # type: ignore[attr-defined]
    assert imported.json()["mapping"] == "Kotak"  # type: ignore[attr-defined]
