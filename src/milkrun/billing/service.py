"""Billing's use cases: run a month, finalize (one invoice or a month's drafts), void.

Each holds the month's lock (``months.lock_month``) and writes exactly one audit event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, case, func, insert, literal, select, update
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.adjustments.models import Adjustment
from milkrun.audit import service as audit
from milkrun.audit.service import Actor
from milkrun.billing import invoicing, months, numbering, settlement
from milkrun.billing.billable import Scope
from milkrun.billing.errors import (
    ConcurrentChange,
    InvoiceDraft,
    InvoiceFinalized,
    InvoiceNotFound,
    InvoiceSeriesFull,
    InvoiceVoid,
)
from milkrun.billing.invoicing import Progress
from milkrun.billing.models import ISSUED_STATUSES, Invoice, InvoiceStatus
from milkrun.billing.schemas import BillingRunResult, FinalizeMonthResult, month_text
from milkrun.config import Settings
from milkrun.customers.models import Customer
from milkrun.money import to_rupees
from milkrun.notify import outbox
from milkrun.orders.models import Order

ISSUED = [status.value for status in ISSUED_STATUSES]


@dataclass(frozen=True)
class Issued:
    count: int
    first_number: str | None = None
    last_number: str | None = None


def run_billing(
    session: Session,
    month: dt.date,
    actor: Actor,
    settings: Settings,
    *,
    finalize: bool = False,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> BillingRunResult:
    """Bill a month: rebuild its drafts from what was delivered (see ``invoicing``) and, with
    ``finalize``, number them all, in one transaction. A month that has not begun is refused."""
    today = today or clock.today(settings.zone)
    month = months.check_billable_month(month, today)
    months.lock_month(session, month)
    rebuilt = invoicing.rebuild_drafts(session, month, progress=progress, link=finalize)
    issued = Issued(0)
    if finalize:
        if progress:
            progress("numbering and issuing the drafts")
        issued = _issue(session, month, None, settings, today, linked=True)
        months.record_close(session, month, actor.user_id, issued.count)
    result = BillingRunResult(
        month=month_text(month),
        invoices_created=rebuilt.created,
        invoices_updated=rebuilt.updated,
        invoices_deleted=rebuilt.deleted,
        invoices_finalized=issued.count,
        invoices=rebuilt.invoices,
        total=to_rupees(rebuilt.total_paise),
    )
    audit.record(
        session,
        actor,
        "billing.run",
        "billing_month",
        None,
        after={
            **result.model_dump(),
            "first_number": issued.first_number,
            "last_number": issued.last_number,
        },
    )
    return result


def get_invoice(session: Session, invoice_id: int) -> Invoice:
    invoice = session.get(Invoice, invoice_id)
    if invoice is None:
        raise InvoiceNotFound(f"There is no invoice {invoice_id}")
    return invoice


def _locked(session: Session, invoice_id: int) -> Invoice:
    """The invoice, read again after taking its month's lock."""
    invoice = get_invoice(session, invoice_id)
    months.lock_month(session, invoice.month)
    session.refresh(invoice)
    return invoice


def finalize_invoice(
    session: Session,
    invoice_id: int,
    actor: Actor,
    settings: Settings,
    *,
    today: dt.date | None = None,
) -> Invoice:
    """Issue one draft: the next number of the financial year's series, issue date today, due
    ``invoice_due_days`` later; any credit the customer has pays it. Its orders are linked to
    it and its lines summed from them (``invoicing.link_and_resum``), so it bills what is
    delivered now. Only a draft can be finalized (an issued or void invoice is 409)."""
    invoice = _locked(session, invoice_id)
    _refuse_unless_draft(invoice, "finalized")
    before = audit.snapshot(invoice)
    issued = _issue(
        session, invoice.month, invoice.id, settings, today or clock.today(settings.zone)
    )
    if issued.count != 1:
        raise ConcurrentChange(f"Invoice {invoice.id} changed meanwhile; try again")
    session.refresh(invoice)
    audit.record(
        session,
        actor,
        "invoice.finalize",
        "invoice",
        invoice.id,
        before=before,
        after=audit.snapshot(invoice),
        customer_id=invoice.customer_id,
    )
    return invoice


