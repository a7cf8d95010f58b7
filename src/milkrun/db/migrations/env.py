"""Alembic environment: runs on a connection handed in by milkrun.db.migrate, or on the URL."""

from __future__ import annotations

import warnings

from alembic import context
from sqlalchemy import Connection
from sqlalchemy.exc import SAWarning

import milkrun.models  # noqa: F401  (registers every table on the metadata)
from milkrun.config import get_settings
from milkrun.db.base import Base
from milkrun.db.engine import make_engine

config = context.config
target_metadata = Base.metadata


# On PostgreSQL these keys are triggers checked once per statement (migration
# 0028_day_close_keys: a day's close writes a status and an event per order); the models keep
# them as foreign keys (SQLite's, and the flush order).
KEYS_AS_TRIGGERS = {
    "postgresql": {
        "fk_delivery_statuses_recorded_by_user_id_users",
        "fk_delivery_statuses_recorded_by_link_id_shared_delivery_links",
        "fk_delivery_statuses_recorded_by_close_id_day_closes",
        "fk_audit_events_actor_user_id_users",
        "fk_audit_events_actor_link_id_shared_delivery_links",
        "fk_delivery_statuses_order_id_orders",
    }
}


def _configure(connection: Connection) -> None:
    as_triggers = KEYS_AS_TRIGGERS.get(connection.dialect.name, set())

    def include_object(
        item: object, name: str | None, type_: str, reflected: bool, compare_to: object
    ) -> bool:
        return not (type_ == "foreign_key_constraint" and name in as_triggers)

    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction(), warnings.catch_warnings():
        # SQLite cannot reflect an index on an expression (uq_container_types_lower_name): the
        # check compares it on PostgreSQL and leaves it alone on SQLite.
        warnings.filterwarnings(
            "ignore", "Skipped unsupported reflection of expression-based index", SAWarning
        )
        warnings.filterwarnings(
            "ignore", "autogenerate skipping metadata-specified expression-based index", UserWarning
        )
        context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url") or get_settings().database_url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or get_settings().database_url)
    try:
        with engine.connect() as connection:
            _configure(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
