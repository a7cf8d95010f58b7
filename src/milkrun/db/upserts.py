"""``INSERT ... ON CONFLICT`` on either database: PostgreSQL's and SQLite's insert constructs say
``on_conflict_do_nothing``, ``on_conflict_do_update`` and ``excluded`` alike, but are two
classes; this picks the one of the database at hand."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert(dialect: str | Session, table: Any) -> postgresql.Insert | sqlite.Insert:
    """An insert into ``table`` that can say what to do on a conflict; ``dialect`` is the
    dialect's name (for a statement built once per dialect) or the session to run it in."""
    name = dialect if isinstance(dialect, str) else dialect.get_bind().dialect.name
    return postgresql.insert(table) if name == "postgresql" else sqlite.insert(table)
