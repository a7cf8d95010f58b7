"""The empty database a benchmark builds its dairy in, and drops afterwards."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from milkrun.db.engine import normalize_url


@contextmanager
def scratch_database(
    url: str | None, keep: bool = False, template: str | None = None
) -> Iterator[str]:
    """A fresh database (not migrated): a temporary SQLite file when ``url`` is None, or a new
    database on the PostgreSQL server of ``url``, dropped at the end. A SQLite ``url`` is used
    as it is. ``keep`` leaves the database behind for a look afterwards (its name is printed);
    ``template`` (PostgreSQL) makes the new database a copy of that one (``CREATE DATABASE ...
    TEMPLATE``: a kept benchmark's data, reused instead of built again)."""
    if url is None or url.startswith("sqlite"):
        if template is not None:
            raise ValueError("a template database needs a PostgreSQL server")
        directory = Path(tempfile.mkdtemp(prefix="milkrun-bench-"))
        yield url or f"sqlite:///{directory / 'bench.db'}"
        if not keep:
            for file in directory.iterdir():
                file.unlink()
            directory.rmdir()
        return
    server = make_url(normalize_url(url))
    name = f"milkrun_bench_{uuid.uuid4().hex[:8]}"
    admin = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        copy = f' TEMPLATE "{template}"' if template else ""
        connection.execute(f'CREATE DATABASE "{name}"{copy}')
    if keep:
        print(f"scratch database kept: {name}")
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        if not keep:
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
