"""The owner's customers: the list (search by name, phone or address; by route, waiting for a
route, active or not, owing), adding a customer with its login in one step, changing one, and
deactivating one with what becomes of its subscriptions said before it is done.

Each form calls the use case the JSON API calls (``customers.logins.register_customer`` and
``customers.service`` as POST and PATCH /api/v1/customers; ``orders.leaving`` for leaving and
coming back). A refused form is shown again with the message and what was typed; nothing
changes. The customer's own page is ``admin_customer``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from milkrun import cutoff
from milkrun.billing import dues
from milkrun.customers import logins, queries, service
from milkrun.customers.queries import CustomerFilter
from milkrun.customers.schemas import CustomerCreate, CustomerUpdate
from milkrun.db.pagination import InvalidCursor
from milkrun.db.session import mark_failed
from milkrun.errors import MilkrunError
from milkrun.http.deps import PathId
from milkrun.hubs import queries as hub_queries
from milkrun.hubs.scope import HubScope
from milkrun.orders import leaving
from milkrun.routing import queries as routing_queries
from milkrun.web.forms import valid_form
from milkrun.web.pages import AdminVisit, PageVisit
from milkrun.web.subscription_forms import FormValues

router = APIRouter(prefix="/admin/customers")
PAGE = 50
FIELDS = ("name", "phone", "email", "address", "area", "route_id", "gstin", "password")
CUSTOMER_WORDS = {
    "name": "Name: 1 to 120 characters",
    "phone": "Phone: a mobile or landline number",
    "email": "Email: an address like name@example.com, or empty",
    "address": "Address: 1 to 500 characters",
    "area": "Area or PIN code: 1 to 80 characters",
    "route_id": "Choose a route from the list",
    "gstin": "GSTIN: 15 characters like 29ABCDE1234F1Z5 (state code, PAN, entity, Z, check), or"
    " empty",
    "login": "The password needs 8 to 128 characters (or leave it empty: no login)",
}
DONE = {
    "created": "Customer added.",
    "saved": "Changes saved.",
    "deactivated": "Customer deactivated: no deliveries from the date shown.",
    "reactivated": "Customer active again.",
}


def _routes(visit: PageVisit, scope: HubScope | None = None) -> list[Any]:
    scope = scope or visit.scope
    return list(routing_queries.all_routes(visit.session, scope.route_filter))


# --- the list -----------------------------------------------------------------------------------


@router.get("", response_model=None)
def customers(
    visit: AdminVisit,
    q: str = "",
    route: str = "",
    status: str = "active",
    owing: str = "",
    hub: str = "",
    cursor: str | None = None,
) -> Response:
    hubs = hub_queries.list_hubs(visit.session, visit.scope)
    hub_id = int(hub) if hub.isdigit() and int(hub) in {h.id for h in hubs} else None
    scope = visit.scope.narrowed(hub_id)
    routes = _routes(visit, scope)
    route_id = int(route) if route.isdigit() and int(route) in {r.id for r in routes} else None
    which = CustomerFilter(
        search=q,
        route_id=route_id,
        waiting=route == "waiting",
        is_active={"active": True, "inactive": False}.get(status),
        among=dues.owing_customers() if owing else None,
        routes=scope.route_filter,
    )
    notice = None
    try:
        rows, next_cursor, total = queries.find_customers(
            visit.session, which, limit=PAGE, cursor=cursor
        )
    except InvalidCursor:
        # A damaged "next page" link: a person gets the first page and a word, not a problem.
        notice = "That page link is not valid (it may have been cut short); this is the first page."
        rows, next_cursor, total = queries.find_customers(
            visit.session, which, limit=PAGE, cursor=None
        )
    chosen = {"q": q, "route": route, "status": status, "owing": owing, "hub": hub}
    return visit.render(
        "admin/customers/list.html",
        customers=rows,
        total=total,
        chosen=chosen,
        first_page=cursor is None or notice is not None,
        next_link="?" + urlencode({**chosen, "cursor": next_cursor}) if next_cursor else None,
        routes=routes,
        hubs=hubs if not visit.scope.is_limited else [],
        route_names={r.id: r.name for r in routes},
        balances=dues.balances_of(visit.session, [c.id for c in rows]),
        notice=notice,
        done=DONE.get(visit.request.query_params.get("done", "")),
    )


# --- adding and changing ------------------------------------------------------------------------


def _form(
    visit: PageVisit,
    values: dict[str, str],
    *,
    customer: Any = None,
    status: int = 200,
    message: str | None = None,
) -> Response:
    current = customer.route_id if customer is not None else None
    return visit.render(
        "admin/customers/form.html",
        status_code=status,
        customer=customer,
        values=values,
        routes=[r for r in _routes(visit) if r.is_active or r.id == current],
        message=message,
    )


def _refuse(
    visit: PageVisit, exc: MilkrunError, values: dict[str, str], customer: Any = None
) -> Response:
    mark_failed(visit.session, exc)
    values = {k: v for k, v in values.items() if k != "password"}
    return _form(visit, values, customer=customer, status=exc.status, message=exc.detail)


def _typed(values: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {n: values.get(n, "") for n in ("name", "phone", "address", "area")}
    data["email"] = values.get("email") or None
    data["route_id"] = values.get("route_id") or None
    # Written in capitals on the certificate; typed in any case, with spaces.
    data["gstin"] = "".join(values.get("gstin", "").split()).upper() or None
    return data


@router.get("/new", response_model=None)
def new_customer(visit: AdminVisit) -> Response:
    return _form(visit, {})


@router.post("/new", response_model=None)
def add_customer(visit: AdminVisit, values: FormValues) -> Response:
    """A customer, with its login when a password is given (as POST /api/v1/customers)."""
    try:
        password = values.get("password", "")
        data = valid_form(
            CustomerCreate,
            {**_typed(values), "login": {"password": password} if password else None},
            CUSTOMER_WORDS,
        )
        if data.login is not None:
            _, customer = logins.register_customer(
                visit.session, data, data.login.password, visit.actor
            )
        else:
            customer = service.create_customer(visit.session, data, visit.actor)
    except MilkrunError as exc:
        return _refuse(visit, exc, values)
    return RedirectResponse(f"/admin/customers/{customer.id}?done=created", status_code=303)


@router.get("/{customer_id}/edit", response_model=None)
def edit_customer(visit: AdminVisit, customer_id: PathId) -> Response:
    customer = queries.get_customer(visit.session, customer_id)
    values = {
        "name": customer.name,
        "phone": customer.phone,
        "email": customer.email or "",
        "address": customer.address,
        "area": customer.area,
        "route_id": str(customer.route_id or ""),
        "gstin": customer.gstin or "",
    }
    return _form(visit, values, customer=customer)


@router.post("/{customer_id}/edit", response_model=None)
def save_customer(visit: AdminVisit, customer_id: PathId, values: FormValues) -> Response:
    """Name, phone (any format), email, address, area and route (as PATCH /api/v1/customers)."""
    customer = queries.get_customer(visit.session, customer_id)
    try:
        data = valid_form(CustomerUpdate, _typed(values), CUSTOMER_WORDS)
        service.update_customer(visit.session, customer_id, data, visit.actor)
    except MilkrunError as exc:
        return _refuse(visit, exc, values, customer)
    return RedirectResponse(f"/admin/customers/{customer_id}?done=saved", status_code=303)


# --- leaving and coming back --------------------------------------------------------------------


@router.get("/{customer_id}/deactivate", response_model=None)
def confirm_deactivation(visit: AdminVisit, customer_id: PathId) -> Response:
    customer = queries.get_customer(visit.session, customer_id)
    plan = leaving.leaving(visit.session, customer_id, cutoff.for_staff(visit.settings))
    return visit.render("admin/customers/deactivate.html", customer=customer, plan=plan)


@router.post("/{customer_id}/deactivate", response_model=None)
def deactivate(visit: AdminVisit, customer_id: PathId) -> Response:
    window = cutoff.for_staff(visit.settings)
    try:
        leaving.deactivate_customer(visit.session, customer_id, visit.actor, window)
    except MilkrunError as exc:
        mark_failed(visit.session, exc)
        customer = queries.get_customer(visit.session, customer_id)
        plan = leaving.leaving(visit.session, customer_id, window)
        return visit.render(
            "admin/customers/deactivate.html",
            status_code=exc.status,
            customer=customer,
            plan=plan,
            message=exc.detail,
        )
    return RedirectResponse(f"/admin/customers/{customer_id}?done=deactivated", status_code=303)
