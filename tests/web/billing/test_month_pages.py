"""The owner's billing month and an invoice: run, drafts per route, finalize once closed, the
ZIP of the PDFs; the invoice's account, PDF, finalize and void with a reason. Each change goes
through the same service as the API; a refusal re-renders the page and changes nothing."""

from __future__ import annotations

import datetime as dt
import io
import random
import zipfile

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun.billing.models import Invoice
from milkrun.http.deps import TOKEN_COOKIE
from milkrun.web.routes import admin_billing
from tests.billing import factories as bf
from tests.factories import Login
from tests.web.billing.conftest import (
    NOVEMBER,
    Month,
    invoice_of,
    issued,
    milk_product,
    run_and_close,
)

# --- the month -----------------------------------------------------------------------------------


def test_running_a_month_shows_its_drafts_per_route(
    admin_client: TestClient, november: Month
) -> None:
    empty = admin_client.get(f"/admin/billing?month={NOVEMBER}")
    assert empty.status_code == 200
    assert "Billing has not been run" in empty.text
    done = admin_client.post("/admin/billing/run", data={"month": NOVEMBER})
    assert done.status_code == 303
    page = admin_client.get(done.headers["location"])
    assert "drafts are rebuilt" in page.text
    assert '<strong id="draft-count">2</strong>' in page.text
    assert "Koramangala" in page.text
    assert "₹336.00" in page.text  # 2 customers x 3 days x 2 x ₹28, on the route's line
    assert "2 new, 0 changed, 0 dropped" in page.text
    assert "Asha Iyer" in page.text
    assert "Ravi Rao" in page.text
    assert "Showing 2 of 2 invoices" in page.text


def test_a_second_run_says_what_changed_since_the_first(
    admin_client: TestClient, session: Session, november: Month, admin: Login
) -> None:
    admin_client.post("/admin/billing/run", data={"month": NOVEMBER})
    extra = bf.order(
        session,
        customer_id=november.asha.id,
        product_id=milk_product(session),
        day=dt.date(2026, 11, 6),
    )
    bf.deliver(session, extra, by=admin.user)
    session.commit()
    admin_client.post("/admin/billing/run", data={"month": NOVEMBER})
    page = admin_client.get(f"/admin/billing?month={NOVEMBER}")
    assert "0 new, 2 changed, 0 dropped" in page.text  # every draft is rebuilt
    assert "the same number of drafts" in page.text
    assert "₹336.00 → ₹392.00" in page.text


def test_finalizing_before_the_last_day_closed_is_refused_in_words(
    admin_client: TestClient, session: Session, november: Month
) -> None:
    admin_client.post("/admin/billing/run", data={"month": NOVEMBER})
    refused = admin_client.post("/admin/billing/finalize", data={"month": NOVEMBER})
    assert refused.status_code == 409
    assert "cannot be finalized yet" in refused.text
    assert "2026-11-30" in refused.text
    assert issued(session) == 0


def test_the_month_is_finalized_in_one_step_once_closed_and_zipped(
    admin_client: TestClient, session: Session, november: Month
) -> None:
    run_and_close(admin_client, session)
    done = admin_client.post("/admin/billing/finalize", data={"month": NOVEMBER})
    assert done.status_code == 303
    assert issued(session) == 2
    page = admin_client.get(done.headers["location"])
    assert "The month is finalized" in page.text
    assert '<strong id="issued-count">2</strong>' in page.text
    archive = admin_client.get(f"/admin/billing/pdfs.zip?month={NOVEMBER}")
    assert archive.status_code == 200
    assert archive.headers["content-type"] == "application/zip"
    assert "bills-2026-11.zip" in archive.headers["content-disposition"]
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert len(names) == 2
    assert all(n.endswith(".pdf") and "/" not in n for n in names)
    first = zipfile.ZipFile(io.BytesIO(archive.content)).read(names[0])
    assert first.startswith(b"%PDF")


