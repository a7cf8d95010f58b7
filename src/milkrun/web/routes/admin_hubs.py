"""Hubs and holidays for the owner (/admin/hubs, /admin/holidays).

Hubs: open one, place each route on a hub, limit an admin to one hub (``hubs.service``; an
admin limited to a hub sees its own hub only and may place its routes, nothing more). Holidays:
the coming ones, and a form to declare one for a hub or the whole dairy (``orders.holidays``),
which cancels the open orders of a date already generated and tells the customers; the page then
says how many orders were cancelled and how many customers were told. A refusal shows the form
again with what was typed and the message, and changes nothing.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from milkrun.auth import queries as auth_queries
from milkrun.errors import MilkrunError
from milkrun.hubs import queries as hub_queries
from milkrun.hubs import service as hub_service
from milkrun.hubs.errors import UnknownHub
from milkrun.inputs.fields import MAX_ID
from milkrun.orders import holidays
from milkrun.routing import queries as routing_queries
from milkrun.routing.errors import UnknownRoute
from milkrun.web.forms import FormText, form_date
from milkrun.web.pages import AdminVisit, PageVisit
from milkrun.web.routes.console import refused

router = APIRouter(prefix="/admin")

HUB_DONE = {
    "opened": "Hub opened.",
    "placed": "Route placed.",
    "limited": "Admin's hub saved.",
}


def _hub_choice(text: str) -> int | None:
    """A hub from a form: blank is none (or the whole dairy)."""
    text = text.strip()
    if not text:
        return None
    if not _an_id(text):
        raise UnknownHub(f"There is no hub {text!r}")
    return int(text)


def _an_id(text: str) -> bool:
    """A record id as a form sends it: digits, within the ids a table holds (a longer number
    is no record, and must not reach the database as an integer it cannot store)."""
    text = text.strip()
    return text.isdigit() and 1 <= int(text) <= MAX_ID


# --- hubs ---------------------------------------------------------------------------------------


def _hubs_page(visit: PageVisit, status_code: int = 200, **extra: Any) -> Response:
    session, scope = visit.session, visit.scope
    hubs = hub_queries.list_hubs(session, scope)
    return visit.render(
        "admin/hubs/list.html",
        status_code,
        hubs=hubs,
        figures=hub_queries.figures(session),
        routes=routing_queries.all_routes(session, scope.route_filter),
        admins=[] if scope.is_limited else auth_queries.active_admins(session),
        limited=scope.is_limited,
        typed=extra.pop("typed", {"name": ""}),
        done=HUB_DONE.get(visit.request.query_params.get("done", "")),
        **extra,
    )


@router.get("/hubs", response_model=None)
def hubs(visit: AdminVisit) -> Response:
    return _hubs_page(visit)


@router.post("/hubs", response_model=None)
def open_hub(visit: AdminVisit, name: FormText = "") -> Response:
    try:
        hub_service.create_hub(visit.session, name, visit.actor, visit.scope)
    except MilkrunError as exc:
        return _hubs_page(visit, typed={"name": name}, **refused(visit, exc))
    return RedirectResponse("/admin/hubs?done=opened", status_code=303)


@router.post("/hubs/routes", response_model=None)
def place_route(visit: AdminVisit, route_id: FormText = "", hub_id: FormText = "") -> Response:
    try:
        if not _an_id(route_id):
            raise UnknownRoute(f"There is no route {route_id!r}")
        hub_service.place_route(
            visit.session, int(route_id), _hub_choice(hub_id), visit.actor, visit.scope
        )
    except MilkrunError as exc:
        return _hubs_page(visit, **refused(visit, exc))
    return RedirectResponse("/admin/hubs?done=placed", status_code=303)


@router.post("/hubs/admins", response_model=None)
def limit_admin(visit: AdminVisit, user_id: FormText = "", hub_id: FormText = "") -> Response:
    try:
        user = int(user_id) if _an_id(user_id) else 0
        hub_service.limit_admin(visit.session, user, _hub_choice(hub_id), visit.actor, visit.scope)
    except MilkrunError as exc:
        return _hubs_page(visit, **refused(visit, exc))
    return RedirectResponse("/admin/hubs?done=limited", status_code=303)


# --- holidays -----------------------------------------------------------------------------------


def _holidays_page(visit: PageVisit, status_code: int = 200, **extra: Any) -> Response:
    session, scope = visit.session, visit.scope
    params = visit.request.query_params
    declared = None
    if params.get("done") == "declared":
        declared = {"cancelled": params.get("cancelled", "0"), "told": params.get("told", "0")}
    return visit.render(
        "admin/hubs/holidays.html",
        status_code,
        holidays=hub_queries.holidays_from(session, visit.today, scope),
        hubs=hub_queries.list_hubs(session, scope),
        hub_names=hub_queries.hub_names(session),
        limited=scope.is_limited,
        today=visit.today,
        typed=extra.pop("typed", {"holiday_date": "", "hub_id": "", "reason": ""}),
        declared=declared,
        **extra,
    )


@router.get("/holidays", response_model=None)
def holiday_list(visit: AdminVisit) -> Response:
    return _holidays_page(visit)


@router.post("/holidays", response_model=None)
def declare(
    visit: AdminVisit, holiday_date: FormText = "", hub_id: FormText = "", reason: FormText = ""
) -> Response:
    typed = {"holiday_date": holiday_date, "hub_id": hub_id, "reason": reason}
    try:
        day = form_date(holiday_date, "Choose the date of the holiday")
        done = holidays.declare_holiday(
            visit.session,
            day,
            _hub_choice(hub_id),
            reason,
            visit.actor,
            visit.scope,
            today=visit.today,
        )
    except MilkrunError as exc:
        return _holidays_page(visit, typed=typed, **refused(visit, exc))
    query = urlencode(
        {"done": "declared", "cancelled": done.orders_cancelled, "told": done.customers_told}
    )
    return RedirectResponse(f"/admin/holidays?{query}", status_code=303)
