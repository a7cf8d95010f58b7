from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy import func, select

from milkrun import clock
from milkrun.auth.models import Role, User
from milkrun.catalog import queries as catalog_queries
from milkrun.customers.models import Customer
from milkrun.routing import queries as routing_queries
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


@router.get("/products", response_model=None)
def products(visit: AdminVisit) -> Response:
    session = visit.session
    rows, _ = catalog_queries.list_products(session, limit=500, cursor=None)
    prices = catalog_queries.prices_on(session, [p.id for p in rows], visit.today)
    return visit.render("admin/products.html", products=rows, prices=prices)


@router.get("/routes", response_model=None)
def routes(visit: AdminVisit) -> Response:
    session = visit.session
    rows, _ = routing_queries.list_routes(session, limit=500, cursor=None)
    boys = {
        u.id: u.name for u in session.scalars(select(User).where(User.role == Role.delivery_boy))
    }
    stops = dict(
        session.execute(
            select(Customer.route_id, func.count())
            .where(Customer.is_active)
            .group_by(Customer.route_id)
        ).all()
    )
    return visit.render("admin/routes.html", routes=rows, boys=boys, stops=stops)
