"""Running ``milkrun`` commands in-process against a database of the kind under test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from milkrun.cli import app
from milkrun.config import get_settings

RunCli = Callable[..., Result]


@pytest.fixture
def run_cli(tmp_path: Path) -> Iterator[RunCli]:
    """``run_cli(url, "db", "upgrade", input=...)``: the command with MILKRUN_DATABASE_URL=url and
    backups under ``tmp_path/backups``; settings are re-read for every call."""
    runner = CliRunner()

    def run(url: str, *args: str, input: str | None = None) -> Result:
        get_settings.cache_clear()
        try:
            return runner.invoke(
                app,
                list(args),
                input=input,
                env={
                    "MILKRUN_DATABASE_URL": url,
                    "MILKRUN_BACKUP_DIR": str(tmp_path / "backups"),
                    "MILKRUN_ENV": "test",
                    "COLUMNS": "200",
                },
            )
        finally:
            get_settings.cache_clear()

    yield run
    get_settings.cache_clear()
