from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import func, select

from milkrun import clock
from milkrun.auth.models import Role
from milkrun.customers.models import Customer
from milkrun.deps import SessionDep, SettingsDep
from milkrun.routing.models import Route
from milkrun.web.app import LoginRequired, login_redirect, page_user, render

router = APIRouter(prefix="/delivery")


@router.get("", response_model=None)
def home(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    try:
        user = page_user(request, session, settings, Role.delivery_boy)
    except LoginRequired:
        return login_redirect(request)
    routes = session.scalars(
        select(Route).where(Route.delivery_boy_id == user.id, Route.is_active).order_by(Route.name)
    ).all()
    stops = {
        route_id: count
        for route_id, count in session.execute(
            select(Customer.route_id, func.count())
            .where(Customer.is_active, Customer.route_id.in_([r.id for r in routes]))
            .group_by(Customer.route_id)
        )
    }
    return render(
        request,
        "delivery/home.html",
        user=user,
        routes=routes,
        stops=stops,
        today=clock.today(settings.zone),
    )
