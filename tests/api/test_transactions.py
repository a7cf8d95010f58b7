"""The request owns the transaction and commits it before the response is sent: a commit that
fails must never be answered with a 2xx, and the change must not be there afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from milkrun.audit.models import AuditEvent
from milkrun.config import Settings
from milkrun.db.session import Database
from milkrun.routing.models import Route
from tests import factories
from tests.conftest import make_client
from tests.factories import Login


class CommitRefused(Exception):
    pass


def _refuse_commit(_session: Session) -> None:
    raise CommitRefused("the database refused to commit")


@pytest.fixture
def failing_commits(database: Database) -> Iterator[None]:
    event.listen(database.writer, "before_commit", _refuse_commit)
    yield
    event.remove(database.writer, "before_commit", _refuse_commit)


ROUTE = {"name": "Never saved", "area": "Indiranagar", "shift": "morning"}


def test_a_failed_commit_is_not_answered_with_success(
    client: TestClient, admin: Login, session: Session, failing_commits: None
) -> None:
    response = client.post("/api/v1/routes", json=ROUTE, headers=admin.headers)
    assert response.status_code == 500, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "internal_error"
    assert session.scalar(select(Route).where(Route.name == ROUTE["name"])) is None
    assert session.scalar(select(func.count()).where(AuditEvent.action == "route.create")) == 0


def test_the_same_call_succeeds_when_the_commit_does(
    client: TestClient, admin: Login, session: Session
) -> None:
    """The control: the test above fails because of the commit, not because of the call."""
    response = client.post("/api/v1/routes", json=ROUTE, headers=admin.headers)
    assert response.status_code == 201, response.text
    assert session.scalar(select(Route).where(Route.name == ROUTE["name"])) is not None


def test_a_real_commit_failure_leaves_the_database_unchanged(
    committed_database: Database, settings: Settings
) -> None:
    """The same, with real transactions: nothing of the failed request reaches the database."""
    with committed_database.session_scope() as session:
        admin = factories.login(session, factories.admin_user(session))
    calls: list[Any] = []

    def refuse(session: Session) -> None:
        calls.append(session)
        raise CommitRefused("disk full")

    event.listen(committed_database.writer, "before_commit", refuse)
    try:
        with make_client(settings, committed_database) as client:
            response = client.post("/api/v1/routes", json=ROUTE, headers=admin.headers)
    finally:
        event.remove(committed_database.writer, "before_commit", refuse)
    assert calls, "the request never tried to commit"
    assert response.status_code == 500, response.text
    with committed_database.session_scope(write=False) as session:
        assert session.scalar(select(func.count()).select_from(Route)) == 0
        assert session.scalar(select(func.count()).where(AuditEvent.action == "route.create")) == 0
