from __future__ import annotations

from fastapi import APIRouter, status

from milkrun.api.deps import (
    DEFAULT_LIMIT,
    ActorDep,
    AdminUser,
    Cursor,
    Limit,
    PathId,
    ScopeDep,
    SessionDep,
)
from milkrun.auth import queries, service
from milkrun.auth.models import Role
from milkrun.auth.schemas import UserCreate, UserRead, UserUpdate
from milkrun.db.pagination import Page

router = APIRouter(prefix="/users", tags=["users"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=UserRead)
def create_user(
    body: UserCreate, _: AdminUser, scope: ScopeDep, actor: ActorDep, session: SessionDep
) -> object:
    """A staff login: an admin or a delivery boy (an admin of one hub: a delivery boy)."""
    scope.ensure_creates(body.role)
    return service.create_staff(session, body, actor)


@router.get("", response_model=Page[UserRead])
def list_users(
    _: AdminUser,
    scope: ScopeDep,
    session: SessionDep,
    role: Role | None = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[UserRead]:
    users, next_cursor = queries.list_users(
        session,
        limit=limit,
        cursor=cursor,
        role=role,
        visible=scope.staff_filter,
    )
    return Page[UserRead](
        items=[UserRead.model_validate(u) for u in users], next_cursor=next_cursor
    )


@router.get("/{user_id}", response_model=UserRead)
def get_user(user_id: PathId, _: AdminUser, scope: ScopeDep, session: SessionDep) -> object:
    return scope.ensure_staff(session, queries.get_user(session, user_id))


@router.patch("/{user_id}", response_model=UserRead)
def update_user(
    user_id: PathId,
    body: UserUpdate,
    _: AdminUser,
    scope: ScopeDep,
    actor: ActorDep,
    session: SessionDep,
) -> object:
    scope.ensure_staff(session, queries.get_user(session, user_id))
    return service.update_user(session, user_id, body, actor)
