"""Repeated failed logins for one account are throttled in the database, so the limit holds for
every process of the app, and a success clears the count."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.auth import passwords, service
from milkrun.config import Settings
from milkrun.db.session import Database
from milkrun.errors import MilkrunError
from tests import factories
from tests.conftest import make_client
from tests.factories import PASSWORD, Login

LOGIN = "/api/v1/auth/login"
NOON = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


def _attempt(client: TestClient, username: str, password: str) -> httpx.Response:
    response: httpx.Response = client.post(LOGIN, json={"username": username, "password": password})
    return response


def test_five_failures_lock_the_account_with_retry_after(
    client: TestClient, delivery_boy: Login, settings: Settings
) -> None:
    clock.freeze(NOON)
    phone = delivery_boy.user.phone
    assert phone is not None
    for _ in range(settings.login_max_failures):
        assert _attempt(client, phone, "wrong-password").status_code == 401

    locked = _attempt(client, phone, PASSWORD)  # even the right password, while locked
    assert locked.status_code == 429, locked.text
    assert locked.json()["code"] == "login_throttled"
    assert locked.headers["retry-after"] == str(settings.login_lockout_minutes * 60)
    assert locked.headers["content-type"] == "application/problem+json"

    # The lock is per account (not per formatting of its username) ...
    assert _attempt(client, phone.removeprefix("+91"), PASSWORD).status_code == 429
    # ... and does not touch other accounts.
    assert _attempt(client, "nobody@example.com", "wrong-password").status_code == 401

    clock.freeze(NOON + dt.timedelta(minutes=settings.login_lockout_minutes, seconds=1))
    assert _attempt(client, phone, PASSWORD).status_code == 200


def test_unknown_usernames_are_throttled_too(client: TestClient, settings: Settings) -> None:
    """Otherwise the 429 would tell which usernames exist."""
    for _ in range(settings.login_max_failures):
        assert _attempt(client, "ghost@example.com", "guess").status_code == 401
    assert _attempt(client, "ghost@example.com", "guess").status_code == 429


def test_a_success_clears_the_count(
    client: TestClient, delivery_boy: Login, settings: Settings
) -> None:
    phone = delivery_boy.user.phone
    assert phone is not None
    for _round in range(3):
        for _ in range(settings.login_max_failures - 1):
            assert _attempt(client, phone, "wrong-password").status_code == 401
        assert _attempt(client, phone, PASSWORD).status_code == 200


def test_failures_spaced_wider_than_the_window_do_not_add_up(
    client: TestClient, delivery_boy: Login, settings: Settings
) -> None:
    phone = delivery_boy.user.phone
    assert phone is not None
    window = dt.timedelta(minutes=settings.login_lockout_minutes)
    clock.freeze(NOON)
    for _ in range(settings.login_max_failures - 1):
        assert _attempt(client, phone, "wrong-password").status_code == 401
    clock.freeze(NOON + window + dt.timedelta(seconds=1))
    assert _attempt(client, phone, "wrong-password").status_code == 401
    assert _attempt(client, phone, PASSWORD).status_code == 200


@pytest.fixture
def second_database(database_url: str) -> Iterator[Database]:
    """Another process's view of the same database: its own engine and connections."""
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.mark.committed
def test_the_lock_holds_across_processes(
    committed_database: Database, second_database: Database, settings: Settings
) -> None:
    with committed_database.session_scope() as session:
        user = factories.delivery_boy_user(session)
        phone = user.phone
    assert phone is not None
    clock.freeze(NOON)
    with (
        make_client(settings, committed_database) as first,
        make_client(settings, second_database) as second,
    ):
        # Failures alternate between two apps with separate engines; together they lock.
        for n in range(settings.login_max_failures):
            app = first if n % 2 else second
            assert _attempt(app, phone, "wrong-password").status_code == 401
        for app in (first, second):
            response = _attempt(app, phone, PASSWORD)
            assert response.status_code == 429, response.text
            assert int(response.headers["retry-after"]) == settings.login_lockout_minutes * 60


@pytest.mark.committed
def test_a_failure_is_counted_even_though_the_login_fails(
    committed_database: Database, settings: Settings
) -> None:
    """The failed request answers 401, and its count is committed, not rolled back."""
    with committed_database.session_scope() as session:
        phone = factories.delivery_boy_user(session).phone
    assert phone is not None
    with make_client(settings, committed_database) as client:
        assert _attempt(client, phone, "wrong-password").status_code == 401
    with committed_database.session_scope(write=False) as session:
        from milkrun.auth.models import LoginThrottle

        row = session.get(LoginThrottle, phone)
        assert row is not None
        assert row.failures == 1


def test_the_page_login_shares_the_throttle(
    client: TestClient, delivery_boy: Login, settings: Settings, session: Session
) -> None:
    phone = delivery_boy.user.phone
    assert phone is not None
    for _ in range(settings.login_max_failures):
        page = client.post(
            "/login", data={"username": phone, "password": "nope"}, follow_redirects=False
        )
        assert page.status_code == 401
    assert _attempt(client, phone, PASSWORD).status_code == 429
    page = client.post("/login", data={"username": phone, "password": PASSWORD})
    assert page.status_code == 429
    assert "Too many failed logins" in page.text
    assert 0 < int(page.headers["retry-after"]) <= settings.login_lockout_minutes * 60


@pytest.mark.committed
def test_racing_guesses_never_check_more_passwords_than_the_limit(
    committed_database: Database,
    second_database: Database,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Sixty wrong passwords at once, through two "processes" (engines): the count comes first,
    in the database, so at most the limit of them are ever checked."""
    with committed_database.session_scope() as session:
        phone = factories.delivery_boy_user(session).phone
    assert phone is not None
    checked: list[str] = []
    real_verify = passwords.verify_password

    def slow_verify(password: str, password_hash: str | None) -> bool:
        checked.append(password)
        time.sleep(0.02)  # widens the gap between counting and checking a racing guess
        return real_verify(password, password_hash)

    monkeypatch.setattr(passwords, "verify_password", slow_verify)
    lockout = dt.timedelta(minutes=settings.login_lockout_minutes)

    def guess(n: int) -> str:
        database = committed_database if n % 2 else second_database
        try:
            with database.session_scope() as session:
                service.authenticate(
                    session,
                    phone,
                    f"wrong-{n}",
                    max_failures=settings.login_max_failures,
                    lockout=lockout,
                )
        except MilkrunError as exc:
            return exc.code
        return "logged_in"

    with ThreadPoolExecutor(max_workers=12) as pool:
        codes = list(pool.map(guess, range(60)))

    assert len(checked) <= settings.login_max_failures
    assert codes.count("invalid_credentials") == len(checked)
    assert codes.count("login_throttled") == 60 - len(checked)
