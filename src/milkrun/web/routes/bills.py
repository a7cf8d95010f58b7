"""The public page of a bill (/b/{token}): the bill, the balance and how to pay it, for a
customer without a login, and the bill as PDF (/b/{token}/pdf). Every answer carries the link
headers (no referrer, no indexing, no caching), errors included."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from milkrun import clock
from milkrun.bill_links import service
from milkrun.bill_links.models import BillLink
from milkrun.billing import pdf, pdf_account, upi
from milkrun.billing import queries as billing_queries
from milkrun.billing.models import Invoice
from milkrun.db.session import mark_failed
from milkrun.errors import MilkrunError
from milkrun.http.deps import LINK_HEADERS, SettingsDep, WriterSessionDep, client_address
from milkrun.links.service import when
from milkrun.payment_links import service as payment_links
from milkrun.payments import gateways
from milkrun.web.pages import render

router = APIRouter(prefix="/b")


def _open(
    token: str, request: Request, session: WriterSessionDep, settings: SettingsDep
) -> tuple[BillLink, Invoice] | Response:
    try:
        return service.open_link(session, token, client_address(request), zone=settings.zone)
    except MilkrunError as exc:
        mark_failed(session, exc)
        response = render(
            request,
            "bill/link_error.html",
            status_code=exc.status,
            user=None,
            message=exc.detail,
            code=exc.code,
        )
        response.headers.update({**LINK_HEADERS, **exc.headers})
        return response


@router.get("/paid", response_model=None)
def paid(request: Request, settings: SettingsDep) -> Response:
    """Where the gateway sends the customer back after paying a payment link."""
    response = render(request, "bill/paid.html", user=None, business_name=settings.business_name)
    response.headers.update(LINK_HEADERS)
    return response


@router.get("/{token}", response_model=None)
def bill_page(
    token: str, request: Request, session: WriterSessionDep, settings: SettingsDep
) -> Response:
    opened = _open(token, request, session, settings)
    if isinstance(opened, Response):
        return opened
    link, invoice = opened
    bill = billing_queries.bill_of(session, invoice, settings)
    amount_due = pdf_account.amount_due(bill)
    # The gateway's link is made here, lazily, the first time the bill is opened with something
    # owed (never while it was finalized); a gateway that fails leaves the page with UPI only.
    pay_link = payment_links.offer_link(session, invoice, gateways.configured(settings), settings)
    response = render(
        request,
        "bill/link.html",
        user=None,
        bill=bill,
        status=billing_queries.display_status(invoice, clock.today(settings.zone)),
        amount_due_paise=amount_due,
        owed_now_paise=pdf_account.owed_now(bill),
        upi_link=bill.upi_link,
        upi_qr=upi.qr_svg(bill.upi_link) if bill.upi_link else None,
        upi_vpa=settings.upi_vpa,
        pay_link=pay_link,
        pdf_url=f"/b/{token}/pdf",
        until=when(link.expires_at, settings.zone),
    )
    response.headers.update(LINK_HEADERS)
    return response


@router.get("/{token}/pdf", response_model=None)
def bill_pdf(
    token: str, request: Request, session: WriterSessionDep, settings: SettingsDep
) -> Response:
    opened = _open(token, request, session, settings)
    if isinstance(opened, Response):
        return opened
    _, invoice = opened
    document = pdf.render(billing_queries.bill_of(session, invoice, settings))
    name = (invoice.number or f"bill-{invoice.id}").replace("/", "-")
    return Response(
        content=document,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}.pdf"', **LINK_HEADERS},
    )
