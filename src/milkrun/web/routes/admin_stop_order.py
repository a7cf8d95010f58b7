"""A route's stop order made shorter: the suggestion (before and after, with the walk's length)
and, on the owner's confirmation, the new order; and the customers' locations proposed from the
delivery page ("this stop is here"), approved or rejected by the owner. Each change calls the
service the API calls."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from milkrun.customers import locations, stop_suggestion
from milkrun.errors import MilkrunError, NotFound
from milkrun.http.deps import PathId
from milkrun.web.errors import InvalidMove
from milkrun.web.pages import AdminVisit
from milkrun.web.routes.console import not_found, refused

router = APIRouter(prefix="/admin/routes/{route_id}")


@router.get("/stops/suggestion", response_model=None)
def suggestion(route_id: PathId, visit: AdminVisit) -> Response:
    """The suggested order next to the current one; nothing changes until "Apply"."""
    try:
        suggested = stop_suggestion.suggest(visit.session, route_id, visit.settings.dairy_location)
    except NotFound as exc:
        return not_found(visit, exc)
    return visit.render(
        "admin/routes/suggestion.html",
        route_id=route_id,
        suggestion=suggested,
        from_dairy=visit.settings.dairy_location is not None,
    )


@router.post("/stops/suggestion", response_model=None)
def apply_suggestion(
    route_id: PathId,
    visit: AdminVisit,
    customer_id: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """The suggested order, confirmed: refused (and the route page shown as it stands) when the
    route's customers changed since the suggestion was made."""
    try:
        ids = customer_id or []
        if not ids or not all(i.isdigit() for i in ids):
            raise InvalidMove("Apply the order from the suggestion page")
        stop_suggestion.apply(visit.session, route_id, [int(i) for i in ids], visit.actor)
    except MilkrunError as exc:
        if isinstance(exc, NotFound):
            return not_found(visit, exc)
        refused(visit, exc)  # nothing changes; the route page says so
        return RedirectResponse(
            f"/admin/routes/{route_id}?done=not-reordered#stops", status_code=303
        )
    return RedirectResponse(f"/admin/routes/{route_id}?done=reordered#stops", status_code=303)


def _decided(visit: AdminVisit, route_id: int, exc: MilkrunError | None, done: str) -> Response:
    if exc is not None:
        if isinstance(exc, NotFound):
            return not_found(visit, exc)
        refused(visit, exc)  # no proposal waiting any more (decided meanwhile): nothing changes
        done = "location-gone"
    return RedirectResponse(f"/admin/routes/{route_id}?done={done}#locations", status_code=303)


@router.post("/locations/{customer_id}/approve", response_model=None)
def approve_location(route_id: PathId, customer_id: PathId, visit: AdminVisit) -> Response:
    """The location proposed from the stop becomes the customer's."""
    try:
        locations.approve(visit.session, customer_id, visit.actor)
    except MilkrunError as exc:
        return _decided(visit, route_id, exc, "")
    return _decided(visit, route_id, None, "location-approved")


@router.post("/locations/{customer_id}/reject", response_model=None)
def reject_location(route_id: PathId, customer_id: PathId, visit: AdminVisit) -> Response:
    """The location proposed from the stop is dropped."""
    try:
        locations.reject(visit.session, customer_id, visit.actor)
    except MilkrunError as exc:
        return _decided(visit, route_id, exc, "")
    return _decided(visit, route_id, None, "location-rejected")
