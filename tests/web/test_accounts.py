"""The login form without a browser: where it sends you, and what it refuses."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.auth.models import LoginThrottle
from tests.factories import PASSWORD, Login


def _log_in(client: TestClient, login: Login, next_page: str | None) -> str:
    data = {"username": login.user.phone or "", "password": PASSWORD}
    if next_page is not None:
        data["next"] = next_page
    response = client.post("/login", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text
    location: str = response.headers["location"]
    return location


def test_login_goes_home_or_to_the_page_asked_for(client: TestClient, admin: Login) -> None:
    assert _log_in(client, admin, None) == "/admin"
    assert _log_in(client, admin, "/admin/customers?q=asha") == "/admin/customers?q=asha"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "/\\/evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "",
    ],
)
def test_login_never_sends_you_to_another_site(
    client: TestClient, admin: Login, target: str
) -> None:
    assert _log_in(client, admin, target) == "/admin"


def test_the_login_form_does_not_echo_a_foreign_next(client: TestClient) -> None:
    page = client.get("/login", params={"next": "//evil.example"})
    assert page.status_code == 200
    assert "evil.example" not in page.text


def test_a_wrong_password_rerenders_the_form_with_401(client: TestClient, admin: Login) -> None:
    page = client.post("/login", data={"username": admin.user.phone, "password": "nope"})
    assert page.status_code == 401
    assert "Wrong username or password" in page.text
    assert "milkrun_token" not in page.headers.get("set-cookie", "")


def test_the_session_cookie_is_http_only_and_same_site(client: TestClient, admin: Login) -> None:
    response = client.post(
        "/login", data={"username": admin.user.phone, "password": PASSWORD}, follow_redirects=False
    )
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=strict" in cookie


def test_a_wrong_password_on_the_form_is_counted(
    client: TestClient, admin: Login, session: Session
) -> None:
    """The page answers the failure itself (401, the form again), and its count is kept."""
    phone = admin.user.phone
    for _ in range(2):
        page = client.post("/login", data={"username": phone, "password": "nope"})
        assert page.status_code == 401
    failures = session.scalar(select(LoginThrottle.failures).where(LoginThrottle.username == phone))
    assert failures == 2
