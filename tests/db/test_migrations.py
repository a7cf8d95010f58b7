"""The Alembic tree: it builds the schema, takes it down, builds it again, and agrees with the
models; the audit trail is append-only on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from alembic import command
from sqlalchemy import insert, inspect, text
from sqlalchemy.exc import DBAPIError

from milkrun import clock
from milkrun.db import migrate
from milkrun.db.base import Base
from milkrun.db.engine import make_engine
from milkrun.models import AuditEvent

NewDatabaseUrl = Callable[[], str]


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def _revision(url: str) -> str | None:
    engine = make_engine(url)
    try:
        return migrate.current_revision(engine)
    finally:
        engine.dispose()


def _alembic_check(url: str) -> None:
    """``alembic check``: raises when autogenerate would write a migration."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            config = migrate.alembic_config(url)
            config.attributes["connection"] = connection
            command.check(config)
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade_round_trip(new_database_url: NewDatabaseUrl) -> None:
    url = new_database_url()
    model_tables = set(Base.metadata.tables)

    migrate.upgrade(url)
    assert _tables(url) == model_tables
    assert _revision(url) == migrate.head_revision()

    migrate.downgrade(url, "base")
    assert _tables(url) == set()
    assert _revision(url) is None

    migrate.upgrade(url)
    assert _tables(url) == model_tables
    assert _revision(url) == migrate.head_revision()
    _alembic_check(url)


def test_models_agree_with_migrations(database_url: str) -> None:
    _alembic_check(database_url)


def test_alembic_check_notices_a_table_the_models_lack(
    new_database_url: NewDatabaseUrl,
) -> None:
    """The check above can fail: a table the models do not know is a difference."""
    url = new_database_url()
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE stray (id INTEGER PRIMARY KEY)"))
    finally:
        engine.dispose()
    with pytest.raises(Exception, match="New upgrade operations detected"):
        _alembic_check(url)


@pytest.fixture
def audit_event_id(new_database_url: NewDatabaseUrl) -> tuple[str, int]:
    url = new_database_url()
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            result = connection.execute(
                insert(AuditEvent).values(
                    occurred_at=clock.now(),
                    actor_label="tests",
                    channel="test",
                    action="thing.create",
                    entity_type="thing",
                    entity_id=1,
                    after={"x": 1},
                )
            )
            assert result.inserted_primary_key is not None
            event_id = result.inserted_primary_key[0]
    finally:
        engine.dispose()
    return url, int(event_id)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET action = 'thing.forged' WHERE id = :id",
        "DELETE FROM audit_events WHERE id = :id",
    ],
)
def test_audit_events_are_append_only_on_postgresql(
    db_kind: str, audit_event_id: tuple[str, int], statement: str
) -> None:
    if db_kind != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    url, event_id = audit_event_id
    engine = make_engine(url)
    try:
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement), {"id": event_id})
        with engine.connect() as connection:
            row = connection.execute(
                text("SELECT action FROM audit_events WHERE id = :id"), {"id": event_id}
            ).one()
        assert row.action == "thing.create"
    finally:
        engine.dispose()
