from __future__ import annotations

from fastapi import APIRouter, Response, status

from milkrun.api.deps import (
    DEFAULT_LIMIT,
    ActorDep,
    AdminUser,
    CurrentUser,
    Cursor,
    IdFilter,
    Limit,
    PathId,
    ScopeDep,
    SessionDep,
)
from milkrun.auth import queries as auth_queries
from milkrun.auth.errors import NoLogin
from milkrun.auth.models import Role
from milkrun.auth.schemas import LinkLogin, NewLogin, UserRead
from milkrun.customers import locations, logins, ownership, queries, service
from milkrun.customers.schemas import (
    CustomerCreate,
    CustomerRead,
    CustomerUpdate,
    LocationRead,
    LocationSet,
)
from milkrun.db.pagination import Page
from milkrun.errors import Forbidden

router = APIRouter(prefix="/customers", tags=["customers"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=CustomerRead)
def create_customer(
    body: CustomerCreate, _: AdminUser, actor: ActorDep, session: SessionDep
) -> object:
    """A customer; with ``login`` also its login (username: the customer's phone and email)."""
    if body.login is not None:
        _user, customer = logins.register_customer(session, body, body.login.password, actor)
        return customer
    return service.create_customer(session, body, actor)


@router.get("", response_model=Page[CustomerRead])
def list_customers(
    scope: ScopeDep,
    session: SessionDep,
    area: str | None = None,
    route_id: IdFilter = None,
    hub_id: IdFilter = None,
    q: str | None = None,
    is_active: bool | None = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[CustomerRead]:
    customers, next_cursor = queries.list_customers(
        session,
        limit=limit,
        cursor=cursor,
        area=area,
        route_id=route_id,
        search=q,
        is_active=is_active,
        routes=scope.narrowed(hub_id).route_filter,
    )
    return Page[CustomerRead](
        items=[CustomerRead.model_validate(c) for c in customers], next_cursor=next_cursor
    )


@router.get("/{customer_id}", response_model=CustomerRead)
def get_customer(customer_id: PathId, user: CurrentUser, session: SessionDep) -> object:
    """An admin reads any customer; a customer only itself (another's is 404, not 403, so that
    ids do not reveal who is a customer); staff other than admins read none."""
    if user.role == Role.delivery_boy:
        raise Forbidden("This needs the admin role")
    if user.role == Role.customer:
        ownership.ensure_own(user.customer_id, customer_id)
    return queries.get_customer(session, customer_id)


@router.patch("/{customer_id}", response_model=CustomerRead)
def update_customer(
    customer_id: PathId, body: CustomerUpdate, _: AdminUser, actor: ActorDep, session: SessionDep
) -> object:
    return service.update_customer(session, customer_id, body, actor)


@router.get("/{customer_id}/user", response_model=UserRead)
def get_login(customer_id: PathId, _: AdminUser, session: SessionDep) -> object:
    queries.get_customer(session, customer_id)
    user = auth_queries.login_of_customer(session, customer_id)
    if user is None:
        raise NoLogin(f"Customer {customer_id} has no login")
    return user


@router.post("/{customer_id}/user", status_code=status.HTTP_201_CREATED, response_model=UserRead)
def create_login(
    customer_id: PathId, body: NewLogin, _: AdminUser, actor: ActorDep, session: SessionDep
) -> object:
    """A new login for a customer that has none."""
    return logins.create_login(session, customer_id, body.password, actor)


@router.put("/{customer_id}/user", response_model=UserRead)
def link_login(
    customer_id: PathId, body: LinkLogin, _: AdminUser, actor: ActorDep, session: SessionDep
) -> object:
    """Link an existing, unlinked customer login to this customer."""
    return logins.link_login(session, customer_id, body.user_id, actor)


@router.delete("/{customer_id}/user", status_code=status.HTTP_204_NO_CONTENT)
def unlink_login(
    customer_id: PathId, _: AdminUser, actor: ActorDep, session: SessionDep
) -> Response:
    """Detach the customer's login; it is disabled until linked again."""
    logins.unlink_login(session, customer_id, actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{customer_id}/location", response_model=LocationRead)
def get_location(customer_id: PathId, _: AdminUser, session: SessionDep) -> object:
    """The customer's approved location and the one proposed from a stop, if any."""
    return queries.get_customer(session, customer_id)


@router.put("/{customer_id}/location", response_model=LocationRead)
def set_location(
    customer_id: PathId, body: LocationSet, _: AdminUser, actor: ActorDep, session: SessionDep
) -> object:
    """Set the customer's location (nulls: unknown)."""
    return locations.set_location(session, customer_id, body, actor)


@router.post("/{customer_id}/location/approve", response_model=LocationRead)
def approve_location(
    customer_id: PathId, _: AdminUser, actor: ActorDep, session: SessionDep
) -> object:
    """The proposed location becomes the customer's location (409 when none is waiting)."""
    return locations.approve(session, customer_id, actor)


@router.post("/{customer_id}/location/reject", response_model=LocationRead)
def reject_location(
    customer_id: PathId, _: AdminUser, actor: ActorDep, session: SessionDep
) -> object:
    """The proposed location is dropped (409 when none is waiting)."""
    return locations.reject(session, customer_id, actor)