def test_the_months_zip_streams_each_bill_as_its_own_pdf(
    admin_client: TestClient, session: Session, november: Month
) -> None:
    """The ZIP is streamed from a spooled file (not a response body held whole); each member is
    byte for byte the bill's own PDF."""
    run_and_close(admin_client, session)
    admin_client.post("/admin/billing/finalize", data={"month": NOVEMBER})

    with admin_client.stream("GET", f"/admin/billing/pdfs.zip?month={NOVEMBER}") as answer:
        assert answer.status_code == 200
        assert "content-length" not in answer.headers  # streamed, not one body
        content = b"".join(answer.iter_bytes())

    archive = zipfile.ZipFile(io.BytesIO(content))
    assert archive.testzip() is None
    bills = session.scalars(
        select(Invoice).where(Invoice.number.is_not(None)).order_by(Invoice.id)
    ).all()
    assert archive.namelist() == [f"{b.number.replace('/', '-')}.pdf" for b in bills if b.number]
    for bill in bills:
        alone = admin_client.get(f"/admin/invoices/{bill.id}/pdf")
        assert alone.status_code == 200, alone.text
        assert archive.read(f"{(bill.number or '').replace('/', '-')}.pdf") == alone.content


def test_a_big_zip_goes_to_disk_and_its_file_is_gone_once_sent() -> None:
    # Incompressible members, 320 KB in all: beyond the 64 KiB kept in memory.
    members = [(f"MR-2627-{n:06d}.pdf", random.Random(n).randbytes(40_000)) for n in range(1, 9)]
    spooled = admin_billing.zip_of(iter(members), in_memory=64 * 1024)
    try:
        assert spooled._rolled  # type: ignore[attr-defined]  # on disk, not in memory
    except AssertionError:
        spooled.close()
        raise
    content = b"".join(admin_billing.chunks_of(spooled))
    assert spooled.closed
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert [(i.filename, archive.read(i)) for i in archive.infolist()] == members
    assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in archive.infolist())


def test_a_routes_bills_print_in_one_pdf_in_stop_order(
    admin_client: TestClient, session: Session, november: Month
) -> None:
    from pypdf import PdfReader

    from milkrun.customers.models import Customer

    run_and_close(admin_client, session)
    admin_client.post("/admin/billing/finalize", data={"month": NOVEMBER})
    route_id = november.asha.route_id
    stops = session.scalars(
        select(Customer.name).where(Customer.route_id == route_id).order_by(Customer.stop_sequence)
    ).all()
    page = admin_client.get(f"/admin/billing?month={NOVEMBER}")
    link = f"/admin/billing/route-bills.pdf?month={NOVEMBER}&amp;route={route_id}"
    assert link in page.text
    answer = admin_client.get(link.replace("&amp;", "&"))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert "bills-2026-11-" in answer.headers["content-disposition"]
    pages = PdfReader(io.BytesIO(answer.content)).pages
    assert len(pages) == len(stops) == 2
    for stop, drawn in zip(stops, pages, strict=True):
        assert stop in drawn.extract_text()
    for route in ("", "x", "99999", str(2**40)):
        refused = admin_client.get(f"/admin/billing/route-bills.pdf?month={NOVEMBER}&route={route}")
        assert refused.status_code == 404, route
        assert "There is no route" in refused.text


def test_a_route_with_no_bills_yet_prints_nothing(
    admin_client: TestClient, november: Month
) -> None:
    route_id = november.asha.route_id
    refused = admin_client.get(f"/admin/billing/route-bills.pdf?month={NOVEMBER}&route={route_id}")
    assert refused.status_code == 409
    assert "no issued bills" in refused.text


def test_a_zip_of_a_month_with_no_bills_is_refused(
    admin_client: TestClient, november: Month
) -> None:
    refused = admin_client.get(f"/admin/billing/pdfs.zip?month={NOVEMBER}")
    assert refused.status_code == 409
    assert "no issued bills" in refused.text


@pytest.mark.parametrize("month", ["2026-13", "November", "2027-01"])
def test_a_month_that_is_no_month_or_not_begun_is_refused(
    admin_client: TestClient, session: Session, november: Month, month: str
) -> None:
    refused = admin_client.post("/admin/billing/run", data={"month": month})
    assert refused.status_code in (400, 409)
    assert 'role="alert"' in refused.text
    session.expire_all()
    assert session.scalar(select(func.count(Invoice.id))) == 0
    assert admin_client.get(f"/admin/billing?month={month}").status_code in (200, 400)


