"""Throttling link guesses per client address, in the database so every process sees the count.

An unknown token counts as a failure for the address it came from; after ``MAX_GUESSES``
failures within ``WINDOW`` the address is locked out of every link for the window (429). A
link that works does not clear the count: holding one real link must not buy more guesses.
"""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import Table, case, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.links.errors import LinkThrottled
from milkrun.links.models import LinkGuessThrottle

MAX_GUESSES = 10
WINDOW = dt.timedelta(minutes=15)


def ensure_not_locked(session: Session, client_address: str) -> None:
    locked_until = session.scalar(
        select(LinkGuessThrottle.locked_until).where(
            LinkGuessThrottle.client_address == client_address
        )
    )
    now = clock.now()
    if locked_until is not None and locked_until > now:
        seconds = math.ceil((locked_until - now).total_seconds())
        raise LinkThrottled(
            "Too many wrong links were tried from this network; "
            f"try again in {math.ceil(seconds / 60)} minute(s)",
            headers={"Retry-After": str(seconds)},
        )


def record_failure(session: Session, client_address: str) -> None:
    """Count one unknown token from ``client_address`` (one atomic upsert: concurrent guesses
    all count), and lock the address once it reaches the limit."""
    now = clock.now()
    table = LinkGuessThrottle.__table__
    assert isinstance(table, Table)
    insert = (
        postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    )(table)
    stale = (table.c.first_failure_at < now - WINDOW) | (
        table.c.locked_until.is_not(None) & (table.c.locked_until <= now)
    )
    session.execute(
        insert.values(
            client_address=client_address, failures=1, first_failure_at=now
        ).on_conflict_do_update(
            index_elements=[table.c.client_address],
            set_={
                "failures": case((stale, 1), else_=table.c.failures + 1),
                "first_failure_at": case((stale, now), else_=table.c.first_failure_at),
                "locked_until": case((stale, None), else_=table.c.locked_until),
            },
        )
    )
    session.execute(
        update(LinkGuessThrottle)
        .where(
            LinkGuessThrottle.client_address == client_address,
            LinkGuessThrottle.failures >= MAX_GUESSES,
            LinkGuessThrottle.locked_until.is_(None),
        )
        .values(locked_until=now + WINDOW)
    )
