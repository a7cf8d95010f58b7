"""Invoices: admins read and issue them; a customer reads its own issued ones (and their PDF)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from milkrun import clock
from milkrun.api.caller import MyCustomerId, Owner
from milkrun.api.deps import (
    DEFAULT_LIMIT,
    ActorDep,
    AdminUser,
    CallerScope,
    Cursor,
    IdFilter,
    Limit,
    PathId,
    SessionDep,
    SettingsDep,
)
from milkrun.billing import pdf, queries, service
from milkrun.billing.schemas import (
    MONTH_PATTERN,
    InvoiceDetail,
    InvoiceRead,
    VoidRequest,
    parse_month,
)
from milkrun.customers import ownership
from milkrun.db.pagination import Page
from milkrun.payment_links import service as payment_links
from milkrun.payments import gateways

router = APIRouter(prefix="/invoices", tags=["invoices"])
me_router = APIRouter(prefix="/me", tags=["me"])

MonthFilter = Annotated[str | None, Query(pattern=MONTH_PATTERN, description="YYYY-MM")]
StatusFilter = Annotated[
    str | None,
    Query(
        max_length=20,
        description="draft, finalized, partially_paid, paid, overdue or void",
    ),
]


@router.get("", response_model=Page[InvoiceRead])
def list_invoices(
    owner: Owner,
    scope: CallerScope,
    session: SessionDep,
    settings: SettingsDep,
    month: MonthFilter = None,
    customer_id: IdFilter = None,
    status: StatusFilter = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[InvoiceRead]:
    """Invoices, newest first. A customer sees its own issued invoices only; an admin limited to
    one hub, its hub's customers'."""
    ownership.ensure_may_act_for(owner, customer_id)
    today = clock.today(settings.zone)
    invoices, next_cursor = queries.list_invoices(
        session,
        today=today,
        limit=limit,
        cursor=cursor,
        month=parse_month(month) if month else None,
        customer_id=owner if owner is not None else customer_id,
        status=status,
        issued_only=owner is not None,
        customers=scope.customer_filter,
    )
    return Page[InvoiceRead](
        items=[queries.read_invoice(i, today) for i in invoices], next_cursor=next_cursor
    )


@router.get("/{invoice_id}", response_model=InvoiceDetail)
def get_invoice(
    invoice_id: PathId, owner: Owner, session: SessionDep, settings: SettingsDep
) -> InvoiceDetail:
    """One invoice with its lines, the corrections it carries and the payments applied to it."""
    invoice = queries.get_invoice(session, invoice_id, customer_id=owner)
    return queries.invoice_detail(session, invoice, clock.today(settings.zone), settings.zone)


@router.get(
    "/{invoice_id}/pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "The bill as PDF"}},
)
def invoice_pdf(
    invoice_id: PathId, owner: Owner, session: SessionDep, settings: SettingsDep
) -> Response:
    """The bill on paper: the month's milk card, lines, corrections, tax, payments, balance."""
    invoice = queries.get_invoice(session, invoice_id, customer_id=owner)
    document = pdf.render(queries.bill_of(session, invoice, settings))
    name = (invoice.number or f"draft-{invoice.id}").replace("/", "-")
    return Response(
        content=document,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{name}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


@router.post("/{invoice_id}/finalize", response_model=InvoiceDetail)
def finalize_invoice(
    invoice_id: PathId,
    _: AdminUser,
    actor: ActorDep,
    session: SessionDep,
    settings: SettingsDep,
) -> InvoiceDetail:
    """Issue a draft: it gets the next number of the financial year's series and never changes
    again (an issued or void invoice answers 409)."""
    invoice = service.finalize_invoice(session, invoice_id, actor, settings)
    return queries.invoice_detail(session, invoice, clock.today(settings.zone), settings.zone)


@router.post("/{invoice_id}/void", response_model=InvoiceDetail)
def void_invoice(
    invoice_id: PathId,
    _: AdminUser,
    actor: ActorDep,
    session: SessionDep,
    settings: SettingsDep,
    body: VoidRequest | None = None,
) -> InvoiceDetail:
    """Void an issued invoice: its number stays used; its orders are billed again by the next
    run of its month; payments move to the customer's other invoices or stay as credit; its
    live payment link is cancelled at the gateway (later, when the gateway is down)."""
    invoice = payment_links.void_bill(
        session,
        invoice_id,
        actor,
        gateways.configured(settings),
        reason=body.reason if body else None,
    )
    return queries.invoice_detail(session, invoice, clock.today(settings.zone), settings.zone)


@me_router.get("/invoices", response_model=Page[InvoiceRead])
def my_invoices(
    me: MyCustomerId,
    session: SessionDep,
    settings: SettingsDep,
    month: MonthFilter = None,
    status: StatusFilter = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[InvoiceRead]:
    """The customer's own issued invoices, newest first."""
    today = clock.today(settings.zone)
    invoices, next_cursor = queries.list_invoices(
        session,
        today=today,
        limit=limit,
        cursor=cursor,
        month=parse_month(month) if month else None,
        customer_id=me,
        status=status,
        issued_only=True,
    )
    return Page[InvoiceRead](
        items=[queries.read_invoice(i, today) for i in invoices], next_cursor=next_cursor
    )
