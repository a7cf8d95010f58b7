"""Dues by age for the owner (/admin/dues): per customer, what is still owed on issued bills in
buckets of 0–30, 31–60, 61–90 and over 90 days since the bill was issued
(``billing.ageing``), sortable by any column, a page at a time with a count, and the CSV of
exactly what the page shows."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import Response

from milkrun.billing import ageing
from milkrun.money import to_rupees
from milkrun.payments import collections
from milkrun.web.pages import AdminVisit

router = APIRouter(prefix="/admin")
PAGE = 50
COLUMNS = (
    ("name", "Customer"),
    ("0-30", "0–30 days"),
    ("31-60", "31–60 days"),
    ("61-90", "61–90 days"),
    ("90+", "Over 90 days"),
    ("total", "Total"),
)


def _read(sort: str, order: str, page: int) -> tuple[str, bool, int]:
    sort = sort if sort in ageing.SORTS else "total"
    descending = order != "asc"
    return sort, descending, max(1, page)


@router.get("/dues", response_model=None)
def dues(visit: AdminVisit, sort: str = "total", order: str = "desc", page: int = 1) -> Response:
    sort, descending, page = _read(sort, order, page)
    rows, count, totals = ageing.ageing(
        visit.session,
        visit.today,
        sort=sort,
        descending=descending,
        limit=PAGE,
        offset=(page - 1) * PAGE,
        customers=visit.scope.customer_filter,
    )
    pages = max(1, -(-count // PAGE))

    def link(**change: object) -> str:
        query = {"sort": sort, "order": "desc" if descending else "asc", "page": page}
        query.update(change)  # type: ignore[arg-type]
        return "/admin/dues?" + urlencode(query)

    with_boys = collections.with_delivery_boys(visit.session, [r.customer_id for r in rows])
    return visit.render(
        "admin/billing/dues.html",
        rows=rows,
        with_boys=with_boys,
        with_boys_total=collections.total_with_delivery_boys(visit.session),
        count=count,
        totals=totals,
        page=page,
        pages=pages,
        sort=sort,
        descending=descending,
        columns=COLUMNS,
        sort_link={
            key: link(sort=key, order="asc" if sort == key and descending else "desc", page=1)
            for key, _ in COLUMNS
        },
        previous_link=link(page=page - 1) if page > 1 else None,
        next_link=link(page=page + 1) if page < pages else None,
        csv_link="/admin/dues.csv?" + link().split("?", 1)[1],
        today=visit.today,
    )


@router.get("/dues.csv", response_model=None)
def dues_csv(
    visit: AdminVisit, sort: str = "total", order: str = "desc", page: int = 1
) -> Response:
    """The rows the page shows (same sort, same page), as CSV."""
    sort, descending, page = _read(sort, order, page)
    rows, _, _ = ageing.ageing(
        visit.session,
        visit.today,
        sort=sort,
        descending=descending,
        limit=PAGE,
        offset=(page - 1) * PAGE,
        customers=visit.scope.customer_filter,
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "customer_id",
            "customer",
            "phone",
            "0-30",
            "31-60",
            "61-90",
            "90+",
            "total",
            "oldest_bill",
        ]
    )
    for row in rows:
        writer.writerow(
            [
                row.customer_id,
                row.name,
                row.phone,
                *(to_rupees(paise) for paise in row.buckets),
                to_rupees(row.total_paise),
                row.oldest_issue.isoformat() if row.oldest_issue else "",
            ]
        )
    return Response(
        content=out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="dues-{visit.today.isoformat()}.csv"'
        },
    )
