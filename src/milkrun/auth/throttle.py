"""Throttling logins per username (``milkrun.db.throttle``: counted in the database, before the
password is checked, so that no more than ``max_failures`` passwords are ever checked per
username and window, whatever the number of workers). A success clears the count."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Table
from sqlalchemy.orm import Session

from milkrun.auth.errors import LoginThrottled
from milkrun.auth.models import LoginThrottle
from milkrun.db import throttle


def logins(max_failures: int, window: dt.timedelta) -> throttle.Throttle:
    table = LoginThrottle.__table__
    assert isinstance(table, Table)
    return throttle.Throttle(table, "username", max_failures, window)


def count_attempt(
    session: Session, username: str, *, max_failures: int, window: dt.timedelta
) -> None:
    """Count a login attempt for ``username``; refuse it (429) unchecked past the limit."""
    count = throttle.count_attempt(session, logins(max_failures, window), username)
    if not count.allowed:
        raise throttle.refuse(count, "Too many failed logins for this account", kind=LoginThrottled)


def clear(session: Session, username: str) -> None:
    throttle.clear(session, logins(1, dt.timedelta()), username)
