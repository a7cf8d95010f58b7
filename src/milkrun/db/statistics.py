"""Planner statistics after bulk work.

PostgreSQL plans each statement from statistics that ``ANALYZE`` gathers (autovacuum does it in
the background, late or never where it is off). A job that writes tens of thousands of rows and
then reads them back in the same transaction (a billing run, an import) plans those reads for
the table as it was, and a plan made for an empty table can turn a lookup per batch into a scan
per batch. Such jobs refresh the statistics of what they changed, in their own transaction.

A job that reads what someone else wrote in bulk (a billing run right after a history was
imported, before autovacuum came by) first refreshes the tables whose statistics are missing or
stale (``refresh_stale``): the same rule autovacuum applies, checked when the job starts.
SQLite's planner needs no such help for these statements.
"""

from __future__ import annotations

from sqlalchemy import Table, bindparam, text
from sqlalchemy.orm import Session

# Below this many changed rows the old statistics are good enough.
BULK_CHANGE = 10_000

# Stale: more rows changed since the last ANALYZE than this share of the table plus a floor
# (autovacuum's own rule, with its default analyze_scale_factor 0.1 and threshold 50, made
# less eager: an ANALYZE of a few million rows costs about a second).
STALE_SHARE = 0.1
STALE_FLOOR = 1_000

_STALE = text(
    """
    SELECT c.relname
    FROM pg_class c
    LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
    WHERE c.relname IN :names
      AND c.relnamespace = to_regnamespace(current_schema())
      AND (
        c.reltuples < 0
        OR (s.last_analyze IS NULL AND s.last_autoanalyze IS NULL)
        OR coalesce(s.n_mod_since_analyze, 0) > :share * greatest(c.reltuples, 0) + :floor
      )
    """
).bindparams(bindparam("names", expanding=True))


def _name(table: str | Table) -> str:
    return table.name if isinstance(table, Table) else table


def refresh(session: Session, *tables: str | Table) -> None:
    """Fresh planner statistics for ``tables`` (PostgreSQL; nothing to do on SQLite)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        session.execute(text(f'ANALYZE "{_name(table)}"'))


def refresh_stale(session: Session, *tables: str | Table) -> list[str]:
    """Refresh the statistics of those of ``tables`` never analyzed or changed much since
    (PostgreSQL); returns their names. Changes made by transactions that have not committed,
    this one's included, are not counted: after its own bulk writes a job calls ``refresh``."""
    found = stale(session, *tables)
    for name in found:
        # Another job analyzing the same table holds its lock to its end: do not queue behind.
        session.execute(text(f'ANALYZE (SKIP_LOCKED) "{name}"'))
    return found


def stale(session: Session, *tables: str | Table) -> list[str]:
    """Those of ``tables`` whose statistics ``refresh_stale`` would refresh (PostgreSQL)."""
    if session.get_bind().dialect.name != "postgresql" or not tables:
        return []
    names = [_name(table) for table in tables]
    return list(
        session.scalars(_STALE, {"names": names, "share": STALE_SHARE, "floor": STALE_FLOOR})
    )


def room_to_sort(session: Session, megabytes: int) -> None:
    """Let PostgreSQL sort and hash a bulk statement's rows in memory (``work_mem``, for this
    transaction only) instead of spilling them to disk at the default 4 MB. SQLite: nothing."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"SET LOCAL work_mem = '{int(megabytes)}MB'"))
