"""Payments for the owner (/admin/payments): record money received (cash, UPI, card or bank
transfer, with its reference) through the service the JSON API calls (POST /payments:
``billing.settlement.receive_payment``), where it went (the invoices it paid, oldest first, and
what is left as credit), and the list of payments, newest first, a page at a time with a count.
A likely double entry is refused as the API refuses it (409 ``possible_duplicate``) and can be
confirmed with a tick."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from milkrun.billing import settlement
from milkrun.customers import queries as customer_queries
from milkrun.db.session import mark_failed
from milkrun.errors import MilkrunError
from milkrun.payments import queries
from milkrun.payments.errors import PossibleDuplicate
from milkrun.payments.models import PaymentMethod
from milkrun.payments.schemas import PaymentCreate
from milkrun.wallets import service as wallet_service
from milkrun.wallets.generation import threshold_of
from milkrun.web.forms import FormText, valid_form
from milkrun.web.pages import AdminVisit, PageVisit

router = APIRouter(prefix="/admin/payments")
PAGE = 50
METHODS = {
    PaymentMethod.cash.value: "Cash",
    PaymentMethod.upi.value: "UPI",
    PaymentMethod.bank.value: "Bank transfer",
    PaymentMethod.card.value: "Card",
}
WORDS = {
    "customer_id": "Customer: give the customer's number (from their page)",
    "amount": "Amount: rupees, up to two decimals, e.g. 450 or 450.50",
    "method": "Choose how it was paid",
    "reference": "Reference: up to 80 characters",
}
BLANK = {"customer_id": "", "amount": "", "method": "cash", "reference": ""}


def show(
    visit: PageVisit,
    *,
    cursor: str | None = None,
    customer: str = "",
    status_code: int = 200,
    error: str | None = None,
    duplicate: bool = False,
    typed: dict[str, str] | None = None,
    recorded: int | None = None,
) -> Response:
    session = visit.session
    customer_id = int(customer) if customer.isdigit() else None
    payments, next_cursor = queries.list_payments(
        session, limit=PAGE, cursor=cursor, customer_id=customer_id, scope=visit.scope
    )
    allocations = settlement.allocations_of_payments(session, [p.id for p in payments])
    rows: list[dict[str, Any]] = []
    for p in payments:
        mine = allocations.get(p.id, [])
        rows.append(
            {
                "payment": p,
                "allocations": mine,
                "credit_paise": p.amount_paise - sum(amount for _, _, amount in mine),
            }
        )
    names = customer_queries.names_of(session, [p.customer_id for p in payments])
    next_link = (
        "/admin/payments?" + urlencode({"cursor": next_cursor, "customer": customer})
        if next_cursor
        else None
    )
    return visit.render(
        "admin/billing/payments.html",
        status_code=status_code,
        rows=rows,
        names=names,
        total=queries.count_payments(session, customer_id, visit.scope),
        first_page=cursor is None,
        next_link=next_link,
        methods=METHODS,
        typed=typed or {**BLANK, "customer_id": customer},
        customer=customer,
        error=error,
        duplicate=duplicate,
        recorded=recorded,
        zone=visit.settings.zone,
    )


@router.get("", response_model=None)
def payments(
    visit: AdminVisit, cursor: str | None = None, customer: str = "", recorded: str = ""
) -> Response:
    try:
        return show(
            visit,
            cursor=cursor,
            customer=customer.strip(),
            recorded=int(recorded) if recorded.isdigit() else None,
        )
    except MilkrunError as exc:  # a cursor this page did not give out: the first page
        return show(visit, status_code=exc.status, error=exc.detail)


@router.post("", response_model=None)
def record_payment(
    visit: AdminVisit,
    customer_id: FormText = "",
    amount: FormText = "",
    method: FormText = "",
    reference: FormText = "",
    confirm: FormText = "",
) -> Response:
    typed = {
        "customer_id": customer_id.strip(),
        "amount": amount.strip(),
        "method": method,
        "reference": reference.strip(),
    }
    try:
        data = valid_form(
            PaymentCreate,
            {
                "customer_id": typed["customer_id"],
                "amount": typed["amount"].replace(",", "").lstrip("₹"),
                "method": method,
                "reference": typed["reference"] or None,
            },
            WORDS,
        )
        payment = wallet_service.receive_payment(
            visit.session,
            data,
            visit.actor,
            threshold_paise=threshold_of(visit.settings),
            today=visit.today,
            confirm_duplicate=bool(confirm),
        )
    except MilkrunError as exc:
        mark_failed(visit.session, exc)
        return show(
            visit,
            status_code=exc.status,
            error=exc.detail,
            duplicate=isinstance(exc, PossibleDuplicate),
            typed=typed,
        )
    return RedirectResponse(f"/admin/payments?recorded={payment.id}", 303)
