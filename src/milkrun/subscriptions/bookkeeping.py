"""The bookkeeping every change to subscriptions, pauses and overrides does besides its write.

Each use case (``service``, ``pauses``, ``overrides``): checks the input; checks the cut-off window
of the caller (``milkrun.orders.cutoff``) for the first delivery date the change affects; writes;
re-syncs the orders of dates already materialized from that date on
(``milkrun.orders.generate.resync``, same transaction); and writes exactly one audit event with
before and after.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from milkrun.audit import service as audit
from milkrun.errors import InvalidInput
from milkrun.orders import generate
from milkrun.orders.cutoff import Window

ONE_DAY = dt.timedelta(days=1)


def ensure_span(start: dt.date, end: dt.date | None) -> None:
    if end is not None and end < start:
        raise InvalidInput(
            f"The end date {end} is before the start date {start}", code="end_before_start"
        )


def resync(
    session: Session,
    window: Window,
    scope: generate.Scope,
    since: dt.date,
    until: dt.date | None = None,
) -> dict[str, dict[str, int]]:
    """Re-sync materialized dates from ``since``; the past (before today) is never rewritten."""
    since = max(since, window.today)
    if until is not None and until < since:
        return {}
    return generate.resync(session, scope, since, until)


def record(
    session: Session,
    actor: audit.Actor,
    action: str,
    entity_type: str,
    entity_id: int,
    *,
    customer_id: int,
    window: Window,
    first_affected: dt.date,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    resynced: dict[str, dict[str, int]],
) -> None:
    extra: dict[str, Any] = {}
    if resynced:
        extra["orders_resynced"] = resynced
    if window.is_late(first_affected):
        extra["after_cutoff"] = True
    audit.record(
        session,
        actor,
        action,
        entity_type,
        entity_id,
        before=before,
        after={**(after or {}), **extra} if after is not None or extra else None,
        customer_id=customer_id,
    )
