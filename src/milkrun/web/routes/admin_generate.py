"""Generating a date's orders from a page: pick the date, see the dry run (what would be created,
changed and cancelled, per route and product), then confirm. The same service as
``POST /api/v1/orders/generate``; whatever it refuses is shown next to the form."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from milkrun.catalog import queries as catalog_queries
from milkrun.db.session import mark_failed
from milkrun.errors import MilkrunError
from milkrun.orders import generate, preview
from milkrun.orders.schemas import GenerateRequest
from milkrun.routing import queries as routing_queries
from milkrun.web.forms import valid_form
from milkrun.web.pages import AdminVisit, DairyVisit, PageVisit

router = APIRouter(prefix="/admin/orders/generate")
WORDS = {"date": "Choose a date to generate (day, month and year)"}


def _dry_run(visit: PageVisit, day: dt.date) -> dict[str, Any]:
    session = visit.session
    dry_run = preview.breakdown(session, day)
    routes = routing_queries.route_names(session)
    products = catalog_queries.product_labels(session)
    return {
        "counts": dry_run.counts,
        "lines": [
            {
                "route": routes.get(line.route_id, "No route") if line.route_id else "No route",
                "route_id": line.route_id,
                "product": products.get(line.product_id, f"product {line.product_id}"),
                "create": line.create,
                "change": line.change,
                "cancel": line.cancel,
            }
            for line in dry_run.lines
        ],
        "generated": generate.is_generated(session, day),
        "holidays": dry_run.holidays,
    }


def _show(
    visit: PageVisit, typed: str, day: dt.date | None, status_code: int = 200, **extra: Any
) -> Response:
    context: dict[str, Any] = {"error": None, "done": None, **extra}
    if day is not None and context["error"] is None:
        context.update(_dry_run(visit, day))
    return visit.render(
        "admin/orders/generate.html",
        status_code=status_code,
        typed=typed,
        day=day,
        today=visit.today,
        tomorrow=visit.today + dt.timedelta(days=1),
        **context,
    )


@router.get("", response_model=None)
def generate_page(visit: AdminVisit, date: str | None = None, done: str | None = None) -> Response:
    if date is None:
        return _show(visit, "", None)
    try:
        request = valid_form(GenerateRequest, {"date": date, "dry_run": True}, WORDS)
        return _show(visit, date, request.date, done=done)
    except MilkrunError as exc:
        mark_failed(visit.session, exc)
        return _show(visit, date, None, exc.status, error=exc.detail)


@router.post("", response_model=None)
def generate_orders(visit: DairyVisit, date: Annotated[str, Form()] = "") -> Response:
    try:
        request = valid_form(GenerateRequest, {"date": date}, WORDS)
        report = generate.materialize(visit.session, request.date, visit.actor, trigger="web")
    except MilkrunError as exc:
        mark_failed(visit.session, exc)
        return _show(visit, date, None, exc.status, error=exc.detail)
    c = report.counts
    done = f"{c.created} created, {c.updated} changed, {c.cancelled} cancelled"
    query = urlencode({"date": report.date.isoformat(), "done": done})
    return RedirectResponse(f"/admin/orders/generate?{query}", status_code=303)
