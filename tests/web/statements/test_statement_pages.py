"""The owner's statement pages: upload with a layout, the proposed matches with their reason and
a bulk confirm, the queue, a line's customer; a malformed file re-renders with the row and the
column and records nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.http.deps import TOKEN_COOKIE
from milkrun.payments.models import Payment
from milkrun.statements.models import StatementLine
from tests import factories
from tests.factories import Login
from tests.statements.factories import bill

PAGE = "/admin/payments/statements"
CSV = (
    "Txn Date,Value Date,Description,Ref No./Cheque No.,Debit,Credit,Balance\n"
    '6 Dec 2026,6 Dec 2026,BY TRANSFER-UPI/CR/334512345678/ASHA/{ref},,,"1,680.00",1680\n'
    "6 Dec 2026,6 Dec 2026,BY TRANSFER-UPI/CR/334512345679/UNKNOWN,,,300.00,1980\n"
)


@pytest.fixture(autouse=True)
def _monday() -> Iterator[None]:
    clock.freeze(dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC))
    yield
    clock.freeze(None)


@pytest.fixture
def admin_client(client: TestClient, admin: Login) -> TestClient:
    client.cookies.set(TOKEN_COOKIE, admin.token)
    client.follow_redirects = False
    return client


def send(client: TestClient, body: str, mapping: str = "sbi") -> object:
    return client.post(
        PAGE,
        data={"mapping": mapping, "csrf_token": client.page_token()},
        files={"file": ("sbi.csv", body.encode(), "text/csv")},
    )


def test_upload_confirm_and_assign(admin_client: TestClient, session: Session) -> None:
    asha = factories.customer(session, name="Asha Iyer")
    ravi = factories.customer(session, name="Ravi Rao")
    invoice = bill(session, asha.id, 168000)
    empty = admin_client.get(PAGE)
    assert empty.status_code == 200
    assert "No credits here." in empty.text

    sent = send(admin_client, CSV.format(ref=invoice.number))
    assert sent.status_code == 303, sent.text  # type: ignore[attr-defined]
    shown = admin_client.get(sent.headers["location"])  # type: ignore[attr-defined]
    assert "2 new credits (1 to confirm, 1 unmatched" in shown.text
    assert "Bill number in the narration" in shown.text
    assert "₹1,680.00" in shown.text
    assert "Asha Iyer" in shown.text
    assert "To confirm (1)" in shown.text
    assert "Unmatched (1)" in shown.text
    assert '<option value="sbi" selected>' in shown.text  # the layout is kept

    [proposed, queued] = session.scalars(select(StatementLine).order_by(StatementLine.id)).all()
    confirmed = admin_client.post(f"{PAGE}/confirm", data={"line_ids": [str(proposed.id)]})
    assert confirmed.status_code == 303
    assert "Confirmed 1 payment." in admin_client.get(confirmed.headers["location"]).text

    line_page = admin_client.get(f"{PAGE}/lines/{queued.id}")
    assert "Whose money is it?" in line_page.text
    assert "334512345679" in line_page.text
    wrong = admin_client.post(
        f"{PAGE}/lines/{queued.id}", data={"customer_id": "abc", "confirm": "1"}
    )
    assert wrong.status_code == 404
    assert 'value="abc"' in wrong.text
    assert "There is no customer" in wrong.text
    assigned = admin_client.post(
        f"{PAGE}/lines/{queued.id}", data={"customer_id": str(ravi.id), "confirm": "1"}
    )
    assert assigned.status_code == 303
    rows = session.execute(select(Payment.customer_id, Payment.amount_paise).order_by(Payment.id))
    assert [tuple(r) for r in rows] == [(asha.id, 168000), (ravi.id, 30000)]
    done = admin_client.get(f"{PAGE}?status=confirmed")
    assert "Confirmed (2)" in done.text
    assert "Chosen by you" in done.text
    assert "Statements" in admin_client.get("/admin/payments").text


def test_a_malformed_file_re_renders_and_records_nothing(
    admin_client: TestClient, session: Session
) -> None:
    bad = CSV.format(ref="x").replace('"1,680.00"', "1,680.0.0")
    refused = send(admin_client, bad.replace(",,,1,680.0.0", ',,,"1,680.0.0"'))
    assert refused.status_code == 400  # type: ignore[attr-defined]
    assert "Row 2, column &#39;Credit&#39;" in refused.text  # type: ignore[attr-defined]
    assert session.scalar(select(func.count(StatementLine.id))) == 0
    wrong_layout = send(admin_client, CSV.format(ref="x"), mapping="hdfc")
    assert wrong_layout.status_code == 400  # type: ignore[attr-defined]
    assert '<option value="hdfc" selected>' in wrong_layout.text  # type: ignore[attr-defined]
    nothing = admin_client.post(PAGE, data={"mapping": "sbi"})
    assert nothing.status_code == 400
    assert "The file is empty" in nothing.text
    none_ticked = admin_client.post(f"{PAGE}/confirm", data={})
    assert none_ticked.status_code == 400
    assert "None of the chosen lines" in none_ticked.text
    assert admin_client.get(f"{PAGE}/lines/999999").status_code == 404


def test_only_admins(client: TestClient, customer: Login) -> None:
    client.follow_redirects = False
    assert client.get(PAGE).status_code == 303
    client.cookies.set(TOKEN_COOKIE, customer.token)
    assert client.get(PAGE).status_code in (303, 403)


LAYOUT = f"{PAGE}/mappings"
CANARA = (
    "Txn Date,Particulars,UTR,Amount,Cr/Dr,Balance\n"
    "06-12-2026,UPI/334512345690/ASHA IYER,334512345690,450.00,CR,9450.00\n"
    "06-12-2026,ATM WDL,,1000.00,DR,8450.00\n"
)


def layout(client: TestClient, **fields: str) -> object:
    return client.post(LAYOUT, data={**fields, "csrf_token": client.page_token()})


def test_the_owner_saves_a_layout_and_imports_with_it(
    admin_client: TestClient, session: Session
) -> None:
    saved = layout(
        admin_client,
        name="Canara current",
        date="Txn Date",
        narration="Particulars",
        reference="UTR",
        amount="Amount",
        type="Cr/Dr",
    )
    assert saved.status_code == 303  # type: ignore[attr-defined]
    page = admin_client.get(saved.headers["location"])  # type: ignore[attr-defined]
    assert "Saved the layout Canara current" in page.text
    assert '<option value="Canara current" selected>' in page.text
    imported = send(admin_client, CANARA, mapping="Canara current")
    assert imported.status_code == 303  # type: ignore[attr-defined]
    (line,) = session.scalars(select(StatementLine)).all()
    assert (line.amount_paise, line.utr) == (45000, "334512345690")
    # Still offered on the next visit (the last import's layout is the default).
    assert '<option value="Canara current" selected>' in admin_client.get(PAGE).text


def test_a_bad_layout_re_renders_with_what_was_typed_and_saves_nothing(
    admin_client: TestClient, session: Session
) -> None:
    no_money = layout(admin_client, name="Canara", date="Txn Date", narration="Particulars")
    assert no_money.status_code == 400  # type: ignore[attr-defined]
    assert "Name the column of the money received" in no_money.text  # type: ignore[attr-defined]
    assert 'value="Particulars"' in no_money.text  # type: ignore[attr-defined]
    assert "<details open>" in no_money.text  # type: ignore[attr-defined]
    no_date = layout(admin_client, name="Canara", narration="Particulars", credit="Deposit")
    assert no_date.status_code == 400  # type: ignore[attr-defined]
    assert "Name the statement&#39;s date column" in no_date.text  # type: ignore[attr-defined]
    assert 'value="Deposit"' in no_date.text  # type: ignore[attr-defined]
    preset = layout(admin_client, name="HDFC", date="Date", narration="N", credit="C")
    assert preset.status_code == 409  # type: ignore[attr-defined]
    assert "exists already" in preset.text  # type: ignore[attr-defined]
    assert '<option value="Canara"' not in admin_client.get(PAGE).text
    forged = admin_client.post(LAYOUT, data={"name": "X", "date": "D", "narration": "N"})
    assert forged.status_code in (400, 403)
    assert "X — " not in admin_client.get(PAGE).text
