"""One invoice for the owner (/admin/invoices/{id}): its lines, the corrections it carries, the
payments applied, the account it states (previous balance, payments since, charges,
adjustments, total due: ``billing.statement``), its PDF, and finalizing a draft or voiding an
issued bill with a reason, and its payment links at the gateway (made on demand here). Each
change calls the service the JSON API calls (POST /invoices/{id}/finalize, /void and
/payment-link)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from milkrun.billing import pdf, queries, service
from milkrun.billing.schemas import VoidRequest
from milkrun.db.session import mark_failed
from milkrun.errors import MilkrunError, NotFound
from milkrun.http.deps import PathId
from milkrun.payment_links import service as payment_links
from milkrun.payment_links.errors import GatewayNotConfigured
from milkrun.payments import gateways
from milkrun.web.errors import VoidReasonRequired
from milkrun.web.forms import FormText, valid_form
from milkrun.web.pages import AdminVisit, PageVisit

router = APIRouter(prefix="/admin/invoices")
DONE = {
    "finalized": "Invoice finalized: it has its number and never changes.",
    "voided": "Invoice voided: its orders will be billed again by the next run of its month.",
    "payment_link": "Payment link ready: the customer sees Pay online on the bill's pages.",
}


def show(
    visit: PageVisit,
    invoice_id: int,
    *,
    status_code: int = 200,
    error: str | None = None,
    done: str | None = None,
    reason: str = "",
) -> Response:
    try:
        invoice = queries.get_invoice(visit.session, invoice_id)
    except NotFound as exc:
        return visit.render("admin/not_found.html", 404, message=exc.detail)
    detail = queries.invoice_detail(visit.session, invoice, visit.today, visit.settings.zone)
    return visit.render(
        "admin/billing/invoice.html",
        status_code=status_code,
        invoice=detail,
        gateway_on=visit.settings.razorpay_enabled,
        payment_links=payment_links.links_of(visit.session, invoice.id),
        owed_paise=payment_links.amount_owed(visit.session, invoice, visit.settings),
        error=error,
        done=done,
        reason=reason,
    )


@router.get("/{invoice_id}", response_model=None)
def invoice_page(visit: AdminVisit, invoice_id: PathId, done: str = "") -> Response:
    return show(visit, invoice_id, done=DONE.get(done))


@router.get("/{invoice_id}/pdf", response_model=None)
def invoice_pdf(visit: AdminVisit, invoice_id: PathId) -> Response:
    invoice = queries.get_invoice(visit.session, invoice_id)
    document = pdf.render(queries.bill_of(visit.session, invoice, visit.settings))
    name = (invoice.number or f"draft-{invoice.id}").replace("/", "-")
    return Response(
        content=document,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{name}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


@router.post("/{invoice_id}/finalize", response_model=None)
def finalize(visit: AdminVisit, invoice_id: PathId) -> Response:
    try:
        service.finalize_invoice(visit.session, invoice_id, visit.actor, visit.settings)
    except MilkrunError as exc:
        mark_failed(visit.session, exc)
        return show(visit, invoice_id, status_code=exc.status, error=exc.detail)
    return RedirectResponse(f"/admin/invoices/{invoice_id}?done=finalized", 303)


@router.post("/{invoice_id}/void", response_model=None)
def void(visit: AdminVisit, invoice_id: PathId, reason: FormText = "") -> Response:
    """Void an issued bill; the reason is required on the page (the owner says why)."""
    try:
        body = valid_form(
            VoidRequest,
            {"reason": reason.strip() or None},
            {"reason": "Say why the bill is voided (up to 200 characters)"},
        )
        if not body.reason:
            raise VoidReasonRequired("Say why the bill is voided (up to 200 characters)")
        payment_links.void_bill(
            visit.session,
            invoice_id,
            visit.actor,
            gateways.configured(visit.settings),
            reason=body.reason,
        )
    except MilkrunError as exc:
        mark_failed(visit.session, exc)
        return show(visit, invoice_id, status_code=exc.status, error=exc.detail, reason=reason)
    return RedirectResponse(f"/admin/invoices/{invoice_id}?done=voided", 303)


@router.post("/{invoice_id}/payment-link", response_model=None)
def create_payment_link(visit: AdminVisit, invoice_id: PathId) -> Response:
    """Make (or keep) the bill's payment link for what is owed on it now."""
    try:
        gateway = gateways.configured(visit.settings)
        if gateway is None:
            raise GatewayNotConfigured(
                "No payment gateway is configured (MILKRUN_RAZORPAY_KEY_ID): bills are paid by UPI"
            )
        payment_links.ensure_link(visit.session, invoice_id, gateway, visit.settings, visit.actor)
    except MilkrunError as exc:
        mark_failed(visit.session, exc)
        return show(visit, invoice_id, status_code=exc.status, error=exc.detail)
    return RedirectResponse(f"/admin/invoices/{invoice_id}?done=payment_link", 303)
