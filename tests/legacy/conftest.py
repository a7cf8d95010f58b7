"""Importing exports in the test's transaction: ``run_import(export)`` with "today" in early
December 2026 (October is history), and the rows every table holds, to compare."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun.db.base import Base
from milkrun.legacy import service
from milkrun.legacy.report import ImportReport
from tests.cli.conftest import run_cli  # noqa: F401  (the command line, for test_cli.py)
from tests.factories import ACTOR
from tests.legacy.export import Export

ZONE = ZoneInfo("Asia/Kolkata")
TODAY = dt.date(2026, 12, 3)

RunImport = Callable[..., ImportReport]


@pytest.fixture
def run_import(session: Session, tmp_path: Path) -> RunImport:
    """``run_import(export or directory, dry_run=False)``: the service, in the test's session."""
    count = 0

    def run(export: Export | Path, *, dry_run: bool = False) -> ImportReport:
        nonlocal count
        count += 1
        directory = export if isinstance(export, Path) else export.write(tmp_path / f"x{count}")
        return service.import_export(
            session, directory, ACTOR, zone=ZONE, today=TODAY, dry_run=dry_run
        )

    return run


def row_counts(session: Session) -> dict[str, int]:
    """How many rows every table has."""
    return {
        table.name: session.scalar(select(func.count()).select_from(table)) or 0
        for table in Base.metadata.sorted_tables
    }
