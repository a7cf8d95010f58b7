from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from milkrun.auth.errors import UserNotFound
from milkrun.auth.models import Role, User
from milkrun.db.pagination import paginate


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise UserNotFound(f"There is no user {user_id}")
    return user


def user_by_username(session: Session, username: str) -> User | None:
    """``username`` is already normalized: an E.164 phone or a lower-case email."""
    column = User.email if "@" in username else User.phone
    return session.scalar(select(User).where(column == username))


def login_of_customer(session: Session, customer_id: int) -> User | None:
    return session.scalar(select(User).where(User.customer_id == customer_id))


def list_users(
    session: Session,
    *,
    limit: int,
    cursor: str | None,
    role: str | None = None,
    visible: ColumnElement[bool] | None = None,
) -> tuple[Sequence[User], str | None]:
    """Logins by id; ``visible``: the condition of those the caller may see (its hub's)."""
    statement = select(User)
    if visible is not None:
        statement = statement.where(visible)
    if role is not None:
        statement = statement.where(User.role == role)
    return paginate(session, statement, User.id, limit=limit, cursor=cursor)


STAFF_ROLES = ("admin", "delivery_boy")


def _staff(role: str | None, visible: ColumnElement[bool] | None) -> Select[User]:
    roles = [role] if role in STAFF_ROLES else list(STAFF_ROLES)
    statement = select(User).where(User.role.in_(roles))
    return statement if visible is None else statement.where(visible)


def list_staff(
    session: Session,
    *,
    limit: int,
    cursor: str | None,
    role: str | None = None,
    visible: ColumnElement[bool] | None = None,
) -> tuple[Sequence[User], str | None]:
    """Staff logins (admins and delivery boys; one of them with ``role``), by id; ``visible``:
    the condition of those the caller may see (its hub's)."""
    return paginate(session, _staff(role, visible), User.id, limit=limit, cursor=cursor)


def count_staff(
    session: Session, *, role: str | None = None, visible: ColumnElement[bool] | None = None
) -> int:
    statement = _staff(role, visible).subquery()
    return session.scalar(select(func.count()).select_from(statement)) or 0


def names_of(session: Session, user_ids: Iterable[int | None]) -> dict[int, User]:
    """The users with these ids (for showing names next to records that point at them)."""
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))}


def count_active_delivery_boys(session: Session) -> int:
    return int(
        session.scalar(select(func.count()).where(User.role == Role.delivery_boy, User.is_active))
        or 0
    )


def delivery_boy_names(session: Session) -> dict[int, str]:
    """Every delivery boy's name by id, those no longer active included (old routes name them)."""
    rows = session.execute(select(User.id, User.name).where(User.role == Role.delivery_boy))
    return dict(rows.all())


def active_delivery_boys(session: Session) -> Sequence[User]:
    """Every active delivery boy, by name: the choices of a form (all of them, never a page)."""
    return session.scalars(
        select(User).where(User.role == Role.delivery_boy, User.is_active).order_by(User.name)
    ).all()


def active_admins(session: Session) -> Sequence[User]:
    """Every active admin, by name: who may be limited to a hub (a handful, never a page)."""
    return session.scalars(
        select(User).where(User.role == Role.admin, User.is_active).order_by(User.name)
    ).all()
