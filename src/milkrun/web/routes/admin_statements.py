"""Bank and UPI statements for the owner (/admin/payments/statements): upload a statement with
its mapping (the last one chosen stays the default), see the proposed matches with their reason
and confirm the ticked ones at once, name the customer of a line or set it aside, and the
queue of unmatched credits. The same service functions as the API (``statements.service``);
a malformed file re-renders the page with the message naming the row and the column."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import RedirectResponse, Response

from milkrun.db.session import mark_failed
from milkrun.errors import MilkrunError
from milkrun.inputs.fields import MAX_ID
from milkrun.languages import N_
from milkrun.statements import queries, service
from milkrun.statements.errors import StatementLineNotFound
from milkrun.statements.models import LineStatus
from milkrun.statements.schemas import MappingCreate
from milkrun.wallets.generation import threshold_of
from milkrun.web.forms import FormText, record_id, valid_form
from milkrun.web.pages import AdminVisit, PageVisit

router = APIRouter(prefix="/admin/payments/statements")
PAGE = 50
STATUSES = {
    LineStatus.proposed.value: "To confirm",
    LineStatus.unmatched.value: "Unmatched",
    LineStatus.confirmed.value: "Confirmed",
    LineStatus.ignored.value: "Set aside",
}
REASONS = {
    "bill_reference": "Bill number in the narration",
    "upi_handle": "UPI ID paid from before",
    "phone": "Customer's phone in the narration",
    "amount_due": "Amount equals their dues",
    "chosen": "Chosen by you",
    "already_recorded": "Payment with this reference exists",
}


# The form of a new layout: the fields of ``MappingCreate``, with what the owner reads.
LAYOUT_FIELDS = {
    "name": ("Name", "e.g. Canara current account", True),
    "date": ("Date column", "e.g. Txn Date", True),
    "narration": ("Narration column", "e.g. Description", True),
    "reference": ("Reference (UTR) column", "optional", False),
    "credit": ("Credit column (money in)", "or an amount column", False),
    "debit": ("Debit column", "optional, with a credit column", False),
    "amount": ("Amount column", "with a Cr/Dr column", False),
    "type": ("Cr/Dr column", "with an amount column", False),
    "payer": ("Payer column", "optional", False),
}
LAYOUT_WORDS = {
    "name": N_("Name the layout: letters, digits, spaces, dots and dashes, at most 40"),
    "date": N_("Name the statement's date column, as its header says"),
    "narration": N_("Name the statement's narration (description) column, as its header says"),
}


def show(
    visit: PageVisit,
    *,
    status: str = LineStatus.proposed.value,
    cursor: str | None = None,
    status_code: int = 200,
    error: str | None = None,
    mapping: str | None = None,
    notice: str | None = None,
    layout: dict[str, str] | None = None,
) -> Response:
    session = visit.session
    status = status if status in STATUSES else LineStatus.proposed.value
    lines, next_cursor = queries.list_lines(session, limit=PAGE, cursor=cursor, status=status)
    counts = queries.count_by_status(session)
    next_link = (
        "/admin/payments/statements?" + urlencode({"status": status, "cursor": next_cursor})
        if next_cursor
        else None
    )
    return visit.render(
        "admin/billing/statements.html",
        status_code=status_code,
        lines=queries.read_lines(session, lines),
        paise={line.id: line.amount_paise for line in lines},
        counts=counts,
        status=status,
        statuses=STATUSES,
        reasons=REASONS,
        mappings=queries.all_mappings(session),
        mapping=mapping or queries.last_mapping_name(session) or "",
        first_page=cursor is None,
        next_link=next_link,
        error=error,
        notice=notice,
        layout=layout or {},
        layout_fields=LAYOUT_FIELDS,
    )


@router.get("", response_model=None)
def statements(
    visit: AdminVisit,
    status: str = LineStatus.proposed.value,
    cursor: str | None = None,
    notice: str = "",
    mapping: str = "",
) -> Response:
    try:
        return show(
            visit,
            status=status,
            cursor=cursor,
            notice=notice[:300] or None,
            mapping=mapping[:40] or None,
        )
    except MilkrunError as exc:  # a cursor this page did not give out: the first page
        return show(visit, status=status, status_code=exc.status, error=exc.detail)


@router.post("", response_model=None)
def upload(
    visit: AdminVisit,
    file: Annotated[UploadFile | None, File()] = None,
    mapping: FormText = "",
) -> Response:
    try:
        result = service.import_statement(
            visit.session,
            file.file.read() if file is not None else b"",
            file_name=(file.filename if file is not None else None) or "statement.csv",
            mapping_name=service.mapping_to_use(visit.session, mapping),
            actor=visit.actor,
        )
    except MilkrunError as exc:
        mark_failed(visit.session, exc)
        return show(visit, status_code=exc.status, error=exc.detail, mapping=mapping)
    notice = (
        f"Imported {result.file_name}: {result.credits_new} new credits "
        f"({result.proposed} to confirm, {result.unmatched} unmatched, "
        f"{result.already_recorded} recorded before); {result.credits_seen_before} imported "
        f"before and {result.debits_skipped} debits skipped."
    )
    return RedirectResponse("/admin/payments/statements?" + urlencode({"notice": notice}), 303)


@router.post("/confirm", response_model=None)
def confirm(visit: AdminVisit, line_ids: Annotated[list[str] | None, Form()] = None) -> Response:
    try:
        # An id past any a table holds names no line (and cannot be sent to the database).
        ids = [int(i) for i in line_ids or [] if i.isdigit() and 1 <= int(i) <= MAX_ID]
        payments = service.confirm_lines(
            visit.session,
            ids,
            visit.actor,
            zone=visit.settings.zone,
            threshold_paise=threshold_of(visit.settings),
        )
    except MilkrunError as exc:
        mark_failed(visit.session, exc)
        return show(visit, status_code=exc.status, error=exc.detail)
    notice = f"Confirmed {len(payments)} payment{'s' if len(payments) != 1 else ''}."
    return RedirectResponse("/admin/payments/statements?" + urlencode({"notice": notice}), 303)


def show_line(
    visit: PageVisit,
    line_id: int,
    *,
    status_code: int = 200,
    error: str | None = None,
    typed: str = "",
) -> Response:
    row = queries.get_line(visit.session, line_id)
    line = queries.read_lines(visit.session, [row])[0]
    return visit.render(
        "admin/billing/statement_line.html",
        status_code=status_code,
        line=line,
        paise=row.amount_paise,
        statuses=STATUSES,
        reasons=REASONS,
        error=error,
        typed=typed or (str(line.customer_id) if line.customer_id else ""),
    )


@router.get("/lines/{line_id}", response_model=None)
def line_page(visit: AdminVisit, line_id: str) -> Response:
    return show_line(visit, record_line(line_id))


@router.post("/lines/{line_id}", response_model=None)
def assign(
    visit: AdminVisit,
    line_id: str,
    customer_id: FormText = "",
    confirm: FormText = "",
) -> Response:
    line = record_line(line_id)
    try:
        customer = record_id(customer_id, "customer")
        service.assign_line(
            visit.session,
            line,
            customer,
            visit.actor,
            confirm=bool(confirm),
            zone=visit.settings.zone,
            threshold_paise=threshold_of(visit.settings),
        )
    except MilkrunError as exc:
        mark_failed(visit.session, exc)
        return show_line(
            visit, line, status_code=exc.status, error=exc.detail, typed=customer_id.strip()
        )
    notice = f"Statement row saved{' and confirmed' if confirm else ''}."
    return RedirectResponse("/admin/payments/statements?" + urlencode({"notice": notice}), 303)


@router.post("/lines/{line_id}/ignore", response_model=None)
def ignore(visit: AdminVisit, line_id: str) -> Response:
    line = record_line(line_id)
    try:
        service.ignore_line(visit.session, line, visit.actor)
    except MilkrunError as exc:
        mark_failed(visit.session, exc)
        return show_line(visit, line, status_code=exc.status, error=exc.detail)
    notice = "The credit was set aside."
    return RedirectResponse("/admin/payments/statements?" + urlencode({"notice": notice}), 303)


def record_line(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_ID:
        raise StatementLineNotFound(f"There is no statement line {text!r}")
    return int(text)


@router.post("/mappings", response_model=None)
def save_layout(
    visit: AdminVisit,
    name: FormText = "",
    date: FormText = "",
    narration: FormText = "",
    reference: FormText = "",
    credit: FormText = "",
    debit: FormText = "",
    amount: FormText = "",
    type: FormText = "",
    payer: FormText = "",
) -> Response:
    """Save a named column layout (as POST /payment-statement-mappings); it is then offered in
    the layout choice of the import, chosen already."""
    typed = {
        "name": name.strip(),
        "date": date.strip(),
        "narration": narration.strip(),
        "reference": reference.strip(),
        "credit": credit.strip(),
        "debit": debit.strip(),
        "amount": amount.strip(),
        "type": type.strip(),
        "payer": payer.strip(),
    }
    try:
        data = valid_form(MappingCreate, {k: v or None for k, v in typed.items()}, LAYOUT_WORDS)
        saved = service.save_mapping(visit.session, data, visit.actor)
    except MilkrunError as exc:
        mark_failed(visit.session, exc)
        return show(visit, status_code=exc.status, error=exc.detail, layout=typed)
    notice = f"Saved the layout {saved.name}: choose it to import a statement."
    return RedirectResponse(
        "/admin/payments/statements?" + urlencode({"notice": notice, "mapping": saved.name}), 303
    )
