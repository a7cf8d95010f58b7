"""/healthz: ready only when the database answers and its schema is at the code's head."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from milkrun.app import create_app
from milkrun.config import Settings
from milkrun.db import migrate
from milkrun.db.session import Database
from tests.conftest import TEST_SECRET


def _health(url: str) -> tuple[int, dict[str, str]]:
    database = Database(url)
    try:
        settings = Settings(env="test", database_url=url, secret_key=TEST_SECRET)
        with TestClient(create_app(settings, database)) as client:
            response = client.get("/healthz")
    finally:
        database.dispose()
    return response.status_code, response.json()


def test_ok_at_head(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "schema": "head"}


def test_unavailable_on_an_empty_database(new_database_url: Callable[[], str]) -> None:
    assert _health(new_database_url()) == (
        503,
        {"status": "unavailable", "database": "ok", "schema": "behind"},
    )


def test_unavailable_when_the_schema_is_behind(new_database_url: Callable[[], str]) -> None:
    url = new_database_url()
    migrate.upgrade(url, "0001")
    assert migrate.head_revision() != "0001"  # later features add revisions
    assert _health(url)[0] == 503
    migrate.upgrade(url)
    assert _health(url) == (200, {"status": "ok", "database": "ok", "schema": "head"})
    migrate.downgrade(url, "base")
    assert _health(url)[1]["schema"] == "behind"


def test_unavailable_when_the_database_is_unreachable(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'missing-dir' / 'milkrun.db'}"
    assert _health(url) == (503, {"status": "unavailable", "database": "unreachable"})
