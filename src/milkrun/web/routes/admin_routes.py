"""The owner's routes: the list (with how many), a new route, and a route's page: its details
(name, area, shift, its own delivery boy, active), its stop order (a stop moved up or down, a
customer put in at a stop number) and the substitutes to come, with the day page a click away.
Each change calls the service the API calls."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from milkrun.auth import queries as auth_queries
from milkrun.customers import locations, stops
from milkrun.customers import queries as customer_queries
from milkrun.customers.errors import InvalidPosition, UnknownCustomer
from milkrun.db.pagination import InvalidCursor
from milkrun.errors import MilkrunError, NotFound
from milkrun.http.deps import PathId
from milkrun.phones import normalize_phone
from milkrun.routing import queries, service
from milkrun.routing.models import Shift
from milkrun.routing.schemas import RouteCreate, RouteUpdate
from milkrun.web.errors import CustomerRequired, InvalidDeliveryBoy, InvalidMove
from milkrun.web.forms import FormText, valid_form
from milkrun.web.pages import AdminVisit, PageVisit
from milkrun.web.routes.console import not_found, refused

router = APIRouter(prefix="/admin/routes")
PAGE = 50

WORDS = {
    "name": "Give the route a name (up to 80 characters)",
    "area": "Say the area it covers (up to 80 characters)",
    "shift": "Choose morning or evening",
    "delivery_boy_id": "Choose a delivery boy from the list",
}
DONE = {
    "created": "Route added.",
    "saved": "Route saved.",
    "moved": "Stop order saved.",
    "not-moved": "The stop order was not saved (it changed meanwhile?): here it is as it stands.",
    "placed": "Customer put on the route.",
    "reordered": "The suggested stop order is applied.",
    "not-reordered": "The stop order was not changed: the route's customers changed since the "
    "suggestion was made. Ask for a new suggestion.",
    "location-approved": "Location approved: it is now the customer's.",
    "location-rejected": "Proposed location rejected.",
    "location-gone": "That proposed location was already approved or rejected.",
}


def _route_form(visit: PageVisit, form: dict[str, str]) -> dict[str, Any]:
    """A route form's fields as the schema reads them (empty delivery boy: none)."""
    boy = form.get("delivery_boy_id", "").strip()
    if boy and not boy.isdigit():
        raise InvalidDeliveryBoy(WORDS["delivery_boy_id"])
    return {
        "name": form.get("name", ""),
        "area": form.get("area", ""),
        "shift": form.get("shift", ""),
        "delivery_boy_id": int(boy) if boy else None,
    }


def _boys(visit: PageVisit) -> list[Any]:
    return list(auth_queries.active_delivery_boys(visit.session))


# --- the list -----------------------------------------------------------------------------------


@router.get("", response_model=None)
def routes(visit: AdminVisit, cursor: str | None = None, done: str = "") -> Response:
    session = visit.session
    notice = None
    try:
        rows, next_cursor = queries.list_routes(
            session, limit=PAGE, cursor=cursor, routes=visit.scope.route_filter
        )
    except InvalidCursor:
        notice = "That page link is not valid (it may have been cut short); this is the first page."
        cursor = None
        rows, next_cursor = queries.list_routes(
            session, limit=PAGE, cursor=None, routes=visit.scope.route_filter
        )
    ids = [r.id for r in rows]
    stop_counts = customer_queries.active_per_route(session, ids)
    return visit.render(
        "admin/routes/list.html",
        routes=rows,
        boys=auth_queries.names_of(session, (r.delivery_boy_id for r in rows)),
        stops=stop_counts,
        total=queries.count_routes(session),
        next_cursor=next_cursor,
        first_page=cursor is None,
        notice=notice,
        done=DONE.get(done),
    )


# --- a new route --------------------------------------------------------------------------------


def _new_page(
    visit: PageVisit, form: dict[str, str], status_code: int = 200, **extra: Any
) -> Response:
    return visit.render(
        "admin/routes/new.html",
        status_code,
        form=form,
        boys=_boys(visit),
        shifts=list(Shift),
        **extra,
    )


@router.get("/new", response_model=None)
def new_route(visit: AdminVisit) -> Response:
    return _new_page(visit, {"shift": "morning"})


@router.post("/new", response_model=None)
def create_route(
    visit: AdminVisit,
    name: FormText = "",
    area: FormText = "",
    shift: FormText = "",
    delivery_boy_id: FormText = "",
) -> Response:
    form = {"name": name, "area": area, "shift": shift, "delivery_boy_id": delivery_boy_id}
    try:
        data = valid_form(RouteCreate, _route_form(visit, form), WORDS)
        route = service.create_route(visit.session, data, visit.actor, hub_id=visit.scope.hub_id)
    except MilkrunError as exc:
        return _new_page(visit, form, **refused(visit, exc))
    return RedirectResponse(f"/admin/routes/{route.id}?done=created", status_code=303)


# --- one route ----------------------------------------------------------------------------------


