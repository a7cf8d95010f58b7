from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy import func, select

from milkrun import clock
from milkrun.auth.models import Role, User
from milkrun.customers.models import Customer
from milkrun.routing.models import Route
from milkrun.web.pages import AdminVisit

router = APIRouter(prefix="/admin")


@router.get("", response_model=None)
def dashboard(visit: AdminVisit) -> Response:
    session, settings = visit.session, visit.settings
    counts = {
        "Active customers": session.scalar(select(func.count()).where(Customer.is_active)),
        "Routes": session.scalar(select(func.count()).select_from(Route)),
        "Delivery boys": session.scalar(
            select(func.count()).where(User.role == Role.delivery_boy, User.is_active)
        ),
    }
    return visit.render(
        "admin/dashboard.html",
        counts=counts,
        today=clock.today(settings.zone),
        business=settings.business_name,
    )
