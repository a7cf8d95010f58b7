"""Sessions. The request or the job owns the transaction; services only ``flush()``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from milkrun.db.engine import WRITER_OPTION, make_engine
from milkrun.errors import MilkrunError

_FAILED_WITH = "milkrun.failed_with"


def mark_failed(session: Session, exc: MilkrunError) -> None:
    """The unit of work failed with ``exc``, which the request answers itself (a page that shows
    the error) instead of raising it. The scope then ends the unit as if ``exc`` had been
    raised: it commits what the error keeps (a failed-login count, a link guess) and rolls back
    anything else. Either way before the response is sent.

    What the error does not keep is rolled back at once, so that the page the request goes on
    to draw shows the records as they stay, not half of a refused change."""
    if not exc.keeps_changes:
        session.rollback()
    session.info[_FAILED_WITH] = exc


class Database:
    """An engine and its two session factories: readers, and writers (``BEGIN IMMEDIATE``)."""

    def __init__(self, url: str, engine: Engine | None = None) -> None:
        self.url = url
        self.engine = engine if engine is not None else make_engine(url)
        self.reader = sessionmaker(bind=self.engine, expire_on_commit=False)
        self.writer = sessionmaker(
            bind=self.engine.execution_options(**{WRITER_OPTION: True}), expire_on_commit=False
        )

    @classmethod
    def within(cls, connection: Connection) -> Database:
        """Sessions inside an open transaction on ``connection``: a commit only releases a
        savepoint. The test suite runs each test this way and rolls the whole test back."""
        database = cls(str(connection.engine.url), engine=connection.engine)
        database.reader = database.writer = sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
        return database

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session_scope(self, *, write: bool = True) -> Iterator[Session]:
        """One unit of work: commit at the end, roll back on an error (unless it keeps changes),
        whether the error was raised or answered by the request (``mark_failed``)."""
        session = (self.writer if write else self.reader)()
        try:
            yield session
            failure: MilkrunError | None = session.info.pop(_FAILED_WITH, None)
            if failure is None or failure.keeps_changes:
                session.commit()
            else:
                session.rollback()
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
