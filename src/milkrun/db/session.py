"""Sessions. The request or the job owns the transaction; services only ``flush()``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from milkrun.db.engine import WRITER_OPTION, make_engine
from milkrun.errors import MilkrunError


class Database:
    """An engine and its two session factories: readers, and writers (``BEGIN IMMEDIATE``)."""

    def __init__(self, url: str, engine: Engine | None = None) -> None:
        self.url = url
        self.engine = engine if engine is not None else make_engine(url)
        self.reader = sessionmaker(bind=self.engine, expire_on_commit=False)
        self.writer = sessionmaker(
            bind=self.engine.execution_options(**{WRITER_OPTION: True}), expire_on_commit=False
        )

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session_scope(self, *, write: bool = True) -> Iterator[Session]:
        """One unit of work: commit at the end, roll back on an error (unless it keeps changes)."""
        session = (self.writer if write else self.reader)()
        try:
            yield session
            session.commit()
        except MilkrunError as exc:
            if exc.keeps_changes:
                session.commit()
            else:
                session.rollback()
            raise
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
