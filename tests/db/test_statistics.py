"""Planner statistics: a job refreshes those of the tables it reads that were never analyzed or
changed much since (PostgreSQL), so that a freshly loaded month is not planned as if empty."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from milkrun.db import statistics


def _has_statistics(session: Session, table: str) -> bool:
    return bool(
        session.scalar(
            text("SELECT count(*) FROM pg_stats WHERE tablename = :t AND attname = 'x'"),
            {"t": table},
        )
    )


def test_a_table_loaded_and_never_analyzed_gets_statistics(session: Session, db_kind: str) -> None:
    session.execute(text("CREATE TABLE statistics_probe (x integer)"))
    session.execute(
        text(
            "INSERT INTO statistics_probe (x) "
            + (
                "SELECT g FROM generate_series(1, 5000) AS g"
                if db_kind == "postgresql"
                else "WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g"
                " WHERE x < 5000) SELECT x FROM g"
            )
        )
    )
    refreshed = statistics.refresh_stale(session, "statistics_probe", "no_such_table")
    if db_kind != "postgresql":
        assert refreshed == []  # SQLite's planner needs no help here
        return
    assert refreshed == ["statistics_probe"]
    assert _has_statistics(session, "statistics_probe")
    rows = session.scalar(text("SELECT reltuples FROM pg_class WHERE relname = 'statistics_probe'"))
    assert rows == 5000


def test_nothing_is_refreshed_when_no_table_is_named(session: Session) -> None:
    assert statistics.refresh_stale(session) == []
