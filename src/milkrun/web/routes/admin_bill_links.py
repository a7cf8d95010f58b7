"""Sending a bill link from the owner's page of a customer: a form on each issued bill makes a
public link to it (as POST /api/v1/invoices/{id}/links) and shows its URL once, with a message
ready to send by WhatsApp or SMS to the customer's phone."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import Response

from milkrun.bill_links import service
from milkrun.billing import pdf_account
from milkrun.billing import queries as billing_queries
from milkrun.billing.errors import InvoiceNotFound
from milkrun.customers import queries as customer_queries
from milkrun.db.session import mark_failed
from milkrun.errors import MilkrunError
from milkrun.http.deps import PathId
from milkrun.links.service import when
from milkrun.money import format_inr
from milkrun.web.pages import AdminVisit

router = APIRouter(prefix="/admin/customers/{customer_id}/bills/{invoice_id}")


@router.post("/link", response_model=None)
def send_bill_link(visit: AdminVisit, customer_id: PathId, invoice_id: PathId) -> Response:
    session, settings = visit.session, visit.settings
    customer = customer_queries.get_customer(session, customer_id)
    try:
        invoice = billing_queries.get_invoice(session, invoice_id)
        if invoice.customer_id != customer_id:
            raise InvoiceNotFound(f"Customer {customer_id} has no invoice {invoice_id}")
        link, token = service.create_link(
            session, invoice_id, visit.actor, days=settings.bill_link_days
        )
    except MilkrunError as exc:
        mark_failed(session, exc)
        return visit.render(
            "admin/customers/bill_link.html",
            status_code=exc.status,
            customer=customer,
            message=exc.detail,
        )
    url = service.url_of(token, settings.base_url)
    bill = billing_queries.bill_of(session, invoice, settings)
    due = pdf_account.owed_now(bill)  # what is still due now (a payment since is not asked again)
    text = (
        f"{settings.business_name}: your bill {invoice.number} for {invoice.month:%B %Y}, "
        f"{format_inr(due)} due. See it and pay: {url}"
    )
    digits = customer.phone.lstrip("+")
    response = visit.render(
        "admin/customers/bill_link.html",
        customer=customer,
        number=invoice.number,
        url=url,
        until=when(link.expires_at, settings.zone),
        text=text,
        whatsapp=f"https://wa.me/{digits}?text={quote(text)}",
        sms=f"sms:{customer.phone}?body={quote(text)}",
    )
    response.headers["Cache-Control"] = "no-store"  # the URL is shown once
    return response
