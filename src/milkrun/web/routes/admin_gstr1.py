"""The month's GSTR-1-style return for the owner (/admin/billing/gstr1?month=YYYY-MM): every
table of the bills' and the counter sales' return (``counter_sales.returns.gstr1``, the same
answer as GET /api/v1/billing/gstr1), each with the CSV of exactly its rows
(/admin/billing/gstr1/{table}.csv?month=).

The dairy's books and its GST return span every hub: an admin limited to one is refused (403,
said in words), as for a billing run."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from fastapi.responses import Response

from milkrun.billing.schemas import month_text
from milkrun.counter_sales.returns import gstr1 as gstr1_return
from milkrun.errors import MilkrunError
from milkrun.web.pages import DairyVisit, PageVisit
from milkrun.web.routes.admin_billing import month_of

router = APIRouter(prefix="/admin/billing/gstr1")


def _month(visit: PageVisit, month: str | None) -> dt.date:
    """The month asked for; last month (the one a return is filed for) when none."""
    if month:
        return month_of(visit, month)
    return (visit.today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


@router.get("", response_model=None)
def gstr1_page(visit: DairyVisit, month: str | None = None) -> Response:
    error, status_code = None, 200
    try:
        chosen = _month(visit, month)
    except MilkrunError as exc:
        error, status_code = exc.detail, exc.status
        chosen = _month(visit, None)
    found = gstr1_return(visit.session, chosen, visit.settings)
    return visit.render(
        "admin/billing/gstr1.html",
        status_code=status_code,
        error=error,
        month=chosen,
        month_text=month_text(chosen),
        found=found,
    )


@router.get("/{table}.csv", response_model=None)
def gstr1_csv(visit: DairyVisit, table: str, month: str | None = None) -> Response:
    """One table of the page, as CSV: the same rows."""
    chosen = _month(visit, month)
    found = gstr1_return(visit.session, chosen, visit.settings).table(table)
    return Response(
        found.csv(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": (
                f'attachment; filename="gstr1-{month_text(chosen)}-{found.name}.csv"'
            )
        },
    )
