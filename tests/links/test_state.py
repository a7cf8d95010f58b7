"""A link's state, the one rule the admin's page shows and opening a link enforces."""

from __future__ import annotations

import datetime as dt

from milkrun.links.models import SharedDeliveryLink
from milkrun.links.service import LinkState, state_of

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


def _link(expires_at: dt.datetime, revoked_at: dt.datetime | None = None) -> SharedDeliveryLink:
    return SharedDeliveryLink(expires_at=expires_at, revoked_at=revoked_at)


def test_a_link_works_until_its_expiry_unless_revoked() -> None:
    assert state_of(_link(NOW + HOUR), NOW) == LinkState.active
    assert state_of(_link(NOW), NOW) == LinkState.expired  # the expiry itself is too late
    assert state_of(_link(NOW - HOUR), NOW) == LinkState.expired
    assert state_of(_link(NOW + HOUR, revoked_at=NOW - HOUR), NOW) == LinkState.revoked
    assert state_of(_link(NOW - HOUR, revoked_at=NOW - 2 * HOUR), NOW) == LinkState.revoked
