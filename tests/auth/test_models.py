"""The database itself refuses logins that break the users ↔ customers link (DESIGN.md)."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from milkrun.auth.models import Role, User
from tests import factories


def _insert(session: Session, **values: object) -> None:
    values.setdefault("phone", factories.phone())
    user = User(name="Direct", password_hash="x", **values)
    with session.begin_nested():
        session.add(user)
        session.flush()


def test_an_active_customer_login_without_a_customer_is_refused(session: Session) -> None:
    with pytest.raises(IntegrityError, match="customer_link"):
        _insert(session, role=Role.customer, customer_id=None, is_active=True)


def test_staff_with_a_customer_is_refused(session: Session) -> None:
    customer = factories.customer(session)
    for role in (Role.admin, Role.delivery_boy):
        with pytest.raises(IntegrityError, match="customer_link"):
            _insert(session, role=role, customer_id=customer.id, is_active=True)


def test_two_logins_for_one_customer_are_refused(session: Session) -> None:
    login = factories.customer_user(session)
    with pytest.raises(IntegrityError):
        _insert(session, role=Role.customer, customer_id=login.customer_id, is_active=True)


def test_an_unknown_role_and_a_login_without_username_are_refused(session: Session) -> None:
    with pytest.raises(IntegrityError, match="role"):
        _insert(session, role="owner", is_active=True)
    with pytest.raises(IntegrityError, match="has_username"):
        _insert(session, role=Role.admin, phone=None, is_active=True)


def test_the_allowed_shapes(session: Session) -> None:
    """A linked customer login, staff, and a disabled unlinked customer login (an admin
    unlinked it, or it awaits matching) are all accepted."""
    customer = factories.customer(session)
    _insert(session, role=Role.customer, customer_id=customer.id, is_active=True)
    _insert(session, role=Role.delivery_boy, customer_id=None, is_active=True)
    _insert(session, role=Role.customer, customer_id=None, is_active=False)
