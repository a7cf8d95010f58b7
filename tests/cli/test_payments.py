"""``milkrun payments import-statement``: a statement imported from the command line, once; a
malformed file is one message naming the row and the column, exit code 1, nothing recorded."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from milkrun.db import migrate
from milkrun.db.session import Database
from milkrun.statements.models import StatementLine
from tests import factories
from tests.cli.conftest import RunCli

HEADER = "Txn Date,Value Date,Description,Ref No./Cheque No.,Debit,Credit,Balance\n"


def count_lines(url: str) -> int:
    database = Database(url)
    try:
        with database.session_scope() as session:
            return int(session.scalar(select(func.count(StatementLine.id))) or 0)
    finally:
        database.dispose()


def test_import_statement_from_the_command_line(
    run_cli: RunCli, new_database_url: object, tmp_path: Path
) -> None:
    url: str = new_database_url()  # type: ignore[operator]
    migrate.upgrade(url)
    database = Database(url)
    with database.session_scope() as writer:
        factories.customer(writer, phone_number="+919845012345")
    database.dispose()
    good = tmp_path / "sbi.csv"
    good.write_text(
        HEADER
        + "7 Dec 2026,7 Dec 2026,BY TRANSFER-UPI/CR/334512345678/RAVI/9845012345,,,"
        + '"1,500.00",1500\n'
        + "7 Dec 2026,7 Dec 2026,BY TRANSFER-UPI/CR/334512345679/GIFT,,,250.00,1750\n"
        + "8 Dec 2026,8 Dec 2026,ATM WDL,,200.00,,1550\n"
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "7 Dec 2026,7 Dec 2026,UPI,,,1.500.00,1\n")

    no_mapping = run_cli(url, "payments", "import-statement", str(good))
    dry = run_cli(url, "payments", "import-statement", str(good), "--mapping", "sbi", "--dry-run")
    assert count_lines(url) == 0
    first = run_cli(url, "payments", "import-statement", str(good), "--mapping", "sbi")
    again = run_cli(url, "payments", "import-statement", str(good))  # the mapping is kept
    malformed = run_cli(url, "payments", "import-statement", str(bad))
    missing = run_cli(url, "payments", "import-statement", str(tmp_path / "none.csv"))

    assert no_mapping.exit_code == 1
    assert "Choose the statement's mapping" in no_mapping.output
    assert dry.exit_code == 0, dry.output
    assert "2 new credits (1 proposed, 1 unmatched" in dry.output
    assert "nothing recorded (dry run)" in dry.output
    assert first.exit_code == 0, first.output
    assert "Imported sbi.csv (sbi): 3 rows, 2 new credits" in first.output
    assert "1 debits skipped" in first.output
    assert again.exit_code == 0, again.output
    assert "0 new credits" in again.output
    assert "2 imported before" in again.output
    assert malformed.exit_code == 1
    assert "Row 2, column 'Credit': '1.500.00' is not an amount" in malformed.output
    assert missing.exit_code == 1
    assert "Cannot read" in missing.output
    assert count_lines(url) == 2
