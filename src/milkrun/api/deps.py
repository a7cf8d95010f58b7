"""What every API route can ask for: the session, the settings, the caller and its role."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from milkrun.audit.service import Actor
from milkrun.auth import tokens
from milkrun.auth.models import Role, User
from milkrun.db.pagination import DEFAULT_LIMIT, MAX_LIMIT
from milkrun.errors import Forbidden, Unauthorized
from milkrun.http import csrf, hub_guard
from milkrun.http.deps import (
    READ_METHODS,
    TOKEN_COOKIE,
    PathId,
    SessionDep,
    SettingsDep,
    actor_for,
)
from milkrun.hubs.scope import HubScope
from milkrun.inputs.fields import MAX_ID, StrictId

_bearer = HTTPBearer(auto_error=False, description="The access_token from POST /auth/login")


def current_user(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    token = credentials.credentials if credentials else request.cookies.get(TOKEN_COOKIE)
    if not token:
        raise Unauthorized(
            "Log in first: send Authorization: Bearer <token>",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if credentials is None and request.method not in READ_METHODS:
        csrf.check_api_request(request, settings.base_url)
    user = tokens.user_for_token(session, token, secret=settings.secret_key.get_secret_value())
    request.state.user = user
    if user.role == Role.admin:
        hub_guard.ensure_in_hub(session, HubScope.of(user), request.path_params)
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def require(*roles: Role) -> Callable[[User], Awaitable[User]]:
    async def check(user: CurrentUser) -> User:  # no I/O: no hop to the thread pool
        if user.role not in roles:
            raise Forbidden(f"This needs the {' or '.join(r.value for r in roles)} role")
        return user

    return check


AdminUser = Annotated[User, Depends(require(Role.admin))]
CustomerUser = Annotated[User, Depends(require(Role.customer))]
DeliveryUser = Annotated[User, Depends(require(Role.delivery_boy, Role.admin))]


def admin_scope(user: AdminUser) -> HubScope:
    """The hub the calling admin sees (all of them when not limited to one)."""
    return HubScope.of(user)


ScopeDep = Annotated[HubScope, Depends(admin_scope)]


def caller_scope(user: CurrentUser) -> HubScope:
    """The hub the caller sees, whoever it is (a customer's own records are narrowed apart)."""
    return HubScope.of(user)


CallerScope = Annotated[HubScope, Depends(caller_scope)]


def dairy_admin(user: AdminUser) -> User:
    """An admin of the whole dairy: a job that spans every hub (generation, a billing run or
    finalize, the day close) is refused to an admin limited to one (403 ``hub_limited_admin``)."""
    HubScope.of(user).ensure_unlimited("run a job of the whole dairy")
    return user


DairyAdmin = Annotated[User, Depends(dairy_admin)]


def get_actor(request: Request, user: CurrentUser) -> Actor:
    return actor_for(request, user)


ActorDep = Annotated[Actor, Depends(get_actor)]

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size")]
Cursor = Annotated[str | None, Query(max_length=200, description="next_cursor of the last page")]
IdFilter = Annotated[int | None, StrictId, Query(ge=1, le=MAX_ID)]


__all__ = [
    "DEFAULT_LIMIT",
    "ActorDep",
    "AdminUser",
    "CurrentUser",
    "Cursor",
    "CustomerUser",
    "DeliveryUser",
    "IdFilter",
    "Limit",
    "PathId",
    "ScopeDep",
    "SessionDep",
    "SettingsDep",
    "actor_for",
]
