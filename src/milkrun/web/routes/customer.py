from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from milkrun.auth.models import Role
from milkrun.customers import queries as customer_queries
from milkrun.deps import SessionDep, SettingsDep
from milkrun.routing.models import Route
from milkrun.web.app import LoginRequired, login_redirect, page_user, render

router = APIRouter(prefix="/me")


@router.get("", response_model=None)
def home(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    try:
        user = page_user(request, session, settings, Role.customer)
    except LoginRequired:
        return login_redirect(request)
    assert user.customer_id is not None  # an active customer login is always linked
    customer = customer_queries.get_customer(session, user.customer_id)
    route = session.get(Route, customer.route_id) if customer.route_id else None
    return render(request, "customer/home.html", user=user, customer=customer, route=route)
