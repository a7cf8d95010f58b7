"""Logins of the old system: staff as they were, each customer login linked to the one customer
with its phone or email (else imported disabled and unlinked), old argon2id hashes kept, and no
password invented where there is none."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.auth import passwords
from milkrun.auth.models import User
from milkrun.customers.models import Customer
from milkrun.legacy.reference import NO_PASSWORD
from tests import factories
from tests.legacy.conftest import RunImport
from tests.legacy.export import Export, dairy

OLD_HASH_OF = "old-password-2025"


def _user(session: Session, phone: str | None = None, email: str | None = None) -> User:
    column, value = (User.phone, phone) if phone else (User.email, email)
    user = session.scalar(select(User).where(column == value))
    assert user is not None
    return user


def _customer(session: Session, phone: str) -> Customer:
    customer = session.scalar(select(Customer).where(Customer.phone == phone))
    assert customer is not None
    return customer


def test_customer_logins_are_linked_by_phone_or_email(
    session: Session, run_import: RunImport
) -> None:
    old_hash = passwords.hash_password(OLD_HASH_OF)
    export = (
        dairy()
        .customer("c-3", "98450 10003", email="Meera@Example.in")
        .customer("c-4", "98450 10004", email="family@example.in")
        .customer("c-5", "98450 10005", email="family@example.in")
        .user("u-phone", phone="+91-98450-10001", password_hash=old_hash)  # c-1, another format
        .user("u-email", email="MEERA@example.IN")  # c-3 by email
        .user("u-nobody", phone="98450 19999", password_hash=old_hash)
        .user("u-family", email="family@example.in")  # c-4 and c-5
        .user("u-again", email="c1@example.in", phone="9845010002")  # c-2 ...
        .user("u-twice", phone="+919845010099", email="c2-other@example.in")
    )
    factories.customer(session, phone_number="+919845010002")  # ... shares the phone
    report = run_import(export)

    asha, meera = _customer(session, "+919845010001"), _customer(session, "+919845010003")
    linked = _user(session, phone="+919845010001")
    assert (linked.role, linked.customer_id, linked.is_active) == ("customer", asha.id, True)
    assert passwords.verify_password(OLD_HASH_OF, linked.password_hash)  # the old hash works
    by_email = _user(session, email="meera@example.in")
    assert (by_email.customer_id, by_email.is_active) == (meera.id, True)
    assert by_email.password_hash == NO_PASSWORD
    for unlinked in (
        _user(session, phone="+919845019999"),
        _user(session, email="family@example.in"),
        _user(session, phone="+919845010002"),
        _user(session, phone="+919845010099"),
    ):
        assert (unlinked.customer_id, unlinked.is_active) == (None, False)

    repairs = report.repairs
    assert repairs.logins_linked == 2
    assert repairs.logins_unlinked == ["u-nobody", "u-family", "u-again", "u-twice"]
    assert repairs.logins_without_password == ["u-email", "u-family", "u-again", "u-twice"]
    codes = {n.legacy_id: n.code for n in report.notices if n.code != "no_password"}
    assert codes == {
        "c-2": "phone_taken",
        "u-nobody": "no_customer",
        "u-family": "several_customers",
        "u-again": "several_customers",
        "u-twice": "no_customer",
    }
    assert report.counts("users").created == 6


def test_a_customer_keeps_the_login_it_has(session: Session, run_import: RunImport) -> None:
    """Two old logins of one customer: the first is linked, the second is not. A customer who
    signed up in milkrun already: its login (the same username) stands for the old one."""
    signed_up = factories.customer_user(session, phone_number="+919845010007")
    export = (
        dairy()
        .customer("c-3", "98450 10003", email="meera@example.in")
        .user("u-phone", phone="98450 10003")
        .user("u-email", email="meera@example.in")
        .user("u-signed-up", phone="98450 10007")
    )

    report = run_import(export)

    meera = _customer(session, "+919845010003")
    assert _user(session, phone="+919845010003").customer_id == meera.id
    second = _user(session, email="meera@example.in")
    assert (second.customer_id, second.is_active) == (None, False)
    assert report.repairs.logins_unlinked == ["u-email"]
    (notice,) = (n for n in report.notices if n.legacy_id == "u-email" and n.code != "no_password")
    assert notice.code == "customer_has_login"
    assert f"customer #{meera.id} has a login already" in notice.detail
    users = report.counts("users")
    assert (users.created, users.existing) == (2, 1)
    assert run_import(export).nothing_new
    assert _user(session, phone="+919845010007").id == signed_up.id


def test_a_login_without_a_usable_argon2id_hash_cannot_log_in(
    session: Session, run_import: RunImport
) -> None:
    bcrypt = "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"
    argon2i = "$argon2i$v=19$m=16,t=2,p=1$c29tZXNhbHQ$WVDOfucSPAey3UEzzqLtBw"
    export = (
        Export()
        .user("u-1", role="delivery_boy", phone="9000020001", password_hash=bcrypt)
        .user("u-2", role="delivery_boy", phone="9000020002", password_hash=argon2i)
        .user("u-3", role="admin", email="owner@example.in", password_hash="")
    )

    report = run_import(export)

    assert report.repairs.logins_without_password == ["u-1", "u-2", "u-3"]
    for user in (
        _user(session, phone="+919000020001"),
        _user(session, phone="+919000020002"),
        _user(session, email="owner@example.in"),
    ):
        assert user.password_hash == NO_PASSWORD
        assert user.is_active  # staff keep their state; they need a password set
        assert not passwords.verify_password("", user.password_hash)
        assert not passwords.verify_password("!", user.password_hash)


def test_a_username_the_database_has(session: Session, run_import: RunImport) -> None:
    """The same role: that login stands for the document. Another role: skipped."""
    boy = factories.delivery_boy_user(session, phone="+919000020001")
    admin = factories.admin_user(session, phone="+919000020009")
    export = (
        Export()
        .user("u-boy", role="delivery_boy", phone="90000 20001")
        .user("u-clash", role="delivery_boy", phone="9000020009")
        .user("u-dup", role="delivery_boy", phone="09000020001")
    )

    report = run_import(export)
    again = run_import(export)

    users = report.counts("users")
    assert (users.created, users.existing, users.skipped) == (0, 1, 2)
    assert {n.legacy_id: n.code for n in report.notices} == {
        "u-clash": "username_taken",
        "u-dup": "duplicate_username",
    }
    assert f"login #{admin.id} (admin)" in report.notices[0].detail
    assert report.notices[1].detail == "same phone or email as u-boy"
    assert _user(session, phone="+919000020001").id == boy.id
    users_again = again.counts("users")
    assert (users_again.already_imported, users_again.skipped) == (1, 2)
    assert again.nothing_new
