"""The owner's staff logins: delivery boys and admins. The list (with how many), a new login,
and a login's page: its details, a new password, disabling it (a delivery boy who is a route's
own delivery boy leaves those routes without a walker, which the page says before and after).
Each change calls the service the API calls (auth.service)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from milkrun.auth import queries, service
from milkrun.auth.errors import UserNotFound
from milkrun.auth.models import User
from milkrun.auth.schemas import UserCreate, UserUpdate
from milkrun.db.pagination import InvalidCursor
from milkrun.errors import MilkrunError, NotFound
from milkrun.http.deps import PathId
from milkrun.routing import queries as routing_queries
from milkrun.web.errors import OwnLogin
from milkrun.web.forms import FormText, valid_form
from milkrun.web.pages import AdminVisit, PageVisit
from milkrun.web.routes.console import blank_to_none, not_found, refused

router = APIRouter(prefix="/admin/staff")
PAGE = 50
ROLES = {"delivery_boy": "Delivery boy", "admin": "Admin"}

WORDS = {
    "role": "Choose delivery boy or admin",
    "name": "Give a name (up to 120 characters)",
    "phone": "Give a phone number (it is the login) or an email",
    "email": "That email address does not look right",
    "password": "The password needs 8 to 128 characters",
}
DONE = {
    "created": "Login added. Give him his phone number and password.",
    "saved": "Saved.",
    "password": "New password saved. Tell it to him; his old one no longer works.",
    "disabled": "Login disabled.",
    "enabled": "Login enabled again.",
}


def _staff_member(visit: PageVisit, user_id: int) -> User:
    """A staff login the admin may manage (an admin of one hub: its delivery boys)."""
    user = queries.get_user(visit.session, user_id)
    if user.role not in ROLES:
        raise UserNotFound(f"There is no staff login {user_id}")
    try:
        return visit.scope.ensure_staff(visit.session, user)
    except UserNotFound:
        raise UserNotFound(f"There is no staff login {user_id}") from None


@router.get("", response_model=None)
def staff(visit: AdminVisit, role: str = "all", cursor: str | None = None) -> Response:
    session = visit.session
    chosen = role if role in ROLES else None
    notice = None
    try:
        rows, next_cursor = queries.list_staff(
            session, limit=PAGE, cursor=cursor, role=chosen, visible=visit.scope.staff_filter
        )
    except InvalidCursor:
        notice = "That page link is not valid (it may have been cut short); this is the first page."
        cursor = None
        rows, next_cursor = queries.list_staff(
            session, limit=PAGE, cursor=None, role=chosen, visible=visit.scope.staff_filter
        )
    routes = routing_queries.all_routes(session)
    walks: dict[int, list[str]] = {}
    for route in routes:
        if route.delivery_boy_id is not None and route.is_active:
            walks.setdefault(route.delivery_boy_id, []).append(route.name)
    return visit.render(
        "admin/staff/list.html",
        staff=rows,
        walks=walks,
        roles=ROLES,
        role=chosen or "all",
        total=queries.count_staff(session, role=chosen, visible=visit.scope.staff_filter),
        next_cursor=next_cursor,
        first_page=cursor is None,
        notice=notice,
    )


def _new_page(
    visit: PageVisit, form: dict[str, str], status_code: int = 200, **extra: Any
) -> Response:
    # An admin of one hub creates delivery boys only (``HubScope.ensure_creates``).
    roles = {"delivery_boy": ROLES["delivery_boy"]} if visit.scope.is_limited else ROLES
    return visit.render("admin/staff/new.html", status_code, form=form, roles=roles, **extra)


@router.get("/new", response_model=None)
def new_staff(visit: AdminVisit) -> Response:
    return _new_page(visit, {"role": "delivery_boy"})


@router.post("/new", response_model=None)
def create_staff(
    visit: AdminVisit,
    role: FormText = "",
    name: FormText = "",
    phone: FormText = "",
    email: FormText = "",
    password: FormText = "",
) -> Response:
    form = {"role": role, "name": name, "phone": phone, "email": email}
    try:
        data = valid_form(UserCreate, blank_to_none(form) | {"password": password}, WORDS)
        visit.scope.ensure_creates(data.role)
        user = service.create_staff(visit.session, data, visit.actor)
    except MilkrunError as exc:
        return _new_page(visit, form, **refused(visit, exc))
    return RedirectResponse(f"/admin/staff/{user.id}?done=created", status_code=303)


def _member_page(
    visit: PageVisit,
    user_id: int,
    status_code: int = 200,
    *,
    edit: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    try:
        member = _staff_member(visit, user_id)
    except NotFound as exc:
        return not_found(visit, exc)
    routes = routing_queries.routes_of_delivery_boy(visit.session, member.id)
    return visit.render(
        "admin/staff/detail.html",
        status_code,
        member=member,
        routes=routes,
        roles=ROLES,
        is_me=member.id == visit.user.id,
        edit=edit
        or {"name": member.name, "phone": member.phone or "", "email": member.email or ""},
        **{"error": None, "password_error": None, "active_error": None, "done": None, **extra},
    )


@router.get("/{user_id}", response_model=None)
def member_page(user_id: PathId, visit: AdminVisit, done: str = "") -> Response:
    return _member_page(visit, user_id, done=DONE.get(done))


def _change(
    visit: PageVisit, user_id: int, data: dict[str, Any], done: str, **on_refusal: Any
) -> Response:
    """Check the login is staff, then update it (auth.service.update_user)."""
    error_key = on_refusal.pop("error_key", "error")
    try:
        _staff_member(visit, user_id)
        update = valid_form(UserUpdate, data, WORDS)
        service.update_user(visit.session, user_id, update, visit.actor)
    except MilkrunError as exc:
        if isinstance(exc, NotFound):
            return not_found(visit, exc)
        found = refused(visit, exc)
        return _member_page(
            visit, user_id, found["status_code"], **{error_key: found["error"]}, **on_refusal
        )
    return RedirectResponse(f"/admin/staff/{user_id}?done={done}", status_code=303)


@router.post("/{user_id}", response_model=None)
def edit_staff(
    user_id: PathId,
    visit: AdminVisit,
    name: FormText = "",
    phone: FormText = "",
    email: FormText = "",
) -> Response:
    edit = {"name": name, "phone": phone, "email": email}
    # An empty phone or email keeps the one there is (a login keeps a username).
    data = {k: v for k, v in edit.items() if k == "name" or v.strip()}
    return _change(visit, user_id, data, "saved", edit=edit)


@router.post("/{user_id}/password", response_model=None)
def new_password(user_id: PathId, visit: AdminVisit, password: FormText = "") -> Response:
    return _change(visit, user_id, {"password": password}, "password", error_key="password_error")


@router.post("/{user_id}/active", response_model=None)
def set_active(user_id: PathId, visit: AdminVisit, active: FormText = "") -> Response:
    """Disable (active=no) or enable (active=yes) a login; not one's own."""
    if user_id == visit.user.id and active != "yes":
        exc = OwnLogin("You cannot disable your own login")
        found = refused(visit, exc)
        return _member_page(visit, user_id, found["status_code"], active_error=found["error"])
    is_active = active == "yes"
    done = "enabled" if is_active else "disabled"
    return _change(visit, user_id, {"is_active": is_active}, done, error_key="active_error")
