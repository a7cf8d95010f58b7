"""Accounts over the API: sign-up, logging in by phone or email, tokens, and who am I."""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.auth import tokens
from milkrun.auth.models import User
from milkrun.customers.models import Customer
from tests import factories
from tests.conftest import TEST_SECRET
from tests.factories import PASSWORD, Login

REGISTER = "/api/v1/auth/register"
LOGIN = "/api/v1/auth/login"
ME = "/api/v1/auth/me"


def sign_up(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Asha Iyer",
        "phone": "98450 12345",
        "email": "Asha.Iyer@Example.com",
        "password": "a-long-enough-password",
        "address": "12 MG Road, Indiranagar",
        "area": "Indiranagar",
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not ...}


def _count(session: Session, model: type[Any]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


# --- registration -------------------------------------------------------------------------------


def test_register_creates_a_customer_and_its_linked_login(
    client: TestClient, session: Session
) -> None:
    response = client.post(REGISTER, json=sign_up())
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["customer"]["phone"] == "+919845012345"
    assert body["customer"]["email"] == "asha.iyer@example.com"
    assert body["customer"]["name"] == "Asha Iyer"
    assert body["user"]["role"] == "customer"
    assert body["user"]["customer_id"] == body["customer"]["id"]
    assert body["user"]["phone"] == "+919845012345"
    assert "password" not in response.text
    assert "password_hash" not in response.text

    user = session.get(User, body["user"]["id"])
    assert user is not None
    assert user.customer_id == body["customer"]["id"]
    assert user.is_active
    assert user.password_hash.startswith("$argon2id$")


def test_register_then_log_in(client: TestClient) -> None:
    assert client.post(REGISTER, json=sign_up()).status_code == 201
    response = client.post(
        LOGIN, json={"username": "9845012345", "password": sign_up()["password"]}
    )
    assert response.status_code == 200, response.text
    me = client.get(ME, headers={"Authorization": f"Bearer {response.json()['access_token']}"})
    assert me.json()["customer"]["name"] == "Asha Iyer"


def test_register_twice_with_one_phone_is_a_conflict(client: TestClient, session: Session) -> None:
    assert client.post(REGISTER, json=sign_up()).status_code == 201
    response = client.post(REGISTER, json=sign_up(email="other@example.com", phone="+919845012345"))
    assert response.status_code == 409, response.text
    assert response.json()["code"] == "phone_taken"
    assert _count(session, Customer) == 1


def test_register_is_one_transaction(client: TestClient, session: Session) -> None:
    """The customer is written first; when its login then fails, neither stays."""
    factories.delivery_boy_user(session, phone="+919845012345")
    customers_before, users_before = _count(session, Customer), _count(session, User)
    response = client.post(REGISTER, json=sign_up())
    assert response.status_code == 409, response.text
    assert response.json()["code"] == "username_taken"
    assert _count(session, Customer) == customers_before
    assert _count(session, User) == users_before
    assert session.scalar(select(Customer).where(Customer.phone == "+919845012345")) is None


@pytest.mark.parametrize("phone", ["12345", "98450", "+1 555 0100", "not a phone"])
def test_register_with_an_invalid_phone_is_refused(
    client: TestClient, session: Session, phone: str
) -> None:
    response = client.post(REGISTER, json=sign_up(phone=phone))
    assert response.status_code in (400, 422), response.text
    if response.status_code == 400:
        assert response.json()["code"] == "invalid_phone"
    assert _count(session, Customer) == 0


def test_register_with_an_invalid_phone_is_400(client: TestClient) -> None:
    response = client.post(REGISTER, json=sign_up(phone="12345"))
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_phone"
    assert "12345" in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (sign_up(role="admin"), "role"),
        (sign_up(password="short"), "password"),
        (sign_up(name="   "), "name"),
        (sign_up(address=""), "address"),
        (sign_up(email="not-an-email"), "email"),
        (sign_up(phone=...), "phone"),
    ],
)
def test_register_with_a_malformed_body_is_422(
    client: TestClient, session: Session, body: dict[str, Any], field: str
) -> None:
    response = client.post(REGISTER, json=body)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "validation_failed"
    assert field in problem["detail"]
    assert _count(session, Customer) == 0
    assert _count(session, User) == 0


# --- logging in ---------------------------------------------------------------------------------


