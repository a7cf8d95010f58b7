"""Schema migrations: upgrade, downgrade, current, history, and the SQLite backup before either."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from milkrun import clock
from milkrun.db.engine import make_engine, normalize_url

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("file_template", "%%(year)d-%%(month).2d-%%(day).2d_%%(slug)s")
    config.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_at_head(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()


def sqlite_file(url: str) -> Path | None:
    parsed = make_url(normalize_url(url))
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database or "")


def backup_sqlite(url: str, backup_dir: Path) -> Path | None:
    """Copy a file-based SQLite database with the online backup API; return the copy's path."""
    path = sqlite_file(url)
    if path is None or not path.exists():
        return None
    backup_dir.mkdir(parents=True, exist_ok=True)
    stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
    target = backup_dir / f"{path.stem}-{stamp}.db"
    # Two backups within a second (a downgrade, then an upgrade) must not overwrite each other.
    copy = 1
    while target.exists():
        copy += 1
        target = backup_dir / f"{path.stem}-{stamp}-{copy}.db"
    source = sqlite3.connect(path)
    try:
        destination = sqlite3.connect(target)
        try:
            source.backup(destination)
        finally:
            destination.close()
    finally:
        source.close()
    return target


def _run(url: str, action: str, revision: str) -> None:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            sqlite = engine.dialect.name == "sqlite"
            raw = connection.connection.driver_connection
            assert raw is not None
            if sqlite:
                # SQLite alters a table by rebuilding it (copy, drop, rename); with foreign keys
                # on, dropping a table that other rows reference fails. They are switched off
                # for the migration (possible only outside a transaction) and checked before
                # the commit instead.
                raw.execute("PRAGMA foreign_keys = OFF")
            try:
                with connection.begin():
                    config = alembic_config(url)
                    config.attributes["connection"] = connection
                    getattr(command, action)(config, revision)
                    if sqlite:
                        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                        if broken:
                            raise RuntimeError(f"the migration broke foreign keys: {broken[:5]}")
            finally:
                if sqlite:
                    raw.execute("PRAGMA foreign_keys = ON")
    finally:
        engine.dispose()


def upgrade(url: str, revision: str = "head") -> None:
    _run(url, "upgrade", revision)


def downgrade(url: str, revision: str) -> None:
    _run(url, "downgrade", revision)


def check_revision(url: str, revision: str) -> None:
    """Refuse (alembic's CommandError) a revision that is not in the tree, before anything is
    written: a relative step (-1, +2) and base/head are resolved by alembic itself."""
    if revision in ("base", "head", "heads") or re.fullmatch(r"[+-]\d+", revision):
        return
    ScriptDirectory.from_config(alembic_config(url)).get_revisions(revision)


def history(url: str) -> list[str]:
    script = ScriptDirectory.from_config(alembic_config(url))
    return [
        f"{rev.revision}  {rev.doc or ''}".rstrip()
        for rev in script.walk_revisions(base="base", head="heads")
    ]
