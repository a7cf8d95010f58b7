"""Ending sessions: a password change (by an admin), a logout or a disabled login ends every
older token, on the API and on the pages alike; the last active admin cannot be disabled."""

from __future__ import annotations

import jwt
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from milkrun.http.deps import TOKEN_COOKIE
from tests import factories
from tests.conftest import TEST_SECRET
from tests.factories import PASSWORD, Login

ME = "/api/v1/auth/me"
LOGIN = "/api/v1/auth/login"


def _log_in(client: TestClient, user: Login, password: str = PASSWORD) -> str:
    response = client.post(LOGIN, json={"username": user.user.phone, "password": password})
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_password_change_by_an_admin_ends_the_old_tokens(
    client: TestClient, admin: Login, delivery_boy: Login
) -> None:
    old = _log_in(client, delivery_boy)
    assert client.get(ME, headers=_bearer(old)).status_code == 200

    changed = client.patch(
        f"/api/v1/users/{delivery_boy.user.id}",
        json={"password": "a-new-password-1"},
        headers=admin.headers,
    )
    assert changed.status_code == 200, changed.text

    refused = client.get(ME, headers=_bearer(old))
    assert refused.status_code == 401
    assert refused.json()["code"] == "token_revoked"
    new = _log_in(client, delivery_boy, "a-new-password-1")
    assert client.get(ME, headers=_bearer(new)).status_code == 200


def test_changing_ones_own_password_ends_the_other_tokens(
    client: TestClient, delivery_boy: Login
) -> None:
    other_device = _log_in(client, delivery_boy)
    wrong = client.post(
        "/api/v1/auth/password",
        json={"current_password": "not-it", "new_password": "a-new-password-1"},
        headers=delivery_boy.headers,
    )
    assert wrong.status_code == 401
    changed = client.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": "a-new-password-1"},
        headers=delivery_boy.headers,
    )
    assert changed.status_code == 200, changed.text
    for old in (other_device, delivery_boy.token):
        assert client.get(ME, headers=_bearer(old)).status_code == 401
    assert client.get(ME, headers=_bearer(changed.json()["access_token"])).status_code == 200
    assert _log_in(client, delivery_boy, "a-new-password-1")


def test_a_password_change_ends_the_page_session_too(
    client: TestClient, admin: Login, delivery_boy: Login
) -> None:
    client.cookies.set(TOKEN_COOKIE, _log_in(client, delivery_boy))
    assert client.get("/delivery", follow_redirects=False).status_code == 200
    client.patch(
        f"/api/v1/users/{delivery_boy.user.id}",
        json={"password": "a-new-password-1"},
        headers=admin.headers,
    )
    page = client.get("/delivery", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login")


def test_an_api_logout_ends_every_token_of_the_user(
    client: TestClient, delivery_boy: Login
) -> None:
    phone_token, laptop_token = _log_in(client, delivery_boy), _log_in(client, delivery_boy)
    assert client.post("/api/v1/auth/logout", headers=_bearer(phone_token)).status_code == 204
    for token in (phone_token, laptop_token):
        assert client.get(ME, headers=_bearer(token)).status_code == 401
    assert client.get(ME, headers=_bearer(_log_in(client, delivery_boy))).status_code == 200


def test_a_page_logout_ends_the_token_not_only_the_cookie(
    client: TestClient, delivery_boy: Login
) -> None:
    token = _log_in(client, delivery_boy)
    client.cookies.set(TOKEN_COOKIE, token)
    assert client.post("/logout", follow_redirects=False).status_code == 303
    # A copy of the cookie (a stolen one, another tab's) no longer works.
    assert client.get(ME, headers=_bearer(token)).status_code == 401


def test_disabling_and_enabling_a_login_does_not_revive_its_old_tokens(
    client: TestClient, admin: Login, delivery_boy: Login
) -> None:
    old = _log_in(client, delivery_boy)
    url = f"/api/v1/users/{delivery_boy.user.id}"
    assert client.patch(url, json={"is_active": False}, headers=admin.headers).status_code == 200
    assert client.patch(url, json={"is_active": True}, headers=admin.headers).status_code == 200
    assert client.get(ME, headers=_bearer(old)).status_code == 401


def test_a_token_without_a_version_is_refused(client: TestClient, admin: Login) -> None:
    claims = jwt.decode(admin.token, TEST_SECRET, algorithms=["HS256"])
    del claims["ver"]
    token = jwt.encode(claims, TEST_SECRET, algorithm="HS256")
    assert client.get(ME, headers=_bearer(token)).status_code == 401


def test_the_last_active_admin_cannot_disable_itself(
    client: TestClient, session: Session, admin: Login
) -> None:
    url = f"/api/v1/users/{admin.user.id}"
    response = client.patch(url, json={"is_active": False}, headers=admin.headers)
    assert response.status_code == 409, response.text
    assert response.json()["code"] == "last_admin"
    assert "last active admin" in response.json()["detail"]
    assert client.get(ME, headers=admin.headers).status_code == 200

    other = factories.login(session, factories.admin_user(session, name="Second"))
    assert client.patch(url, json={"is_active": False}, headers=other.headers).status_code == 200
    refused = client.patch(
        f"/api/v1/users/{other.user.id}", json={"is_active": False}, headers=other.headers
    )
    assert refused.status_code == 409
