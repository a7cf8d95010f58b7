"""The owner's billing month (/admin/billing?month=YYYY-MM): run billing (the drafts), review
them with totals per route and what the last run changed, finalize the whole month in one step
once its last day has closed (the domain's refusal is shown in words), and a ZIP of all the
month's PDF bills. An admin of every hub may narrow the month to one hub (``?hub=``, kept in
its links and its ZIP; a run and finalizing still span every hub); one limited to a hub sees
its hub's. Each change calls the service the JSON API calls (POST /billing/runs;
``billing.service.finalize_month``); voiding one bill is on the invoice's page."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from urllib.parse import urlencode

from fastapi import APIRouter, BackgroundTasks
from fastapi.responses import RedirectResponse, Response, StreamingResponse

from milkrun.billing import months, overview, pdf, queries, reconciliations, service
from milkrun.billing.schemas import MONTH_PATTERN, month_text, parse_month
from milkrun.db.session import mark_failed
from milkrun.errors import MilkrunError
from milkrun.http.deps import DatabaseDep
from milkrun.inputs.fields import MAX_ID
from milkrun.routing import queries as routing_queries
from milkrun.routing.errors import RouteNotFound
from milkrun.web.errors import InvalidMonth
from milkrun.web.forms import FormText
from milkrun.web.hub_choice import hub_choice
from milkrun.web.pages import AdminVisit, DairyVisit, PageVisit

router = APIRouter(prefix="/admin/billing")
PAGE = 50
DONE = {
    "run": "Billing run: the drafts are rebuilt from what was delivered.",
    "finalized": "The month is finalized: every draft is now a numbered bill.",
}


def month_of(visit: PageVisit, text: str | None) -> dt.date:
    """The month asked for (this month when none); one not written YYYY-MM is refused."""
    if not text:
        return visit.today.replace(day=1)
    if not re.match(MONTH_PATTERN, text.strip()):
        raise InvalidMonth(f"{text!r} is not a month: write it as YYYY-MM, e.g. 2026-11")
    return parse_month(text.strip())


def show(
    visit: PageVisit,
    month: dt.date,
    *,
    page: int = 1,
    status_code: int = 200,
    error: str | None = None,
    done: str | None = None,
    hub: str = "",
) -> Response:
    session, chosen = visit.session, hub_choice(visit, hub)
    scope = chosen.scope
    invoices, total = overview.month_invoices(
        session, month, limit=PAGE, offset=(page - 1) * PAGE, scope=scope
    )
    # A run and finalizing span every hub: their figures are the admin's whole view's.
    runs = overview.last_runs(session, month, scope=visit.scope)
    state = overview.state_of(session, month, scope)
    everywhere = overview.state_of(session, month, visit.scope) if chosen.query else state
    return visit.render(
        "admin/billing/month.html",
        status_code=status_code,
        month=month,
        month_text=month_text(month),
        previous_month=month_text(months.month_start(month - dt.timedelta(days=1))),
        next_month=month_text(months.next_month(month)),
        this_month=month_text(visit.today),
        state=state,
        drafts_everywhere=everywhere.drafts,
        routes=overview.by_route(session, month, scope),
        limited=visit.scope.is_limited,
        hubs=chosen.hubs,
        hub=chosen.hub,
        hub_name=next((h.name for h in chosen.hubs if h.id == chosen.hub_id), None),
        # The choice in the page's links ("&hub=N", or nothing).
        hub_query=f"&{urlencode(chosen.query)}" if chosen.query else "",
        runs=runs,
        invoices=[queries.read_invoice(i, visit.today) for i in invoices],
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE)),
        error=error,
        done=done,
        zone=visit.settings.zone,
    )


def _back(month: dt.date, done: str) -> Response:
    return RedirectResponse(f"/admin/billing?month={month_text(month)}&done={done}", 303)


@router.get("", response_model=None)
def billing_month(
    visit: AdminVisit, month: str | None = None, page: int = 1, done: str = "", hub: str = ""
) -> Response:
    try:
        chosen = month_of(visit, month)
    except MilkrunError as exc:
        return show(
            visit, visit.today.replace(day=1), status_code=exc.status, error=exc.detail, hub=hub
        )
    return show(visit, chosen, page=max(1, page), done=DONE.get(done), hub=hub)


def _check_after(
    after: BackgroundTasks, database: DatabaseDep, visit: PageVisit, month: dt.date, trigger: str
) -> None:
    """Store the month's reconciliation once the request's unit of work has committed (a
    background task runs after the response, the commit before it)."""
    after.add_task(reconciliations.refresh, database, [month], visit.actor, trigger, visit.settings)


@router.post("/run", response_model=None)
def run_month(
    visit: DairyVisit, database: DatabaseDep, after: BackgroundTasks, month: FormText = ""
) -> Response:
    try:
        chosen = month_of(visit, month)
    except MilkrunError as exc:
        mark_failed(visit.session, exc)
        return show(visit, visit.today.replace(day=1), status_code=exc.status, error=exc.detail)
    try:
        service.run_billing(visit.session, chosen, visit.actor, visit.settings)
    except MilkrunError as exc:
        mark_failed(visit.session, exc)
        return show(visit, chosen, status_code=exc.status, error=exc.detail)
    _check_after(after, database, visit, chosen, reconciliations.BILLING_RUN)
    return _back(chosen, "run")


@router.post("/finalize", response_model=None)
def finalize_month(
    visit: DairyVisit, database: DatabaseDep, after: BackgroundTasks, month: FormText = ""
) -> Response:
    """Issue every draft of the month; refused (409, said in words) before its last day closed."""
    try:
        chosen = month_of(visit, month)
    except MilkrunError as exc:
        mark_failed(visit.session, exc)
        return show(visit, visit.today.replace(day=1), status_code=exc.status, error=exc.detail)
    try:
        service.finalize_month(visit.session, chosen, visit.actor, visit.settings)
    except MilkrunError as exc:
        mark_failed(visit.session, exc)
        return show(visit, chosen, status_code=exc.status, error=exc.detail)
    _check_after(after, database, visit, chosen, reconciliations.FINALIZE)
    return _back(chosen, "finalized")


@router.get("/route-bills.pdf", response_model=None)
def route_bills(visit: AdminVisit, route: str = "", month: str | None = None) -> Response:
    """A route's bills of the month in one PDF, in its stop order, each from a new page in its
    customer's language: printed once and handed out with the morning's milk."""
    try:
        chosen = month_of(visit, month)
        if not (route.isdigit() and 1 <= int(route) <= MAX_ID):
            raise RouteNotFound(f"There is no route {route!r}")
        found = routing_queries.get_route(visit.session, int(route))
        bills = overview.route_issued(visit.session, chosen, found, visit.scope)
        overview.require_some(bills, chosen)
    except MilkrunError as exc:
        chosen = visit.today.replace(day=1) if isinstance(exc, InvalidMonth) else chosen
        return show(visit, chosen, status_code=exc.status, error=exc.detail)
    document = pdf.render_all(
        [queries.bill_of(visit.session, invoice, visit.settings) for invoice in bills],
        f"{found.name}: bills of {month_text(chosen)}",
    )
    slug = re.sub(r"[^A-Za-z0-9]+", "-", found.name).strip("-").lower() or f"route-{found.id}"
    return Response(
        content=document,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="bills-{month_text(chosen)}-{slug}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


@router.get("/pdfs.zip", response_model=None)
def month_zip(visit: AdminVisit, month: str | None = None, hub: str = "") -> Response:
    """Every issued bill of the month (of the hub chosen) as PDF, in one ZIP (named by invoice
    number)."""
    try:
        chosen = month_of(visit, month)
        bills = overview.month_issued(visit.session, chosen, hub_choice(visit, hub).scope)
        overview.require_some(bills, chosen)
    except MilkrunError as exc:
        chosen = visit.today.replace(day=1) if isinstance(exc, InvalidMonth) else chosen
        return show(visit, chosen, status_code=exc.status, error=exc.detail, hub=hub)
    members = (
        (
            f"{(invoice.number or f'invoice-{invoice.id}').replace('/', '-')}.pdf",
            pdf.render(queries.bill_of(visit.session, invoice, visit.settings)),
        )
        for invoice in bills
    )
    archive = zip_of(members)
    return StreamingResponse(
        chunks_of(archive),
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="bills-{month_text(chosen)}.zip"',
            "Cache-Control": "private, no-store",
        },
    )


# A month's ZIP is built in memory up to this size, on disk beyond it: a dairy's 10,000 bills
# never hold all their PDFs in RAM (each is rendered, compressed into the file and let go).
ZIP_IN_MEMORY = 8 * 1024 * 1024
CHUNK = 64 * 1024


def zip_of(
    members: Iterable[tuple[str, bytes]], *, in_memory: int = ZIP_IN_MEMORY
) -> tempfile.SpooledTemporaryFile[bytes]:
    """The members (name, content) deflated into one ZIP, in a spooled temporary file (in
    memory while small, a file on disk beyond ``in_memory``), rewound for reading."""
    spooled: tempfile.SpooledTemporaryFile[bytes] = tempfile.SpooledTemporaryFile(  # noqa: SIM115
        in_memory  # closed by chunks_of, once sent
    )
    try:
        with zipfile.ZipFile(spooled, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in members:
                archive.writestr(name, content)
        spooled.seek(0)
    except BaseException:
        spooled.close()
        raise
    return spooled


def chunks_of(spooled: tempfile.SpooledTemporaryFile[bytes]) -> Iterator[bytes]:
    """The file's bytes in chunks, closing (and so deleting) it once sent or abandoned."""
    with spooled:
        while chunk := spooled.read(CHUNK):
            yield chunk
