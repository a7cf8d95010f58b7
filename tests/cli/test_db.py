"""``milkrun db``: upgrade, downgrade, current, history, and the SQLite backup before a change."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from milkrun import clock
from milkrun.db import migrate
from milkrun.db.base import Base
from tests.cli.conftest import RunCli

NewDatabaseUrl = Callable[[], str]


def _tables_in_sqlite_file(path: Path) -> set[str]:
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    finally:
        connection.close()
    return {name for (name,) in rows} - {"alembic_version"}


def test_upgrade_current_history_downgrade(
    run_cli: RunCli, new_database_url: NewDatabaseUrl
) -> None:
    url = new_database_url()
    head = migrate.head_revision()

    result = run_cli(url, "db", "current")
    assert result.exit_code == 0, result.output
    assert f"empty (no schema) (behind head {head})" in result.output

    result = run_cli(url, "db", "upgrade")
    assert result.exit_code == 0, result.output
    assert f"{head} (head)" in result.output

    result = run_cli(url, "db", "current")
    assert result.output.strip() == f"{head} (head)"

    result = run_cli(url, "db", "history")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(f"{head}  ")  # newest first
    assert (
        "0001  foundation: users, customers, catalog with dated prices, routes, the audit trail"
        in (lines)
    )

    result = run_cli(url, "db", "downgrade", "base")
    assert result.exit_code == 0, result.output
    assert "empty (no schema)" in result.output
    result = run_cli(url, "db", "current")
    assert "empty (no schema)" in result.output

    result = run_cli(url, "db", "upgrade", head)
    assert result.exit_code == 0, result.output
    assert f"{head} (head)" in result.output


def test_an_unknown_revision_is_a_message_not_a_traceback(
    run_cli: RunCli, new_database_url: NewDatabaseUrl
) -> None:
    url = new_database_url()
    assert run_cli(url, "db", "upgrade").exit_code == 0
    result = run_cli(url, "db", "downgrade", "nosuchrevision")
    assert result.exit_code == 1
    assert "Can't locate revision identified by 'nosuchrevision'" in result.output
    assert "Traceback" not in result.output
    assert "Backed up" not in result.output  # refused before a backup is written
    assert run_cli(url, "db", "current").output.strip() == f"{migrate.head_revision()} (head)"


def test_an_unreachable_database_is_a_message(run_cli: RunCli, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'no-such-dir' / 'x.db'}"
    result = run_cli(url, "db", "upgrade")
    assert result.exit_code == 1
    assert "Database error" in result.output


def test_upgrade_backs_up_a_sqlite_file_first(
    run_cli: RunCli, db_kind: str, new_database_url: NewDatabaseUrl, tmp_path: Path
) -> None:
    if db_kind != "sqlite":
        pytest.skip("backups are for file-based SQLite databases")
    url = new_database_url()
    first = run_cli(url, "db", "upgrade")
    assert first.exit_code == 0, first.output
    assert "Backed up" not in first.output  # there was no file to back up yet

    clock.freeze(dt.datetime(2026, 11, 25, 6, 30, tzinfo=dt.UTC))
    result = run_cli(url, "db", "upgrade")
    assert result.exit_code == 0, result.output
    match = re.search(r"^Backed up the database to (.+\.db)$", result.output, re.M)
    assert match, result.output
    backup = Path(match.group(1))
    assert backup.parent == tmp_path / "backups"
    assert "20261125T063000Z" in backup.name
    # The copy is a complete, readable database (online backup API), not a torn file copy.
    assert _tables_in_sqlite_file(backup) == set(Base.metadata.tables)

    # A downgrade in the same second backs up to a second file instead of overwriting the first.
    result = run_cli(url, "db", "downgrade", "base")
    assert result.exit_code == 0, result.output
    second = Path(re.findall(r"^Backed up the database to (.+\.db)$", result.output, re.M)[0])
    assert second != backup
    assert _tables_in_sqlite_file(backup) == set(Base.metadata.tables)
    assert _tables_in_sqlite_file(second) == set(Base.metadata.tables)
    assert _tables_in_sqlite_file(Path(url.removeprefix("sqlite:///"))) == set()
