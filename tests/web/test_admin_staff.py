"""The owner's staff logins (/admin/staff): the list with its count, a new delivery boy, a new
password, disabling a login (saying which routes lose their walker); bad input re-renders with
the typed values and changes nothing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun.auth import passwords
from milkrun.auth.models import User
from milkrun.http.deps import TOKEN_COOKIE
from tests import factories
from tests.factories import Login


@pytest.fixture
def admin_client(client: TestClient, admin: Login) -> TestClient:
    client.cookies.set(TOKEN_COOKIE, admin.token)
    return client


def _users(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)) or 0


def test_the_list_counts_staff_and_names_their_routes(
    admin_client: TestClient, session: Session
) -> None:
    boy = factories.delivery_boy_user(session, name="Ravi Kumar")
    factories.route(session, delivery_boy=boy, name="Indiranagar North")
    factories.customer_user(session, name="Asha Iyer")  # a customer login is not staff

    everyone = admin_client.get("/admin/staff")
    boys = admin_client.get("/admin/staff?role=delivery_boy")

    assert "Showing 2 of 2 logins" in everyone.text  # the admin and Ravi
    assert "Asha Iyer" not in everyone.text
    assert "Showing 1 of 1 login" in boys.text
    assert "Indiranagar North" in boys.text


def test_adding_a_delivery_boy_who_can_then_log_in(
    admin_client: TestClient, session: Session
) -> None:
    page = admin_client.post(
        "/admin/staff/new",
        data={
            "role": "delivery_boy",
            "name": "Suresh",
            "phone": "98450 11111",
            "email": "",
            "password": "walks-early",
        },
    )

    assert page.status_code == 200
    assert "Login added." in page.text
    user = session.scalars(select(User).where(User.name == "Suresh")).one()
    assert (user.role, user.phone) == ("delivery_boy", "+919845011111")
    assert passwords.verify_password("walks-early", user.password_hash)


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"password": "short"}, 400, "The password needs 8 to 128 characters"),
        ({"name": ""}, 400, "Give a name"),
        ({"phone": "", "email": ""}, 400, "Check what you typed"),
        ({"phone": "taken"}, 409, "is already the username of a login"),
        ({"phone": "12"}, 400, "Give a phone number"),
    ],
)
def test_a_refused_new_login_keeps_the_form_and_adds_nobody(
    admin_client: TestClient, session: Session, change: dict[str, str], status: int, message: str
) -> None:
    other = factories.delivery_boy_user(session, name="Ravi")
    form = {
        "role": "delivery_boy",
        "name": "Suresh",
        "phone": "98450 11111",
        "email": "",
        "password": "walks-early",
        **change,
    }
    if form["phone"] == "taken":
        form["phone"] = str(other.phone)
    before = _users(session)

    page = admin_client.post("/admin/staff/new", data=form)

    assert page.status_code == status
    assert message in page.text
    assert f'value="{form["name"]}"' in page.text
    assert "walks-early" not in page.text  # a password is never sent back
    assert _users(session) == before


def test_a_new_password_replaces_the_old_one(admin_client: TestClient, session: Session) -> None:
    boy = factories.delivery_boy_user(session, name="Ravi")

    page = admin_client.post(f"/admin/staff/{boy.id}/password", data={"password": "new-secret-1"})
    assert "New password saved." in page.text
    session.refresh(boy)
    assert passwords.verify_password("new-secret-1", boy.password_hash)

    short = admin_client.post(f"/admin/staff/{boy.id}/password", data={"password": "x"})
    assert short.status_code == 400
    assert "The password needs 8 to 128 characters" in short.text
    session.refresh(boy)
    assert passwords.verify_password("new-secret-1", boy.password_hash)


def test_disabling_a_delivery_boy_says_which_routes_lose_their_walker(
    admin_client: TestClient, session: Session
) -> None:
    boy = factories.delivery_boy_user(session, name="Ravi")
    factories.route(session, delivery_boy=boy, name="Indiranagar North")
    factories.route(session, delivery_boy=boy, name="Domlur")

    before = admin_client.get(f"/admin/staff/{boy.id}")
    assert "leaves <strong>Domlur, Indiranagar North</strong> without a walker" in before.text

    page = admin_client.post(f"/admin/staff/{boy.id}/active", data={"active": "no"})

    assert "Login disabled." in page.text
    assert "Domlur, Indiranagar North have lost their walker" in page.text
    session.refresh(boy)
    assert boy.is_active is False
    routes = admin_client.get("/admin/routes")
    assert "login disabled" in routes.text

    admin_client.post(f"/admin/staff/{boy.id}/active", data={"active": "yes"})
    session.refresh(boy)
    assert boy.is_active is True


def test_an_admin_cannot_disable_himself_nor_open_a_customer_as_staff(
    admin_client: TestClient, session: Session, admin: Login
) -> None:
    page = admin_client.post(f"/admin/staff/{admin.user.id}/active", data={"active": "no"})
    assert page.status_code == 400
    assert "You cannot disable your own login" in page.text
    session.refresh(admin.user)
    assert admin.user.is_active

    customer = factories.customer_user(session, name="Asha")
    assert admin_client.get(f"/admin/staff/{customer.id}").status_code == 404
    changed = admin_client.post(f"/admin/staff/{customer.id}/password", data={"password": "x" * 10})
    assert changed.status_code == 404


def test_editing_a_login_and_a_taken_phone(admin_client: TestClient, session: Session) -> None:
    boy = factories.delivery_boy_user(session, name="Ravi")
    other = factories.delivery_boy_user(session, name="Suresh")

    page = admin_client.post(
        f"/admin/staff/{boy.id}", data={"name": "Ravi K", "phone": "", "email": ""}
    )
    assert "Saved." in page.text
    session.refresh(boy)
    assert boy.name == "Ravi K"

    taken = admin_client.post(
        f"/admin/staff/{boy.id}",
        data={"name": "Ravi Kumar", "phone": str(other.phone), "email": ""},
    )
    assert taken.status_code == 409
    assert 'value="Ravi Kumar"' in taken.text
    session.refresh(boy)
    assert boy.name == "Ravi K"
