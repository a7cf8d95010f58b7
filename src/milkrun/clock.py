"""Business time: delivery dates are local dates in the dairy's zone; timestamps are UTC.

Everything that asks "what time is it" asks here, so tests can set the clock.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    """The current instant, timezone-aware in UTC."""
    return _frozen if _frozen is not None else dt.datetime.now(dt.UTC)


def today(zone: ZoneInfo) -> dt.date:
    """The business date now, in the dairy's zone."""
    return now().astimezone(zone).date()


def freeze(at: dt.datetime | None) -> None:
    """Set (or with None, release) the clock; for tests and the demo."""
    global _frozen
    if at is not None and at.tzinfo is None:
        raise ValueError("freeze() needs an aware datetime")
    _frozen = at.astimezone(dt.UTC) if at is not None else None
