from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from milkrun import clock
from milkrun.auth import queries as auth_queries
from milkrun.catalog import queries as catalog_queries
from milkrun.customers import queries as customer_queries
from milkrun.pagination import InvalidCursor
from milkrun.routing import queries as routing_queries
from milkrun.web.pages import AdminVisit

router = APIRouter(prefix="/admin")
PAGE = 50


@router.get("", response_model=None)
def dashboard(visit: AdminVisit) -> Response:
    session, settings = visit.session, visit.settings
    counts = {
        "Active customers": customer_queries.count_active(session),
        "Routes": routing_queries.count_routes(session),
        "Delivery boys": auth_queries.count_active_delivery_boys(session),
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
    route_names = routing_queries.route_names(session)
    return visit.render(
        "admin/customers.html",
        customers=rows,
        q=q or "",
        next_cursor=next_cursor,
        route_names=route_names,
        notice=notice,
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
    boys = auth_queries.delivery_boy_names(session)
    stops = customer_queries.active_per_route(session)
    return visit.render("admin/routes.html", routes=rows, boys=boys, stops=stops)