@pytest.fixture
def registered(client: TestClient) -> dict[str, Any]:
    response = client.post(REGISTER, json=sign_up())
    assert response.status_code == 201
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize(
    "username",
    [
        "98450 12345",
        "+91 98450-12345",
        "09845012345",
        "+919845012345",
        "9845012345",
        "asha.iyer@example.com",
        "ASHA.IYER@EXAMPLE.COM",
        "  Asha.Iyer@Example.com ",
    ],
)
def test_log_in_by_phone_in_any_format_or_email_in_any_case(
    client: TestClient, registered: dict[str, Any], username: str
) -> None:
    response = client.post(LOGIN, json={"username": username, "password": sign_up()["password"]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    me = client.get(ME, headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["id"] == registered["user"]["id"]


def test_unknown_user_and_wrong_password_fail_alike(
    client: TestClient, registered: dict[str, Any]
) -> None:
    wrong_password = client.post(
        LOGIN, json={"username": "9845012345", "password": "not-the-password"}
    )
    unknown_user = client.post(
        LOGIN, json={"username": "9845099999", "password": "not-the-password"}
    )
    unknown_email = client.post(
        LOGIN, json={"username": "nobody@example.com", "password": "not-the-password"}
    )
    not_a_phone = client.post(LOGIN, json={"username": "zzz", "password": "not-the-password"})
    answers = [wrong_password, unknown_user, unknown_email, not_a_phone]
    assert {r.status_code for r in answers} == {401}
    assert len({(r.json()["code"], r.json()["detail"], r.json()["title"]) for r in answers}) == 1
    assert wrong_password.json()["code"] == "invalid_credentials"


@pytest.mark.parametrize(
    "body",
    [{}, {"username": "x"}, {"username": "x", "password": "y", "remember": True}, []],
)
def test_malformed_login_is_422(client: TestClient, body: Any) -> None:
    response = client.post(LOGIN, json=body)
    assert response.status_code == 422, response.text


def test_a_disabled_login_cannot_log_in(
    client: TestClient, session: Session, registered: dict[str, Any]
) -> None:
    user = session.get(User, registered["user"]["id"])
    assert user is not None
    user.is_active = False
    session.flush()
    response = client.post(
        LOGIN, json={"username": "9845012345", "password": sign_up()["password"]}
    )
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"


# --- tokens ---------------------------------------------------------------------------------------


def test_no_token_is_401(client: TestClient) -> None:
    response = client.get(ME)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response.headers["www-authenticate"] == "Bearer"


def test_an_expired_token_is_401_token_expired(client: TestClient, admin: Login) -> None:
    clock.freeze(dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC))
    token = tokens.issue_token(admin.user, secret=TEST_SECRET, minutes=30)
    headers = {"Authorization": f"Bearer {token}"}
    clock.freeze(dt.datetime(2026, 12, 1, 8, 29, tzinfo=dt.UTC))
    assert client.get(ME, headers=headers).status_code == 200
    clock.freeze(dt.datetime(2026, 12, 1, 8, 30, tzinfo=dt.UTC))
    response = client.get(ME, headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"


def test_tokens_follow_the_business_clock_not_the_wall_clock(
    client: TestClient, admin: Login
) -> None:
    """With the clock set a year back (tests, the demo), a fresh token is valid."""
    clock.freeze(dt.datetime(2025, 6, 1, 8, 0, tzinfo=dt.UTC))
    response = client.post(LOGIN, json={"username": admin.user.phone, "password": PASSWORD})
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    assert client.get(ME, headers={"Authorization": f"Bearer {token}"}).status_code == 200


def _claims(user_id: int, **changes: Any) -> dict[str, Any]:
    now = int(clock.now().timestamp())
    claims: dict[str, Any] = {
        "sub": str(user_id),
        "role": "admin",
        "ver": 0,
        "iat": now,
        "exp": now + 600,
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not ...}


def _quietly_encode(claims: dict[str, Any], key: str, algorithm: str) -> str:
    """PyJWT warns that the test secret is short for HS512; the token is forged on purpose."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return jwt.encode(claims, key, algorithm=algorithm)


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda uid: jwt.encode(_claims(uid), None, algorithm="none"), id="alg-none"),
        pytest.param(
            lambda uid: jwt.encode(_claims(uid), "another-secret-" * 4, algorithm="HS256"),
            id="other-secret",
        ),
        pytest.param(
            lambda uid: _quietly_encode(_claims(uid), TEST_SECRET, algorithm="HS512"),
            id="other-algorithm",
        ),
        pytest.param(
            lambda uid: jwt.encode(_claims(uid, exp=...), TEST_SECRET, algorithm="HS256"),
            id="no-expiry",
        ),
        pytest.param(
            lambda uid: jwt.encode(_claims(uid, sub="admin"), TEST_SECRET, algorithm="HS256"),
            id="bad-subject",
        ),
        pytest.param(lambda uid: "not.a.token", id="garbage"),
    ],
)
def test_forged_or_malformed_tokens_are_refused(
    client: TestClient, admin: Login, make_token: Any
) -> None:
    token = make_token(admin.user.id)
    response = client.get(ME, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401, response.text
    assert response.json()["code"] == "invalid_token"


def test_a_token_of_a_disabled_user_is_401(
    client: TestClient, session: Session, delivery_boy: Login
) -> None:
    assert client.get(ME, headers=delivery_boy.headers).status_code == 200
    delivery_boy.user.is_active = False
    session.flush()
    response = client.get(ME, headers=delivery_boy.headers)
    assert response.status_code == 401
    assert response.json()["code"] == "login_disabled"


# --- who am I -----------------------------------------------------------------------------------


def test_me_of_a_customer_carries_its_customer(
    client: TestClient, session: Session, customer: Login
) -> None:
    response = client.get(ME, headers=customer.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["role"] == "customer"
    assert body["customer_id"] == customer.user.customer_id
    assert body["customer"]["id"] == customer.user.customer_id
    linked = session.get(Customer, customer.user.customer_id)
    assert linked is not None
    assert body["customer"]["name"] == linked.name
    assert "password_hash" not in body


def test_me_of_staff_has_no_customer(client: TestClient, delivery_boy: Login) -> None:
    body = client.get(ME, headers=delivery_boy.headers).json()
    assert body["role"] == "delivery_boy"
    assert body["customer_id"] is None
    assert body["customer"] is None
