from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy import func, select

from milkrun import clock
from milkrun.auth.models import Role, User
from milkrun.customers import queries as customer_queries
from milkrun.customers.models import Customer
from milkrun.pagination import InvalidCursor
from milkrun.routing.models import Route
from milkrun.web.pages import AdminVisit

router = APIRouter(prefix="/admin")
PAGE = 50


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


@router.get("/customers", response_model=None)
def customers(visit: AdminVisit, q: str | None = None, cursor: str | None = None) -> Response:
    session = visit.session
    notice = None
    try:
        rows, next_cursor = customer_queries.list_customers(
            session, limit=PAGE, cursor=cursor, search=q
        )
    except InvalidCursor:
        # A damaged "next page" link: a person gets the first page and a word, not a problem.
        notice = "That page link is not valid (it may have been cut short); this is the first page."
        rows, next_cursor = customer_queries.list_customers(
            session, limit=PAGE, cursor=None, search=q
        )
    route_names = {r.id: r.name for r in session.scalars(select(Route))}
    return visit.render(
        "admin/customers.html",
        customers=rows,
        q=q or "",
        next_cursor=next_cursor,
        route_names=route_names,
        notice=notice,
    )
