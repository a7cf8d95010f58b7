"""Staff logins under a hub: an admin limited to one hub manages its delivery boys only. It once
could create an admin of every hub (and reset the owner's password) from the staff page or
`POST /users`: a way out of its hub."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun.auth.models import User
from milkrun.auth.passwords import verify_password
from milkrun.http.deps import TOKEN_COOKIE
from tests import factories
from tests.hubs.two_hubs import TwoHubs


def _boys(session: Session, hubs: TwoHubs) -> tuple[User, User, User]:
    """A delivery boy walking each hub's route, and a new one on no route."""
    east = factories.delivery_boy_user(session, name="East Boy", phone="9000000101")
    south = factories.delivery_boy_user(session, name="South Boy", phone="9000000102")
    new = factories.delivery_boy_user(session, name="New Boy", phone="9000000103")
    hubs.east.delivery_boy_id = east.id
    hubs.south.delivery_boy_id = south.id
    session.commit()
    return east, south, new


def _password_hash(session: Session, user: User) -> str | None:
    return session.scalar(select(User.password_hash).where(User.id == user.id))


def _api(session: Session, user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {factories.login(session, user).token}"}


def test_a_hubs_admin_lists_and_changes_its_delivery_boys_only_over_the_api(
    client: TestClient, session: Session, hubs: TwoHubs
) -> None:
    east, south, new = _boys(session, hubs)
    headers = _api(session, hubs.south_admin)
    listed = client.get("/api/v1/users?limit=100", headers=headers).json()["items"]
    assert {u["name"] for u in listed} == {"South Boy", "New Boy"}
    for other in (hubs.owner, east):
        assert client.get(f"/api/v1/users/{other.id}", headers=headers).status_code == 404
        answer = client.patch(
            f"/api/v1/users/{other.id}", json={"password": "taken-over-2026"}, headers=headers
        )
        assert answer.status_code == 404
    session.expire_all()
    assert not verify_password("taken-over-2026", _password_hash(session, hubs.owner))
    for own in (south, new):
        answer = client.patch(f"/api/v1/users/{own.id}", json={"name": "Renamed"}, headers=headers)
        assert answer.status_code == 200, answer.text
    # The owner sees and manages every login.
    everyone = client.get("/api/v1/users?limit=100", headers=_api(session, hubs.owner)).json()
    assert {"East Boy", "Jayanagar manager"} <= {u["name"] for u in everyone["items"]}


def test_a_hubs_admin_creates_no_admin(client: TestClient, session: Session, hubs: TwoHubs) -> None:
    headers = _api(session, hubs.south_admin)
    admins = session.scalar(select(func.count()).where(User.role == "admin"))
    body = {"name": "Sneaky", "email": "sneaky@example.in", "password": "sneaky-pass-2026"}
    refused = client.post("/api/v1/users", json=body | {"role": "admin"}, headers=headers)
    assert refused.status_code == 403
    assert refused.json()["code"] == "hub_limited_admin"
    assert session.scalar(select(func.count()).where(User.role == "admin")) == admins
    made = client.post("/api/v1/users", json=body | {"role": "delivery_boy"}, headers=headers)
    assert made.status_code == 201, made.text


def test_the_staff_pages_of_a_hubs_admin(
    client: TestClient, session: Session, hubs: TwoHubs
) -> None:
    east, south, _ = _boys(session, hubs)
    client.cookies.set(TOKEN_COOKIE, factories.login(session, hubs.south_admin).token)
    page = client.get("/admin/staff")
    assert "South Boy" in page.text
    assert "East Boy" not in page.text
    assert "Owner" not in page.text
    assert client.get(f"/admin/staff/{hubs.owner.id}").status_code == 404
    assert client.get(f"/admin/staff/{east.id}").status_code == 404
    taken = client.post(f"/admin/staff/{hubs.owner.id}/password", data={"password": "mine-2026!"})
    assert taken.status_code == 404
    session.expire_all()
    assert not verify_password("mine-2026!", _password_hash(session, hubs.owner))
    form = client.get("/admin/staff/new")
    assert 'value="admin"' not in form.text
    refused = client.post(
        "/admin/staff/new",
        data={"role": "admin", "name": "Sneaky", "email": "s@example.in", "password": "x" * 12},
    )
    assert refused.status_code == 403
    assert "create delivery boys&#39; logins only" in refused.text
    assert session.scalar(select(func.count()).where(User.name == "Sneaky")) == 0
    assert client.get(f"/admin/staff/{south.id}").status_code == 200


def test_a_hubs_admin_is_not_sent_to_the_dairys_gst_return(
    client: TestClient, session: Session, hubs: TwoHubs
) -> None:
    """The counter page linked the GST return, which answers a limited admin 403."""
    client.cookies.set(TOKEN_COOKIE, factories.login(session, hubs.south_admin).token)
    page = client.get("/admin/counter")
    assert page.status_code == 200
    assert 'href="/admin/billing/gstr1"' not in page.text
    client.cookies.set(TOKEN_COOKIE, factories.login(session, hubs.owner).token)
    assert 'href="/admin/billing/gstr1"' in client.get("/admin/counter").text
