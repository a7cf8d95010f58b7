"""The one registry of PostgreSQL advisory locks: what each lock guards and how its key reads.

A lock is ``pg_advisory_xact_lock(class, key)``, held until the transaction ends: the class
names what is locked (one value per kind below, so two kinds never collide whatever their keys),
the key which one. SQLite needs none: its writers run one at a time (``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import text
from sqlalchemy.orm import Session

EPOCH = dt.date(1970, 1, 1)


@enum.unique
class LockClass(enum.IntEnum):
    """The first key of each kind of advisory lock."""

    # Materializing one delivery date's orders; key: the date's day number (days since 1970).
    DELIVERY_DATE = 0x6D72  # "mr"
    # Changing one billing month's invoices; key: the month as yyyymm.
    BILLING_MONTH = 0x6D62  # "mb"


def hold(session: Session, lock: LockClass, key: int, *, shared: bool = False) -> None:
    """Hold the lock ``(lock, key)`` until the transaction ends (PostgreSQL only); a shared hold
    admits other shared holds and excludes an exclusive one."""
    if session.get_bind().dialect.name != "postgresql":
        return
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    session.execute(
        text(f"SELECT {function}(:lock_class, :key)"), {"lock_class": int(lock), "key": key}
    )


def hold_delivery_date(session: Session, day: dt.date) -> None:
    """One materialization of a delivery date at a time."""
    hold(session, LockClass.DELIVERY_DATE, (day - EPOCH).days)


def hold_billing_month(session: Session, month: dt.date, *, shared: bool = False) -> None:
    """Billing holds a month exclusively while it changes the month's invoices; a correction of
    an invoiced order holds it shared."""
    hold(session, LockClass.BILLING_MONTH, month.year * 100 + month.month, shared=shared)
