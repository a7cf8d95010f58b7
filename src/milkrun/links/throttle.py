"""Throttling link guesses per client address (``milkrun.db.throttle``: counted in the database,
shared by every process).

Only unknown tokens count, and only they are refused: after ``MAX_GUESSES`` unknown tokens
within ``WINDOW`` an address's further guesses answer 429 instead of 404. A token that works is
never throttled, so a delivery boy behind the same mobile network (one address for many phones)
as a guesser keeps marking; and a working link does not clear the count, so holding one does not
buy more guesses. The tokens' 256 random bits are what make guessing hopeless; the throttle
keeps a guesser's cost and noise down.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Table
from sqlalchemy.orm import Session

from milkrun.db import throttle
from milkrun.links.errors import LinkThrottled
from milkrun.links.models import LinkGuessThrottle

MAX_GUESSES = 10
WINDOW = dt.timedelta(minutes=15)

_TABLE = LinkGuessThrottle.__table__
assert isinstance(_TABLE, Table)
GUESSES = throttle.Throttle(_TABLE, "client_address", MAX_GUESSES, WINDOW)


def count_guess(session: Session, client_address: str) -> LinkThrottled | None:
    """Count an unknown token from ``client_address``: the 429 to answer if the address is past
    the limit, else None (answer 404)."""
    count = throttle.count_attempt(session, GUESSES, client_address[:64])
    if count.allowed:
        return None
    refusal = throttle.refuse(
        count, "Too many wrong links were tried from this network", kind=LinkThrottled
    )
    assert isinstance(refusal, LinkThrottled)
    return refusal
