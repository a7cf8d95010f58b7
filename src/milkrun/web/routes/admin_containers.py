"""Returnable containers for the owner (/admin/containers): who holds how many of each
container and the deposit paid on them (a page at a time, with a count and the CSV of exactly
what the page shows), and each route's count of the day: out, back, missing."""

from __future__ import annotations

import csv
import datetime as dt
import io
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import Response

from milkrun.containers import queries
from milkrun.errors import MilkrunError
from milkrun.money import to_rupees
from milkrun.web.forms import form_date
from milkrun.web.pages import AdminVisit

router = APIRouter(prefix="/admin")
PAGE = 50


def _day(visit: AdminVisit, date: str) -> dt.date:
    try:
        return form_date(date) if date else visit.today
    except MilkrunError:
        return visit.today


@router.get("/containers", response_model=None)
def containers(visit: AdminVisit, date: str = "", page: int = 1) -> Response:
    day = _day(visit, date)
    page = max(1, page)
    report = queries.report(visit.session, offset=(page - 1) * PAGE, limit=PAGE)
    pages = max(1, -(-report.count // PAGE))

    def link(**change: object) -> str:
        query: dict[str, object] = {"date": day.isoformat(), "page": page}
        query.update(change)
        return "?" + urlencode(query)

    return visit.render(
        "admin/containers.html",
        day=day,
        today=visit.today,
        previous_day=day - dt.timedelta(days=1),
        next_day=day + dt.timedelta(days=1) if day < visit.today else None,
        counts=queries.route_day_counts(visit.session, day),
        report=report,
        page=page,
        pages=pages,
        previous_link="/admin/containers" + link(page=page - 1) if page > 1 else None,
        next_link="/admin/containers" + link(page=page + 1) if page < pages else None,
        csv_link="/admin/containers.csv" + link(),
    )


@router.get("/containers.csv", response_model=None)
def containers_csv(visit: AdminVisit, date: str = "", page: int = 1) -> Response:
    """The rows the page shows (same page), as CSV."""
    page = max(1, page)
    report = queries.report(visit.session, offset=(page - 1) * PAGE, limit=PAGE)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["customer_id", "customer", "route", "container", "held", "deposit"])
    for row in report.rows:
        writer.writerow(
            [
                row.customer_id,
                row.customer,
                row.route or "",
                row.container,
                row.held,
                to_rupees(row.deposit_paise),
            ]
        )
    return Response(
        content=out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": (
                f'attachment; filename="containers-{visit.today.isoformat()}.csv"'
            )
        },
    )