def _route_page(
    visit: PageVisit,
    route_id: int,
    status_code: int = 200,
    *,
    edit: dict[str, str] | None = None,
    place: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    session = visit.session
    try:
        route = queries.get_route(session, route_id)
    except NotFound as exc:
        return not_found(visit, exc)
    substitutes = queries.substitutes_of(session, route_id, since=visit.today)[:30]
    route_stops = stops.stops_of(session, route_id)
    proposals = locations.proposals(session, route_id)
    people = auth_queries.names_of(
        session,
        [
            route.delivery_boy_id,
            *(s.delivery_boy_id for s in substitutes),
            *(c.proposed_by_user_id for c in proposals),
        ],
    )
    return visit.render(
        "admin/routes/detail.html",
        status_code,
        route=route,
        stops=route_stops,
        substitutes=substitutes,
        people=people,
        boys=_boys(visit),
        shifts=list(Shift),
        waiting=customer_queries.waiting_for_a_route(session),
        proposals=proposals,
        zone=visit.settings.zone,
        located=sum(1 for c in route_stops if c.latitude is not None),
        today=visit.today,
        edit=edit
        or {
            "name": route.name,
            "area": route.area,
            "shift": route.shift,
            "delivery_boy_id": str(route.delivery_boy_id or ""),
            "is_active": "yes" if route.is_active else "",
        },
        place=place or {"customer": "", "position": str(len(route_stops) + 1)},
        **{"error": None, "stops_error": None, "done": None, **extra},
    )


@router.get("/{route_id}", response_model=None)
def route_page(route_id: PathId, visit: AdminVisit, done: str = "") -> Response:
    return _route_page(visit, route_id, done=DONE.get(done))


@router.post("/{route_id}", response_model=None)
def edit_route(
    route_id: PathId,
    visit: AdminVisit,
    name: FormText = "",
    area: FormText = "",
    shift: FormText = "",
    delivery_boy_id: FormText = "",
    is_active: FormText = "",
) -> Response:
    edit = {
        "name": name,
        "area": area,
        "shift": shift,
        "delivery_boy_id": delivery_boy_id,
        "is_active": is_active,
    }
    try:
        fields = _route_form(visit, edit) | {"is_active": bool(is_active)}
        data = valid_form(RouteUpdate, fields, WORDS)
        service.update_route(visit.session, route_id, data, visit.actor)
    except MilkrunError as exc:
        if isinstance(exc, NotFound):
            return not_found(visit, exc)
        return _route_page(visit, route_id, edit=edit, **refused(visit, exc))
    return RedirectResponse(f"/admin/routes/{route_id}?done=saved", status_code=303)


def _back_to_stops(route_id: int, done: str) -> Response:
    return RedirectResponse(f"/admin/routes/{route_id}?done={done}#stops", status_code=303)


@router.post("/{route_id}/stops/move", response_model=None)
def move_stop(
    route_id: PathId, visit: AdminVisit, customer_id: FormText = "", steps: FormText = ""
) -> Response:
    """One stop up (steps -1) or down (steps 1): a form per button, no script needed."""
    try:
        if not customer_id.isdigit() or steps not in ("-1", "1"):
            raise InvalidMove("Move a stop with its up or down button")
        stops.move_stop(visit.session, route_id, int(customer_id), int(steps), visit.actor)
    except MilkrunError as exc:
        if isinstance(exc, NotFound):
            return not_found(visit, exc)
        found = refused(visit, exc)
        return _route_page(visit, route_id, found["status_code"], stops_error=found["error"])
    return _back_to_stops(route_id, "moved")


def _customer_of(visit: PageVisit, text: str) -> int:
    """A customer named by number ("17", "#17") or by phone (any format)."""
    text = text.strip()
    if text.lstrip("#").isdigit() and len(text.lstrip("#")) <= 7:
        return int(text.lstrip("#"))
    if not text:
        raise CustomerRequired("Say which customer: a number or a phone")
    customer = customer_queries.active_customer_with_phone(visit.session, normalize_phone(text))
    if customer is None:
        raise UnknownCustomer(f"No active customer has the phone {text}")
    return customer.id


@router.post("/{route_id}/stops/place", response_model=None)
def place_customer(
    route_id: PathId, visit: AdminVisit, customer: FormText = "", position: FormText = ""
) -> Response:
    """A customer (from another route, or none) put in at a stop number."""
    place = {"customer": customer, "position": position}
    try:
        if not position.strip().isdigit():
            raise InvalidPosition("Give the stop number, 1 or more")
        customer_id = _customer_of(visit, customer)
        stops.place_at(visit.session, route_id, customer_id, int(position), visit.actor)
    except MilkrunError as exc:
        if isinstance(exc, NotFound):
            return not_found(visit, exc)
        found = refused(visit, exc)
        return _route_page(
            visit, route_id, found["status_code"], place=place, stops_error=found["error"]
        )
    return _back_to_stops(route_id, "placed")
