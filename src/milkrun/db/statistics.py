"""Planner statistics after bulk work.

PostgreSQL plans each statement from statistics that ``ANALYZE`` gathers (autovacuum does it in
the background, late or never where it is off). A job that writes tens of thousands of rows and
then reads them back in the same transaction (a billing run, an import) plans those reads for
the table as it was, and a plan made for an empty table can turn a lookup per batch into a scan
per batch. Such jobs refresh the statistics of what they changed, in their own transaction.
SQLite's planner needs no such help for these statements.
"""

from __future__ import annotations

from sqlalchemy import Table, text
from sqlalchemy.orm import Session

# Below this many changed rows the old statistics are good enough.
BULK_CHANGE = 10_000


def refresh(session: Session, *tables: str | Table) -> None:
    """Fresh planner statistics for ``tables`` (PostgreSQL; nothing to do on SQLite)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        name = table.name if isinstance(table, Table) else table
        session.execute(text(f'ANALYZE "{name}"'))