def test_the_nav_leads_to_billing(admin_client: TestClient) -> None:
    page = admin_client.get("/admin")
    assert '<a href="/admin/billing">Billing</a>' in page.text
    billing = admin_client.get("/admin/billing")
    for link in ("/admin/payments", "/admin/dues", "/admin/billing/reconcile"):
        assert f'href="{link}"' in billing.text


def test_the_pages_need_an_admin(client: TestClient, customer: Login) -> None:
    for path in ("/admin/billing", "/admin/payments", "/admin/dues", "/admin/invoices/1"):
        assert client.get(path, follow_redirects=False).status_code == 303
    client.cookies.set(TOKEN_COOKIE, customer.token)
    assert client.get("/admin/dues", follow_redirects=False).status_code == 303


# --- an invoice ----------------------------------------------------------------------------------


def test_an_invoice_page_shows_lines_and_finalizes_a_draft(
    admin_client: TestClient, session: Session, november: Month
) -> None:
    run_and_close(admin_client, session)
    draft = invoice_of(session, november.asha.id)
    page = admin_client.get(f"/admin/invoices/{draft.id}")
    assert page.status_code == 200
    assert "Draft invoice" in page.text
    assert "₹168.00" in page.text
    assert "Finalize this invoice" in page.text
    done = admin_client.post(f"/admin/invoices/{draft.id}/finalize")
    assert done.status_code == 303
    page = admin_client.get(done.headers["location"])
    number = invoice_of(session, november.asha.id).number
    assert number
    assert f"Invoice {number}" in page.text
    assert 'id="total-due">₹168.00' in page.text  # the account block
    assert "Previous balance" in page.text
    again = admin_client.post(f"/admin/invoices/{draft.id}/finalize")
    assert again.status_code == 409
    assert "already finalized" in again.text
    pdf = admin_client.get(f"/admin/invoices/{draft.id}/pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


def test_finalizing_one_before_the_month_closed_is_refused(
    admin_client: TestClient, session: Session, november: Month
) -> None:
    admin_client.post("/admin/billing/run", data={"month": NOVEMBER})
    draft = invoice_of(session, november.asha.id)
    refused = admin_client.post(f"/admin/invoices/{draft.id}/finalize")
    assert refused.status_code == 409
    assert "cannot be finalized yet" in refused.text
    assert invoice_of(session, november.asha.id).number is None


def test_voiding_needs_a_reason_and_then_voids(
    admin_client: TestClient, session: Session, november: Month
) -> None:
    run_and_close(admin_client, session)
    admin_client.post("/admin/billing/finalize", data={"month": NOVEMBER})
    bill = invoice_of(session, november.ravi.id)
    refused = admin_client.post(f"/admin/invoices/{bill.id}/void", data={"reason": "  "})
    assert refused.status_code == 400
    assert "Say why the bill is voided" in refused.text
    assert invoice_of(session, november.ravi.id).status == "finalized"
    long = admin_client.post(f"/admin/invoices/{bill.id}/void", data={"reason": "x" * 201})
    assert long.status_code == 400
    assert 'value="' + "x" * 201 + '"' in long.text  # what was typed is kept
    done = admin_client.post(f"/admin/invoices/{bill.id}/void", data={"reason": "wrong address"})
    assert done.status_code == 303
    voided = invoice_of(session, november.ravi.id)
    assert voided.status == "void"
    assert voided.void_reason == "wrong address"
    page = admin_client.get(done.headers["location"])
    assert "Invoice voided" in page.text
    assert "wrong address" in page.text
    again = admin_client.post(f"/admin/invoices/{bill.id}/void", data={"reason": "again"})
    assert again.status_code == 409
    assert "already void" in again.text


def test_a_draft_is_not_voided(admin_client: TestClient, session: Session, november: Month) -> None:
    admin_client.post("/admin/billing/run", data={"month": NOVEMBER})
    draft = invoice_of(session, november.asha.id)
    refused = admin_client.post(f"/admin/invoices/{draft.id}/void", data={"reason": "oops"})
    assert refused.status_code == 409
    assert "re-run billing" in refused.text


def test_an_unknown_invoice_is_404(admin_client: TestClient) -> None:
    assert admin_client.get("/admin/invoices/999999").status_code == 404
    assert admin_client.get("/admin/invoices/999999/pdf").status_code == 404
