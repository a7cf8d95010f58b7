"""Counting attempts in the database, so every worker process and server sees the same count.

One mechanism for both throttles: failed logins per username (``auth``) and unknown link tokens
per client address (``links``). A throttle table has a key column, ``failures``,
``first_failure_at`` and ``locked_until``.

The rule: an attempt is counted *before* it is checked, in one atomic upsert that returns the
new count. Only an attempt whose count is within the limit may be checked; the one past it is
refused (429) unchecked. So however many requests race, in however many processes, no more than
``limit`` attempts are ever checked in one window. Reaching the limit locks the key for the
window; a count older than the window, or a lock that has run out, starts again from one.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import Table, case, delete, literal
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.errors import TooManyRequests


@dataclass(frozen=True)
class Throttle:
    """``limit`` attempts per ``window`` for each key of ``table`` (keyed by ``key_column``)."""

    table: Table
    key_column: str
    limit: int
    window: dt.timedelta


@dataclass(frozen=True)
class Count:
    """An attempt, counted: whether it may be checked, and until when the key is locked."""

    failures: int
    limit: int
    locked_until: dt.datetime | None

    @property
    def allowed(self) -> bool:
        return self.failures <= self.limit

    def retry_after(self) -> int:
        """Seconds until the lock runs out (at least one)."""
        if self.locked_until is None:
            return 1
        return max(1, math.ceil((self.locked_until - clock.now()).total_seconds()))


def count_attempt(session: Session, throttle: Throttle, key: str) -> Count:
    """Count one attempt for ``key`` (one atomic upsert, returning the new count)."""
    now = clock.now()
    table = throttle.table
    insert = (
        postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    )(table)
    failures, first_at, locked_until = (
        table.c.failures,
        table.c.first_failure_at,
        table.c.locked_until,
    )
    stale = (first_at < now - throttle.window) | (locked_until.is_not(None) & (locked_until <= now))
    at = first_at.type
    lock = now + throttle.window
    first_lock = lock if throttle.limit <= 1 else None
    statement = (
        insert.values(
            {
                throttle.key_column: key,
                "failures": 1,
                "first_failure_at": now,
                "locked_until": first_lock,
            }
        )
        .on_conflict_do_update(
            index_elements=[table.c[throttle.key_column]],
            set_={
                "failures": case((stale, 1), else_=failures + 1),
                "first_failure_at": case((stale, literal(now, at)), else_=first_at),
                "locked_until": case(
                    (stale, literal(first_lock, at)),
                    (
                        locked_until.is_(None) & (failures + 1 >= throttle.limit),
                        literal(lock, at),
                    ),
                    else_=locked_until,
                ),
            },
        )
        .returning(failures, locked_until)
    )
    row = session.execute(statement).one()
    return Count(failures=row.failures, limit=throttle.limit, locked_until=row.locked_until)


def refuse(count: Count, detail: str, *, kind: type[TooManyRequests]) -> TooManyRequests:
    """The 429 (of ``kind``) for an attempt past the limit, with the minutes in words and
    Retry-After."""
    seconds = count.retry_after()
    return kind(
        f"{detail}; try again in {math.ceil(seconds / 60)} minute(s)",
        headers={"Retry-After": str(seconds)},
        keeps_changes=True,
    )


def clear(session: Session, throttle: Throttle, key: str) -> None:
    table = throttle.table
    session.execute(delete(table).where(table.c[throttle.key_column] == key))
