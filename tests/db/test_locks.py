"""The advisory locks come from one registry: a kind of lock per class, so that a delivery date
and a billing month can never share a lock whatever their keys."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from milkrun.adjustments import service as adjustment_service
from milkrun.db import locks
from milkrun.orders import sync


def test_each_kind_of_lock_has_its_own_class() -> None:
    classes = [int(kind) for kind in locks.LockClass]
    assert len(classes) == len(set(classes)) >= 2


def test_the_day_and_the_month_hold_locks_of_their_own_kind(session: Session, db_kind: str) -> None:
    """Materializing a date and billing a month take their locks through the registry: on
    PostgreSQL each is held under its own class and key until the transaction ends."""
    # A day number and a yyyymm that are the same integer: apart only by their class.
    day = locks.EPOCH + dt.timedelta(days=202612)
    sync.lock_day(session, day)
    adjustment_service.lock_billing_month(session, dt.date(2026, 12, 1), shared=True)
    if db_kind != "postgresql":
        pytest.skip("SQLite serializes writers instead of taking advisory locks")
    held = session.execute(
        text(
            "SELECT classid, objid, mode FROM pg_locks "
            "WHERE locktype = 'advisory' AND pid = pg_backend_pid() ORDER BY classid"
        )
    ).all()
    assert sorted(held) == sorted(
        [
            (locks.LockClass.DELIVERY_DATE, 202612, "ExclusiveLock"),
            (locks.LockClass.BILLING_MONTH, 202612, "ShareLock"),
        ]
    )
