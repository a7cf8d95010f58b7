"""Logins: staff logins, customer logins (for the customers domain, which makes and links
them: customers/logins.py), changing a login, and logging in."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.audit import service as audit
from milkrun.auth import passwords, queries, throttle, tokens
from milkrun.auth.errors import (
    CustomerHasLogin,
    InvalidCredentials,
    LastAdmin,
    LoginAlreadyLinked,
    LoginNotLinked,
    NoLogin,
    NotACustomerLogin,
    NoUsername,
    UsernameTaken,
)
from milkrun.auth.models import Role, User
from milkrun.auth.schemas import UserCreate, UserUpdate
from milkrun.errors import MilkrunError
from milkrun.phones import normalize_phone


def normalize_username(raw: str) -> str:
    """A username is an email (compared in lower case) or a phone in any format (E.164)."""
    raw = raw.strip()
    if "@" in raw:
        return raw.lower()
    return normalize_phone(raw)


def _ensure_username_free(
    session: Session, *, phone: str | None, email: str | None, except_id: int | None = None
) -> None:
    for username in (phone, email):
        if username is None:
            continue
        holder = queries.user_by_username(session, username)
        if holder is not None and holder.id != except_id:
            raise UsernameTaken(f"{username} is already the username of a login")


def _new_login(
    session: Session,
    *,
    role: Role,
    name: str,
    phone: str | None,
    email: str | None,
    password: str,
    customer_id: int | None = None,
) -> User:
    _ensure_username_free(session, phone=phone, email=email)
    user = User(
        role=role,
        name=name,
        phone=phone,
        email=email,
        password_hash=passwords.hash_password(password),
        customer_id=customer_id,
    )
    session.add(user)
    session.flush()
    return user


def new_customer_login(
    session: Session,
    customer_id: int,
    *,
    name: str,
    phone: str | None,
    email: str | None,
    password: str,
) -> User:
    """The login of customer ``customer_id``, not audited: the customers domain, which checks
    the customer and audits the whole, calls this. A customer has at most one login."""
    if queries.login_of_customer(session, customer_id) is not None:
        raise CustomerHasLogin(f"Customer {customer_id} already has a login")
    return _new_login(
        session,
        role=Role.customer,
        name=name,
        phone=phone,
        email=email,
        password=password,
        customer_id=customer_id,
    )


def create_staff(session: Session, data: UserCreate, actor: audit.Actor) -> User:
    user = _new_login(
        session,
        role=Role(data.role),
        name=data.name.strip(),
        phone=normalize_phone(data.phone) if data.phone else None,
        email=str(data.email).lower() if data.email else None,
        password=data.password,
    )
    audit.record(session, actor, "user.create", "user", user.id, after=audit.snapshot(user))
    return user


def update_user(session: Session, user_id: int, data: UserUpdate, actor: audit.Actor) -> User:
    user = queries.get_user(session, user_id)
    before = audit.snapshot(user)
    changes = data.changes()
    if "phone" in changes:
        changes["phone"] = normalize_phone(changes["phone"])
    if "email" in changes and changes["email"] is not None:
        changes["email"] = str(changes["email"]).lower()
    phone = changes.get("phone", user.phone)
    email = changes.get("email", user.email)
    if phone is None and email is None:
        raise NoUsername("A login needs a phone or an email")
    _ensure_username_free(session, phone=phone, email=email, except_id=user.id)
    if changes.get("is_active") and user.role == Role.customer and user.customer_id is None:
        raise LoginNotLinked(
            "An unlinked customer login cannot be enabled; link it to a customer",
        )
    if changes.get("is_active") is False and user.is_active and user.role == Role.admin:
        _keep_an_admin(session, user)
    password = changes.pop("password", None)
    if password is not None:
        user.password_hash = passwords.hash_password(password)
    if password is not None or (changes.get("is_active") is False and user.is_active):
        tokens.end_tokens(user)  # a new password or a disabled login ends the old sessions
    for field, value in changes.items():
        setattr(user, field, value)
    session.flush()
    after = audit.snapshot(user)
    if password is not None:
        after["password_changed"] = True
    audit.record(
        session,
        actor,
        "user.update",
        "user",
        user.id,
        before=before,
        after=after,
        customer_id=user.customer_id,
    )
    return user


def _keep_an_admin(session: Session, admin: User) -> None:
    """The last active admin cannot be disabled: nobody could manage the dairy any more.

    The active admins' rows are locked first (PostgreSQL; SQLite writers are serialized), so two
    admins disabling each other at once cannot both succeed."""
    others = session.scalars(
        select(User.id)
        .where(User.role == Role.admin, User.is_active, User.id != admin.id)
        .with_for_update()
    ).all()
    if not others:
        raise LastAdmin(
            f"{admin.name} is the last active admin and cannot be disabled; "
            "make another admin first"
        )


def change_own_password(
    session: Session,
    user: User,
    current_password: str,
    new_password: str,
    actor: audit.Actor,
    *,
    max_failures: int,
    lockout: dt.timedelta,
) -> None:
    """A user changes its own password, proving the current one (through the login throttle,
    so a stolen token cannot guess it); every older token of the user ends."""
    username = user.email or user.phone
    assert username is not None  # a login has one (CHECK has_username)
    authenticate(session, username, current_password, max_failures=max_failures, lockout=lockout)
    user.password_hash = passwords.hash_password(new_password)
    tokens.end_tokens(user)
    session.flush()
    audit.record(
        session,
        actor,
        "user.update",
        "user",
        user.id,
        after={"password_changed": True},
        customer_id=user.customer_id,
    )


def log_out(session: Session, user: User) -> None:
    """Logging out ends every session of the user, on every device."""
    tokens.end_tokens(user)
    session.flush()


def attach_to_customer(
    session: Session, user_id: int, customer_id: int, actor: audit.Actor
) -> User:
    """Link an unlinked customer login to customer ``customer_id``, which has none; linking
    enables it. The caller (the customers domain) has checked that the customer exists."""
    user = queries.get_user(session, user_id)
    if user.role != Role.customer:
        raise NotACustomerLogin(
            f"User {user_id} is staff ({user.role}), not a customer login",
        )
    if user.customer_id == customer_id:
        return user
    if user.customer_id is not None:
        raise LoginAlreadyLinked(
            f"User {user_id} is already the login of customer {user.customer_id}",
        )
    if queries.login_of_customer(session, customer_id) is not None:
        raise CustomerHasLogin(f"Customer {customer_id} already has a login")
    before = audit.snapshot(user)
    user.customer_id = customer_id
    user.is_active = True
    session.flush()
    audit.record(
        session,
        actor,
        "login.link",
        "user",
        user.id,
        before=before,
        after=audit.snapshot(user),
        customer_id=customer_id,
    )
    return user


def detach_from_customer(session: Session, customer_id: int, actor: audit.Actor) -> User:
    """Detach customer ``customer_id``'s login; the detached login is disabled until linked
    again. The caller (the customers domain) has checked that the customer exists."""
    user = queries.login_of_customer(session, customer_id)
    if user is None:
        raise NoLogin(f"Customer {customer_id} has no login")
    before = audit.snapshot(user)
    user.customer_id = None
    user.is_active = False
    session.flush()
    audit.record(
        session,
        actor,
        "login.unlink",
        "user",
        user.id,
        before=before,
        after=audit.snapshot(user),
        customer_id=customer_id,
    )
    return user


def authenticate(
    session: Session, username: str, password: str, *, max_failures: int, lockout: dt.timedelta
) -> User:
    """The user behind a username and password.

    Unknown usernames and wrong passwords fail alike (same message, same time, same throttle),
    so the answer does not reveal who has an account. The attempt is counted before the password
    is checked, and checked only within the limit: at most ``max_failures`` passwords are ever
    checked per username and lockout window, however many attempts race.
    """
    try:
        key = normalize_username(username)
    except MilkrunError:
        key = username.strip().lower()
    key = key[:254]  # lower() can lengthen some letters; the throttle's column holds 254
    throttle.count_attempt(session, key, max_failures=max_failures, window=lockout)
    user = queries.user_by_username(session, key)
    hash_to_check = user.password_hash if user is not None else None
    if not passwords.verify_password(password, hash_to_check) or user is None or not user.is_active:
        raise InvalidCredentials("Wrong username or password", keeps_changes=True)
    throttle.clear(session, key)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    session.flush()
    return user


def create_admin(
    session: Session,
    *,
    name: str,
    email: str | None,
    phone: str | None,
    password: str,
    actor: audit.Actor,
) -> User:
    data = UserCreate(role="admin", name=name, email=email, phone=phone, password=password)
    return create_staff(session, data, actor)
