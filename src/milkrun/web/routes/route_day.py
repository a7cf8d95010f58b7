"""A route's delivery day, for the admin: the manifest and the load sheet (printable), how far the
morning has come, who walks the route that day (a substitute), and its shared delivery links:
create one (its URL and QR code are shown once, to be opened on the holder's phone) or revoke
one. Every change calls the same service as the API."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Annotated, Any

import qrcode
import qrcode.image.svg
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from milkrun import clock
from milkrun.auth import queries as auth_queries
from milkrun.auth.models import Role
from milkrun.date_window import BusinessDate
from milkrun.db.session import mark_failed
from milkrun.deliveries import closes, proofs
from milkrun.deliveries.manifest import manifest
from milkrun.errors import MilkrunError, NotFound
from milkrun.http.deps import PathId, SessionDep, SettingsDep
from milkrun.links import queries as link_queries
from milkrun.links import service as link_service
from milkrun.links.errors import LinkNotFound
from milkrun.links.schemas import LinkCreate
from milkrun.routing import queries as routing_queries
from milkrun.routing import service as routing_service
from milkrun.web.errors import InvalidDeliveryBoy, LabelRequired
from milkrun.web.pages import PageVisit, checked_user, render

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


def qr_svg(text: str) -> str:
    """``text`` as a QR code, an inline SVG (scanned by the phone the link is for)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue().decode()


@dataclass(frozen=True)
class Screen(PageVisit):
    """The route's day as one admin sees it in this request."""

    route_id: int

    def show(self, day: dt.date, *, status_code: int = 200, **extra: Any) -> Response:
        session, zone = self.session, self.settings.zone
        try:
            route = routing_queries.get_route(session, self.route_id)
        except NotFound as exc:
            return render(
                self.request, "admin/not_found.html", 404, user=self.user, message=exc.detail
            )
        substitute = routing_queries.substitute_on(session, route.id, day)
        boys = auth_queries.active_delivery_boys(session)
        links = link_queries.links_of_day(session, route.id, day)
        now = clock.now()
        flag = self.settings.proof_flag_metres
        day_proofs = proofs.proofs_of_day(session, route.id, day)
        context: dict[str, Any] = {"error": None, "created": None, "label": "", **extra}
        return render(
            self.request,
            "admin/route_day.html",
            status_code=status_code,
            user=self.user,
            route=route,
            day=day,
            today=clock.today(zone),
            previous_day=day - dt.timedelta(days=1),
            next_day=day + dt.timedelta(days=1),
            manifest=manifest(session, route, day),
            close=closes.close_of(session, day),
            close_day=day,
            close_time=self.settings.day_close_time,
            zone=zone,
            substitute_id=substitute.delivery_boy_id if substitute else None,
            boys=boys,
            links=[
                {
                    "id": link.id,
                    "label": link.label,
                    "until": link_service.when(link.expires_at, zone),
                    "state": link_service.state_of(link, now).value,
                }
                for link in links
            ],
            proofs=day_proofs,
            proof_of_delivery=self.settings.proof_of_delivery or bool(day_proofs),
            proof_flag_metres=flag,
            far_marks=sum(1 for proof in day_proofs.values() if proof.far(flag)),
            reasons=REASONS,
            statuses=STATUSES,
            changes=CHANGES,
            **context,
        )

    def refuse(self, day: dt.date, exc: MilkrunError, **extra: Any) -> Response:
        """The page again with why the change was refused; the change is rolled back."""
        mark_failed(self.session, exc)
        return self.show(day, status_code=exc.status, error=exc.detail, **extra)

    def back_to(self, day: dt.date, anchor: str = "") -> Response:
        return RedirectResponse(
            f"/admin/routes/{self.route_id}/day?date={day.isoformat()}{anchor}", status_code=303
        )


def _screen(
    route_id: PathId, request: Request, session: SessionDep, settings: SettingsDep
) -> Screen:
    """The admin's screen (``LoginRequired`` when nobody, or not an admin, is logged in; 404 for
    a route of another hub than the admin's)."""
    user = checked_user(request, session, settings, Role.admin)
    return Screen(request, session, settings, user, route_id)


AdminScreen = Annotated[Screen, Depends(_screen)]


@router.get("", response_model=None)
def route_day(
    screen: AdminScreen, request: Request, settings: SettingsDep, date: BusinessDate | None = None
) -> Response:
    return screen.show(date or clock.today(settings.zone))


@router.post("/links", response_model=None)
def create_link(
    screen: AdminScreen,
    request: Request,
    delivery_date: Annotated[dt.date, Form()],
    label: Annotated[str, Form()] = "",
) -> Response:
    """Create a shared delivery link and show its URL and QR code, this once."""
    try:
        try:
            data = LinkCreate(route_id=screen.route_id, delivery_date=delivery_date, label=label)
        except ValidationError as exc:
            raise LabelRequired("Say who the link is for (a name, up to 80 characters)") from exc
        link, token = link_service.create_link(
            screen.session, data, screen.actor, zone=screen.settings.zone
        )
    except MilkrunError as exc:
        return screen.refuse(delivery_date, exc, label=label)
    url = link_service.url_of(token, screen.settings.base_url)
    created = {
        "label": link.label,
        "url": url,
        "qr": qr_svg(url),
        "until": link_service.when(link.expires_at, screen.settings.zone),
    }
    return screen.show(delivery_date, created=created)


@router.post("/links/{link_id}/revoke", response_model=None)
def revoke_link(
    screen: AdminScreen,
    link_id: PathId,
    request: Request,
    delivery_date: Annotated[dt.date, Form()],
) -> Response:
    try:
        link = link_queries.get_link(screen.session, link_id)
        if link.route_id != screen.route_id:
            raise LinkNotFound(f"Route {screen.route_id} has no link {link_id}")
        link_service.revoke_link(screen.session, link_id, screen.actor)
    except MilkrunError as exc:
        return screen.refuse(delivery_date, exc)
    return screen.back_to(delivery_date, "#links")


@router.post("/substitute", response_model=None)
def set_substitute(
    screen: AdminScreen,
    request: Request,
    delivery_date: Annotated[dt.date, Form()],
    delivery_boy_id: Annotated[str, Form()] = "",
) -> Response:
    """Who walks the route that day: a substitute, or (empty) the route's own delivery boy."""
    try:
        if not delivery_boy_id:
            routing_service.remove_substitute(
                screen.session, screen.route_id, delivery_date, screen.actor
            )
        elif not delivery_boy_id.isdigit():
            raise InvalidDeliveryBoy("Choose a delivery boy from the list")
        else:
            routing_service.set_substitute(
                screen.session, screen.route_id, delivery_date, int(delivery_boy_id), screen.actor
            )
    except MilkrunError as exc:
        return screen.refuse(delivery_date, exc)
    return screen.back_to(delivery_date)