def finalize_month(
    session: Session,
    month: dt.date,
    actor: Actor,
    settings: Settings,
    *,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> FinalizeMonthResult:
    """Issue every draft of a month (numbered in invoice id order), once the month is over and
    closed; the month is then closed for good (``months.record_close``). The drafts are those
    the last run made; their orders are linked and their lines summed from them as they are
    delivered now (``invoicing.link_and_resum``)."""
    today = today or clock.today(settings.zone)
    month = months.check_billable_month(month, today)
    months.lock_month(session, month)
    issued = _issue(session, month, None, settings, today, progress=progress)
    months.record_close(session, month, actor.user_id, issued.count)
    result = FinalizeMonthResult(
        month=month_text(month),
        invoices_finalized=issued.count,
        first_number=issued.first_number,
        last_number=issued.last_number,
    )
    audit.record(
        session, actor, "billing.finalize", "billing_month", None, after=result.model_dump()
    )
    return result


def void_invoice(
    session: Session,
    invoice_id: int,
    actor: Actor,
    *,
    reason: str | None = None,
) -> Invoice:
    """Void an issued invoice: its number stays used (and is never given again), its orders are
    released to be billed again by the next run of its month, the adjustments against it are
    reversed (its orders' corrections are billed afresh with them), the adjustments it carried
    wait for the next invoice, and the customer's payments are re-applied to other invoices.
    A draft is not voided (the next run rebuilds or drops it); a void invoice stays void."""
    invoice = _locked(session, invoice_id)
    if invoice.status == InvoiceStatus.draft:
        raise InvoiceDraft(
            f"Invoice {invoice.id} is a draft: re-run billing for its month instead of voiding it",
        )
    if invoice.status == InvoiceStatus.void:
        raise InvoiceVoid(f"Invoice {invoice.number} is already void")
    before = audit.snapshot(invoice)
    now = clock.now()
    voided = session.execute(
        update(Invoice)
        .where(Invoice.id == invoice.id, Invoice.status.in_(ISSUED))
        .values(
            status=InvoiceStatus.void.value,
            voided_at=now,
            void_reason=reason,
            amount_paid_paise=0,
            updated_at=now,
        ),
        execution_options={"synchronize_session": False},
    )
    if int(getattr(voided, "rowcount", 0)) != 1:
        raise ConcurrentChange(f"Invoice {invoice.id} changed meanwhile; try again")
    session.execute(
        update(Order)
        .where(
            Order.customer_id == invoice.customer_id,
            Order.delivery_date >= invoice.month,
            Order.delivery_date <= months.month_end(invoice.month),
            Order.invoice_id == invoice.id,
        )
        .values(invoice_id=None),
        execution_options={"synchronize_session": False},
    )
    _reverse_adjustments_against(session, invoice, now, actor)
    session.execute(
        update(Adjustment).where(Adjustment.invoice_id == invoice.id).values(invoice_id=None),
        execution_options={"synchronize_session": False},
    )
    settlement.settle(session, [invoice.customer_id])
    session.refresh(invoice)
    audit.record(
        session,
        actor,
        "invoice.void",
        "invoice",
        invoice.id,
        before=before,
        after=audit.snapshot(invoice),
        customer_id=invoice.customer_id,
    )
    return invoice


def _refuse_unless_draft(invoice: Invoice, doing: str) -> None:
    if invoice.status == InvoiceStatus.void:
        raise InvoiceVoid(
            f"Invoice {invoice.number} is void; a void invoice cannot be {doing}",
        )
    if invoice.status != InvoiceStatus.draft:
        raise InvoiceFinalized(
            f"Invoice {invoice.id} is already finalized as {invoice.number}; an issued invoice "
            "does not change",
        )


def _reverse_adjustments_against(
    session: Session, invoice: Invoice, now: dt.datetime, actor: Actor
) -> None:
    """Undo every adjustment against a voided invoice with its mirror image: the orders are
    billed afresh at what was finally delivered, so the corrections must not count twice."""
    reason = f"reversed: invoice {invoice.number} was voided"[:200]
    reversed_already = select(Adjustment.reverses_adjustment_id).where(
        Adjustment.reverses_adjustment_id.is_not(None)
    )
    originals = select(
        Adjustment.customer_id,
        Adjustment.order_id,
        Adjustment.against_invoice_id,
        Adjustment.id,
        Adjustment.quantity_after,
        Adjustment.quantity_before,
        Adjustment.unit_price_paise,
        -Adjustment.amount_paise,
        Adjustment.tax_rate_bps,
        -Adjustment.tax_paise,
        literal(reason),
        literal(now, Adjustment.created_at.type),
        literal(actor.user_id, Adjustment.created_by_user_id.type),
    ).where(
        Adjustment.against_invoice_id == invoice.id,
        Adjustment.reverses_adjustment_id.is_(None),
        Adjustment.id.not_in(reversed_already),
    )
    session.execute(
        insert(Adjustment).from_select(
            [
                "customer_id",
                "order_id",
                "against_invoice_id",
                "reverses_adjustment_id",
                "quantity_before",
                "quantity_after",
                "unit_price_paise",
                "amount_paise",
                "tax_rate_bps",
                "tax_paise",
                "reason",
                "created_at",
                "created_by_user_id",
            ],
            originals,
        )
    )


_ISSUED_BILLS = select(
    Invoice.id.label("invoice_id"),
    Invoice.customer_id,
    Invoice.number,
    Invoice.month,
    Invoice.total_paise,
    Invoice.due_date,
)


def _issue(
    session: Session,
    month: dt.date,
    invoice_id: int | None,
    settings: Settings,
    today: dt.date,
    *,
    linked: bool = False,
    progress: Progress | None = None,
) -> Issued:
    """Number and issue the month's drafts (or the one draft ``invoice_id``); the caller holds
    the month's lock. Each document type is numbered in its series (``numbering``), in invoice
    id order. Numbers come from the series' counter row in this same transaction, so a
    failure anywhere below rolls them back with everything else: no gaps. Only a month whose
    last day has closed, with nothing left unresolved, is issued (``months.require_closable``).
    Unless the run just ``linked`` them, the drafts' orders are linked to them and their lines
    summed from those links first (``invoicing.link_and_resum``): the issued lines bill exactly
    the linked orders."""
    months.require_closable(session, month)
    selector: list[ColumnElement[bool]] = [
        Invoice.month == month,
        Invoice.status == InvoiceStatus.draft.value,
    ]
    if invoice_id is not None:
        selector.append(Invoice.id == invoice_id)
    if not linked:
        customer = (
            session.scalar(select(Invoice.customer_id).where(*selector))
            if invoice_id is not None
            else None
        )
        if invoice_id is None or customer is not None:
            invoicing.link_and_resum(
                session,
                Scope(month, customer, customer) if customer is not None else Scope(month),
                progress=progress,
            )
        if progress:
            progress("numbering and issuing the drafts, settling credits")
    counts = dict(
        session.execute(
            select(Invoice.document_type, func.count(Invoice.id))
            .where(*selector)
            .group_by(Invoice.document_type)
        ).all()
    )
    count = sum(int(n) for n in counts.values())
    if count == 0:
        return Issued(0)
    # One series per document type's prefix (tax invoices and invoice-cum-bills share one).
    groups: dict[str, list[str]] = {}
    for document_type in sorted(counts):
        series = numbering.series_for_document(settings, document_type, today)
        groups.setdefault(series, []).append(document_type)
    now = clock.now()
    first_number: str | None = None
    last_number: str | None = None
    series_of: dict[str, str] = {}
    offset_of: dict[str, int] = {}
    for series, document_types in groups.items():
        in_count = sum(int(counts[d]) for d in document_types)
        first = numbering.take_numbers(session, series, in_count)
        try:
            first_number = first_number or numbering.format_number(series, first)
            last_number = numbering.format_number(series, first + in_count - 1)
        except ValueError as exc:
            raise InvoiceSeriesFull(str(exc)) from exc
        for document_type in document_types:
            series_of[document_type] = series
            offset_of[document_type] = first - 1
    # Every series in one UPDATE: each draft's rank in its series (invoice id order) after the
    # numbers the series had before.
    in_series = case(series_of, value=Invoice.document_type)
    ranked = (
        select(
            Invoice.id.label("id"),
            in_series.label("series"),
            (
                func.row_number().over(partition_by=in_series, order_by=Invoice.id)
                + case(offset_of, value=Invoice.document_type)
            ).label("sequence"),
            Customer.is_prepaid.label("is_prepaid"),
        )
        .join(Customer, Customer.id == Invoice.customer_id)
        .where(*selector)
        .subquery("ranked")
    )
    issued = session.execute(
        update(Invoice)
        .where(Invoice.id == ranked.c.id)
        .values(
            status=case(
                (Invoice.total_paise <= 0, InvoiceStatus.paid.value),
                else_=InvoiceStatus.finalized.value,
            ),
            series=ranked.c.series,
            sequence=ranked.c.sequence,
            number=numbering.number_in_sql(session, ranked.c.series, ranked.c.sequence),
            issue_date=today,
            due_date=today + dt.timedelta(days=settings.invoice_due_days),
            finalized_at=now,
            amount_paid_paise=0,
            # What the bill is (a prepaid wallet's statement or a bill to pay), as issued.
            is_prepaid=ranked.c.is_prepaid,
            updated_at=now,
        ),
        execution_options={"synchronize_session": False},
    )
    if int(getattr(issued, "rowcount", 0)) != count:
        raise ConcurrentChange("The drafts changed while they were being numbered; try again")

    issued_now = [Invoice.month == month, Invoice.finalized_at == now]
    outbox.bills_finalized(session, _ISSUED_BILLS.where(*issued_now, *selector[2:]))
    customers: settlement.Customers
    if invoice_id is not None:
        customers = list(
            session.scalars(select(Invoice.customer_id).where(Invoice.id == invoice_id))
        )
    else:
        customers = select(Invoice.customer_id).where(
            Invoice.month == month,
            Invoice.finalized_at == now,
            Invoice.customer_id.in_(settlement.customers_with_credits().scalar_subquery()),
        )
    settlement.settle(session, customers)
    return Issued(count, first_number, last_number)
