"""A route's delivery day, for the admin: the manifest and the load sheet (printable), how far the
morning has come, who walks the route that day (a substitute), and its shared delivery links:
create one (its URL and QR code are shown once, to be opened on the holder's phone) or revoke
one. Every change calls the same service as the API."""

from __future__ import annotations

import datetime as dt
import io
from typing import Annotated, Any

import qrcode
import qrcode.image.svg
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.api.deps import PathId, actor_for
from milkrun.auth import queries as auth_queries
from milkrun.auth.models import Role, User
from milkrun.config import Settings
from milkrun.db.session import mark_failed
from milkrun.deliveries.manifest import manifest
from milkrun.deps import SessionDep, SettingsDep
from milkrun.errors import InvalidInput, MilkrunError
from milkrun.links import queries as link_queries
from milkrun.links import service as link_service
from milkrun.links.schemas import LinkCreate
from milkrun.routing import queries as routing_queries
from milkrun.routing import service as routing_service
from milkrun.web.app import LoginRequired, login_redirect, page_user, render

router = APIRouter(prefix="/admin/routes/{route_id}/day")

REASONS = {
    "customer_unavailable": "not at home",
    "address_not_found": "address not found",
    "refused": "refused",
    "out_of_stock": "out of stock",
    "other": "other",
}
STATUSES = {
    "scheduled": "to deliver",
    "delivered": "delivered",
    "partially_delivered": "partly delivered",
    "not_delivered": "not delivered",
    "cancelled": "cancelled",
}
CHANGES = {
    "paused": "Paused",
    "quantity_changed": "Quantity changed",
    "one_time": "Extra one-time order",
    "new_customer": "New customer",
}


def _admin(request: Request, session: Session, settings: Settings) -> User:
    return page_user(request, session, settings, Role.admin)


def qr_svg(text: str) -> str:
    """``text`` as a QR code, an inline SVG (scanned by the phone the link is for)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue().decode()


def _page(
    request: Request,
    session: Session,
    settings: Settings,
    user: User,
    route_id: int,
    day: dt.date,
    *,
    status_code: int = 200,
    error: str | None = None,
    created: dict[str, Any] | None = None,
    label: str = "",
) -> Response:
    route = routing_queries.get_route(session, route_id)
    today = clock.today(settings.zone)
    substitute = routing_queries.substitute_on(session, route_id, day)
    boys, _ = auth_queries.list_users(session, limit=500, cursor=None, role=Role.delivery_boy)
    links, _ = link_queries.list_links(
        session, limit=50, cursor=None, route_id=route_id, delivery_date=day
    )
    now = clock.now()
    return render(
        request,
        "admin/route_day.html",
        status_code=status_code,
        user=user,
        route=route,
        day=day,
        today=today,
        previous_day=day - dt.timedelta(days=1),
        next_day=day + dt.timedelta(days=1),
        manifest=manifest(session, route, day),
        substitute_id=substitute.delivery_boy_id if substitute else None,
        boys=[b for b in boys if b.is_active],
        links=[
            {
                "id": link.id,
                "label": link.label,
                "until": link_service.when(link.expires_at, settings.zone),
                "state": "revoked"
                if link.revoked_at is not None
                else ("expired" if link.expires_at <= now else "active"),
            }
            for link in links
        ],
        reasons=REASONS,
        statuses=STATUSES,
        changes=CHANGES,
        error=error,
        created=created,
        label=label,
    )


@router.get("", response_model=None)
def route_day(
    route_id: PathId,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    date: dt.date | None = None,
) -> Response:
    try:
        user = _admin(request, session, settings)
    except LoginRequired:
        return login_redirect(request)
    return _page(request, session, settings, user, route_id, date or clock.today(settings.zone))


@router.post("/links", response_model=None)
def create_link(
    route_id: PathId,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    delivery_date: Annotated[dt.date, Form()],
    label: Annotated[str, Form()] = "",
) -> Response:
    """Create a shared delivery link and show its URL and QR code, this once."""
    try:
        user = _admin(request, session, settings)
    except LoginRequired:
        return login_redirect(request)
    try:
        try:
            data = LinkCreate(route_id=route_id, delivery_date=delivery_date, label=label)
        except ValidationError as exc:
            raise InvalidInput(
                "Say who the link is for (a name, up to 80 characters)", code="label_required"
            ) from exc
        link, token = link_service.create_link(
            session, data, actor_for(request, user, channel="web"), zone=settings.zone
        )
    except MilkrunError as exc:
        mark_failed(session, exc)
        return _page(
            request,
            session,
            settings,
            user,
            route_id,
            delivery_date,
            status_code=exc.status,
            error=exc.detail,
            label=label,
        )
    url = link_service.url_of(token, settings.base_url)
    created = {
        "label": link.label,
        "url": url,
        "qr": qr_svg(url),
        "until": link_service.when(link.expires_at, settings.zone),
    }
    return _page(request, session, settings, user, route_id, delivery_date, created=created)


@router.post("/links/{link_id}/revoke", response_model=None)
def revoke_link(
    route_id: PathId,
    link_id: PathId,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    delivery_date: Annotated[dt.date, Form()],
) -> Response:
    try:
        user = _admin(request, session, settings)
    except LoginRequired:
        return login_redirect(request)
    link = link_queries.get_link(session, link_id)
    if link.route_id != route_id:
        return _page(
            request,
            session,
            settings,
            user,
            route_id,
            delivery_date,
            status_code=404,
            error=f"Route {route_id} has no link {link_id}",
        )
    link_service.revoke_link(session, link_id, actor_for(request, user, channel="web"))
    return RedirectResponse(
        f"/admin/routes/{route_id}/day?date={delivery_date.isoformat()}#links", status_code=303
    )


@router.post("/substitute", response_model=None)
def set_substitute(
    route_id: PathId,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    delivery_date: Annotated[dt.date, Form()],
    delivery_boy_id: Annotated[str, Form()] = "",
) -> Response:
    """Who walks the route that day: a substitute, or (empty) the route's own delivery boy."""
    try:
        user = _admin(request, session, settings)
    except LoginRequired:
        return login_redirect(request)
    actor = actor_for(request, user, channel="web")
    try:
        if delivery_boy_id:
            routing_service.set_substitute(
                session, route_id, delivery_date, int(delivery_boy_id), actor
            )
        else:
            routing_service.remove_substitute(session, route_id, delivery_date, actor)
    except (MilkrunError, ValueError) as exc:
        failure = (
            exc
            if isinstance(exc, MilkrunError)
            else InvalidInput("Choose a delivery boy from the list", code="invalid_delivery_boy")
        )
        mark_failed(session, failure)
        return _page(
            request,
            session,
            settings,
            user,
            route_id,
            delivery_date,
            status_code=failure.status,
            error=failure.detail,
        )
    return RedirectResponse(
        f"/admin/routes/{route_id}/day?date={delivery_date.isoformat()}", status_code=303
    )
