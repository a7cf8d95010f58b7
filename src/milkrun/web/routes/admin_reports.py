"""The owner's reports: each a page over a period and, with ``?format=csv``, the CSV of exactly
the rows the page shows (``reports.tables``). An admin limited to one hub sees its hub's rows
only; an admin of every hub may narrow a report to one hub (``?hub=``), the CSV too."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.orm import Session

from milkrun.config import Settings
from milkrun.db.session import mark_failed
from milkrun.errors import MilkrunError
from milkrun.hubs import queries as hub_queries
from milkrun.hubs.scope import HubScope
from milkrun.money import to_rupees
from milkrun.reports import tables
from milkrun.reports.months import first_of
from milkrun.web.forms import form_date
from milkrun.web.hub_choice import hub_choice
from milkrun.web.pages import AdminVisit

router = APIRouter(prefix="/admin/reports")


@dataclass(frozen=True)
class Report:
    title: str
    about: str
    by_month: bool
    build: Callable[[Session, dt.date, dt.date, Settings, HubScope], tables.Table]


REPORTS = {
    "requirement": Report(
        "Daily requirement",
        "What each route needs per product and day (the generated orders, cancelled ones aside).",
        False,
        lambda s, a, b, _, hub: tables.requirement(s, a, b, hub),
    ),
    "deliveries": Report(
        "Deliveries per delivery boy",
        "Marks of the period's orders by who recorded them; late means after "
        + ", ".join(f"{t:%H:%M} ({shift})" for shift, t in tables.LATE_AFTER.items())
        + " on the delivery day.",
        False,
        lambda s, a, b, settings, hub: tables.deliveries(s, a, b, settings.zone, hub),
    ),
    "sales": Report(
        "Sales per product and month",
        "Delivered units and their value at the orders' prices (before tax).",
        True,
        lambda s, a, b, _, hub: tables.sales(s, a, b, hub),
    ),
    "customers": Report(
        "Customers per month",
        "Customers added, customers who began a pause, and customers who left.",
        True,
        lambda s, a, b, settings, hub: tables.customers(s, a, b, settings.zone, hub),
    ),
}


@router.get("", response_model=None)
def reports_index(visit: AdminVisit) -> Response:
    return visit.render("admin/reports/index.html", reports=REPORTS)


def _period(report: Report, start: str, end: str, today: dt.date) -> tuple[dt.date, dt.date]:
    if report.by_month:
        default_start = first_of(today.replace(day=1) - dt.timedelta(days=150))
        first = (
            form_date(start + "-01" if len(start) == 7 else start, "The first month is not a month")
            if start
            else default_start
        )
        last = (
            form_date(end + "-01" if len(end) == 7 else end, "The last month is not a month")
            if end
            else today
        )
        return first_of(first), first_of(last)
    # By default the last week; the requirement, today and tomorrow (what to load).
    ahead = 1 if report is REPORTS["requirement"] else 0
    first = (
        form_date(start, "The first day is not a date")
        if start
        else today - dt.timedelta(days=0 if ahead else 6)
    )
    last = form_date(end, "The last day is not a date") if end else today + dt.timedelta(days=ahead)
    return first, last


def _csv(name: str, table: tables.Table, start: dt.date, end: dt.date) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.title for c in table.columns])
    for row in table.rows:
        writer.writerow(
            [
                to_rupees(v) if c.kind == "money" else v
                for c, v in zip(table.columns, row, strict=True)
            ]
        )
    filename = f"milkrun-{name}-{start.isoformat()}-{end.isoformat()}.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _hub_name(visit: AdminVisit, scope: HubScope) -> str | None:
    """The hub the rows are of (None: every hub)."""
    if scope.hub_id is None:
        return None
    return next((h.name for h in hub_queries.list_hubs(visit.session, scope)), None)


@router.get("/{name}", response_model=None)
def report_page(
    visit: AdminVisit,
    name: str,
    start: str = "",
    end: str = "",
    hub: str = "",
    format: str = "html",
) -> Response:
    report = REPORTS.get(name)
    if report is None:
        # Drawn here, while the login is still at hand (the error handler runs after the
        # request's unit of work has ended).
        return visit.render(
            "error.html",
            404,
            title="Page not found",
            message=f"There is no report {name!r}. Choose one from the list of reports.",
            status=404,
            back="/admin/reports",
        )
    # The hubs to choose from: every one for an admin of the whole dairy, none for one limited
    # to a hub (its own is the only one it sees; another asked for is not among them).
    chosen = hub_choice(visit, hub)
    hubs, scope, chosen_hub = chosen.hubs, chosen.scope, chosen.query
    typed = {"start": start, "end": end, **chosen_hub}
    common: dict[str, object] = {
        "slug": name,
        "report": report,
        "hubs": hubs,
        "hub_name": _hub_name(visit, scope),
    }
    try:
        first, last = _period(report, start, end, visit.today)
        table = report.build(visit.session, first, last, visit.settings, scope)
    except MilkrunError as exc:
        mark_failed(visit.session, exc)
        return visit.render(
            "admin/reports/report.html",
            status_code=exc.status,
            **common,
            typed=typed,
            error=exc.detail,
            table=None,
            csv_url=None,
        )
    if format == "csv":
        return _csv(name, table, first, last)
    shown = (
        {"start": first.strftime("%Y-%m"), "end": last.strftime("%Y-%m")}
        if report.by_month
        else {"start": first.isoformat(), "end": last.isoformat()}
    ) | chosen_hub
    return visit.render(
        "admin/reports/report.html",
        status_code=200,
        **common,
        typed=shown,
        error=None,
        table=table,
        csv_url=f"/admin/reports/{name}?{urlencode({**shown, 'format': 'csv'})}",
    )
