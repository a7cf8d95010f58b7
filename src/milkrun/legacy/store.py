"""The state of one import run, and how it reads and writes: batched statements, never one
per document, and the provenance of every imported document (``legacy_records``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Table, func, insert, select
from sqlalchemy.orm import QueryableAttribute, Session

from milkrun import clock
from milkrun.db import statistics
from milkrun.legacy.models import LegacyRecord
from milkrun.legacy.reader import Export, Line, Progress
from milkrun.legacy.report import ImportReport

# Rows per statement: executemany (and INSERT ... RETURNING) in batches of this many, and the
# most values in one IN (...) list.
BATCH = 1000
RECORDS = cast(Table, LegacyRecord.__table__)

T = TypeVar("T")


def batches(items: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Silent:
    def begin(self, description: str, total: int) -> None:
        pass

    def advance(self, amount: int) -> None:
        pass


SILENT: Progress = _Silent()


@dataclass
class Run:
    """One import: the session, the export, the report being written, business time, and the
    record id of every document known so far (imported now or by an earlier run)."""

    session: Session
    export: Export
    report: ImportReport
    zone: ZoneInfo
    today: dt.date
    progress: Progress = SILENT
    ids: dict[str, dict[str, int]] = field(default_factory=dict)

    def known(self, collection: str, legacy_ids: Iterable[str]) -> dict[str, int]:
        """The record ids of those documents of ``collection`` imported so far (one query per
        batch of ids not yet known)."""
        cache = self.ids.setdefault(collection, {})
        missing = sorted({i for i in legacy_ids if i not in cache})
        for chunk in batches(missing):
            rows = self.session.execute(
                select(RECORDS.c.legacy_id, RECORDS.c.record_id).where(
                    RECORDS.c.collection == collection, RECORDS.c.legacy_id.in_(chunk)
                )
            )
            cache.update({row.legacy_id: row.record_id for row in rows})
        return cache

    def not_yet_imported(self, collection: str, lines: Sequence[Line[Any]]) -> list[Line[Any]]:
        """The documents of ``collection`` not imported yet; all are counted as read, the
        others as already imported."""
        counts = self.report.counts(collection)
        counts.read += len(lines)
        known = self.known(collection, [line.doc.id for line in lines])
        new = [line for line in lines if line.doc.id not in known]
        counts.already_imported += len(lines) - len(new)
        return new

    def imported(self, collection: str, record_ids: Iterable[int]) -> set[int]:
        """Which of these rows an import of ``collection`` wrote (or matched), now or before."""
        rows = self.select_in(
            select(RECORDS.c.record_id).where(RECORDS.c.collection == collection),
            RECORDS.c.record_id,
            record_ids,
        )
        return {row.record_id for row in rows}

    def remember(self, collection: str, pairs: Sequence[tuple[str, int]]) -> None:
        """Record where documents went: their provenance, so a later run skips them."""
        now = clock.now()
        rows = [
            {
                "collection": collection,
                "legacy_id": legacy_id,
                "record_id": record_id,
                "imported_at": now,
            }
            for legacy_id, record_id in pairs
        ]
        self.insert(RECORDS, rows)
        self.ids.setdefault(collection, {}).update(pairs)
        if len(rows) > statistics.BULK_CHANGE:
            statistics.refresh(self.session, RECORDS)

    def insert(self, table: Table, rows: Sequence[dict[str, Any]]) -> None:
        for chunk in batches(rows):
            self.session.execute(insert(table), list(chunk))

    def insert_returning_ids(
        self, table: Table, rows: Sequence[dict[str, Any]], description: str
    ) -> list[int]:
        """Insert ``rows`` in batches; their new ids, in the order of ``rows``.

        The ids are taken first, then given explicitly: a batched ``INSERT ... RETURNING``
        cannot promise the order of its ids on SQLite (SQLAlchemy falls back to a statement per
        row), and on PostgreSQL one long statement per batch costs more to build than the
        inserts themselves."""
        ids: list[int] = []
        if not rows:
            return ids
        self.progress.begin(description, len(rows))
        for chunk in batches(rows):
            chunk_ids = self._new_ids(table, len(chunk))
            numbered = [{"id": i, **row} for i, row in zip(chunk_ids, chunk, strict=True)]
            self.session.execute(insert(table), numbered)
            ids.extend(chunk_ids)
            self.progress.advance(len(chunk))
        return ids

    def _new_ids(self, table: Table, count: int) -> list[int]:
        """``count`` ids for new rows of ``table``: on PostgreSQL from the table's sequence
        (so they are never handed out twice); on SQLite the next ones after the largest, which
        is what SQLite would choose itself and is safe because a writer holds the database's
        write lock (``BEGIN IMMEDIATE``) from its first statement."""
        if self.session.get_bind().dialect.name == "postgresql":
            sequence = func.pg_get_serial_sequence(table.name, "id")
            return list(
                self.session.scalars(
                    select(func.nextval(sequence)).select_from(
                        func.generate_series(1, count).table_valued("n")
                    )
                )
            )
        first = (self.session.scalar(select(func.max(table.c.id))) or 0) + 1
        return list(range(first, first + count))

    def select_in(
        self,
        statement: Any,
        column: ColumnElement[Any] | QueryableAttribute[Any],
        values: Iterable[Any],
    ) -> list[Any]:
        """``statement`` filtered on ``column IN values``, in batches of values; all the rows."""
        rows: list[Any] = []
        for chunk in batches(sorted(set(values))):
            rows.extend(self.session.execute(statement.where(column.in_(chunk))).all())
        return rows
