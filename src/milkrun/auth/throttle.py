"""Throttling failed logins per username, in the database so every process sees the same count.

After ``max_failures`` failures within the lockout window the username is locked for the window;
a success clears the count. Counting is one atomic upsert, so concurrent failures all count.
"""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import Table, case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.auth.errors import LoginThrottled
from milkrun.auth.models import LoginThrottle


def ensure_not_locked(session: Session, username: str) -> None:
    locked_until = session.scalar(
        select(LoginThrottle.locked_until).where(LoginThrottle.username == username)
    )
    now = clock.now()
    if locked_until is not None and locked_until > now:
        seconds = math.ceil((locked_until - now).total_seconds())
        raise LoginThrottled(
            f"Too many failed logins for this account; try again in {math.ceil(seconds / 60)} "
            "minute(s)",
            headers={"Retry-After": str(seconds)},
        )


def record_failure(
    session: Session, username: str, *, max_failures: int, window: dt.timedelta
) -> None:
    now = clock.now()
    table = LoginThrottle.__table__
    assert isinstance(table, Table)
    insert = (
        postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    )(table)
    stale = (table.c.first_failure_at < now - window) | (
        table.c.locked_until.is_not(None) & (table.c.locked_until <= now)
    )
    statement = insert.values(
        username=username, failures=1, first_failure_at=now
    ).on_conflict_do_update(
        index_elements=[table.c.username],
        set_={
            "failures": case((stale, 1), else_=table.c.failures + 1),
            "first_failure_at": case((stale, now), else_=table.c.first_failure_at),
            "locked_until": case((stale, None), else_=table.c.locked_until),
        },
    )
    session.execute(statement)
    session.execute(
        update(LoginThrottle)
        .where(
            LoginThrottle.username == username,
            LoginThrottle.failures >= max_failures,
            LoginThrottle.locked_until.is_(None),
        )
        .values(locked_until=now + window)
    )


def clear(session: Session, username: str) -> None:
    session.execute(delete(LoginThrottle).where(LoginThrottle.username == username))
