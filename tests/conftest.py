"""The test harness: one migrated database per run (SQLite or PostgreSQL, ``--db``), each test in
a transaction that is rolled back, and clients for the API with a token per role."""

from __future__ import annotations

import os
import re
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.app import create_app
from milkrun.auth import passwords
from milkrun.config import Settings
from milkrun.db import migrate
from milkrun.db.base import Base
from milkrun.db.engine import make_engine
from milkrun.db.session import Database
from tests import factories

TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=["sqlite", "postgresql"],
        default="sqlite",
        help="the database the suite runs on",
    )


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing() -> Iterator[None]:
    """argon2id with its production cost makes a 200-login suite slow; the algorithm is kept."""
    original = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    passwords._hasher = original


@pytest.fixture(autouse=True)
def _release_clock() -> Iterator[None]:
    yield
    clock.freeze(None)


def _postgres_admin_url() -> str:
    url = os.environ.get("MILKRUN_TEST_POSTGRES_URL")
    if not url:
        pytest.exit("--db postgresql needs MILKRUN_TEST_POSTGRES_URL", returncode=2)
    return url.replace("postgresql+psycopg://", "postgresql://")


@pytest.fixture(scope="session")
def db_kind(request: pytest.FixtureRequest) -> str:
    kind: str = request.config.getoption("--db")
    return kind


@pytest.fixture(scope="session")
def new_database_url(db_kind: str) -> Iterator[object]:
    """A factory of empty databases of the kind under test, dropped at the end of the run."""
    made: list[str] = []
    tmp = Path(tempfile.mkdtemp(prefix="milkrun-test-"))

    def make() -> str:
        if db_kind == "sqlite":
            return f"sqlite:///{tmp / f'{uuid.uuid4().hex[:8]}.db'}"
        name = f"milkrun_test_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(_postgres_admin_url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        base = _postgres_admin_url().rsplit("/", 1)[0]
        return f"postgresql+psycopg://{base.removeprefix('postgresql://')}/{name}"

    yield make
    for name in made:
        with psycopg.connect(_postgres_admin_url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_url(new_database_url: object) -> str:
    url: str = new_database_url()  # type: ignore[operator]
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def database(engine: Engine) -> Iterator[Database]:
    """A Database whose every session lives inside this test's transaction, rolled back after."""
    with engine.connect() as connection:
        transaction = connection.begin()
        yield Database.within(connection)
        transaction.rollback()


@pytest.fixture
def session(database: Database) -> Iterator[Session]:
    session = database.writer()
    yield session
    session.close()


@pytest.fixture
def committed_database(database_url: str, engine: Engine) -> Iterator[Database]:
    """A Database that really commits (threads, throttles across sessions); emptied afterwards."""
    database = Database(database_url)
    yield database
    database.dispose()
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            # foreign_keys cannot be switched off inside a transaction; deferring the checks to
            # the commit (when every table is empty) lets the reference cycles be deleted.
            connection.execute(text("PRAGMA defer_foreign_keys = ON"))
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(env="test", database_url=database_url, secret_key=TEST_SECRET)


class PageClient(TestClient):
    """A test client that, like a browser on the site's own page, sends a page form with the
    page's CSRF token (taken from a page, as the form's hidden field would carry it). API calls
    go as they are; a form that brings its own ``csrf_token`` (or ``csrf=False``) is sent as it
    is, for the tests of the protection itself."""

    def page_token(self) -> str:
        match = re.search(r'name="csrf-token" content="([0-9a-f]+)"', self.get("/login").text)
        assert match, "the login page carries no CSRF token"
        return match.group(1)

    def post(self, url: Any, *args: Any, csrf: bool = True, **kwargs: Any) -> Any:
        data = kwargs.get("data")
        if csrf and not str(url).startswith("/api/") and (data is None or isinstance(data, dict)):
            data = dict(data or {})
            data.setdefault("csrf_token", self.page_token())
            kwargs["data"] = data
        return super().post(url, *args, **kwargs)


def make_client(settings: Settings, database: Database) -> TestClient:
    return PageClient(create_app(settings, database), raise_server_exceptions=False)


@pytest.fixture
def client(settings: Settings, database: Database) -> Iterator[TestClient]:
    with make_client(settings, database) as test_client:
        yield test_client


@pytest.fixture
def admin(session: Session) -> factories.Login:
    return factories.login(session, factories.admin_user(session))


@pytest.fixture
def delivery_boy(session: Session) -> factories.Login:
    return factories.login(session, factories.delivery_boy_user(session))


@pytest.fixture
def customer(session: Session) -> factories.Login:
    return factories.login(session, factories.customer_user(session))
