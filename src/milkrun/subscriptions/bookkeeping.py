"""What every change to subscriptions, pauses and overrides reports besides its write.

Each use case of this package (``service``, ``pauses``, ``overrides``) checks the input; checks
the cut-off window of the caller (``milkrun.cutoff``) for the first delivery date the change
affects; writes (flushes); and returns a ``Change``: the record written, the one audit event the
change owes (before and after), and the delivery dates whose orders may no longer agree with
the subscriptions (``Affected``).

This package knows nothing of orders. A change is complete once the orders of the affected dates
that are already materialized are re-synced and its event is written, in the same transaction:
``milkrun.orders.changes`` does both, and is what the API, the demo and the tests call.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from milkrun.subscriptions.errors import EndBeforeStart

ONE_DAY = dt.timedelta(days=1)
Written = TypeVar("Written")


def ensure_span(start: dt.date, end: dt.date | None) -> None:
    if end is not None and end < start:
        raise EndBeforeStart(f"The end date {end} is before the start date {start}")


@dataclass(frozen=True)
class Deliveries:
    """Whose deliveries: some subscriptions', all of one customer's, or (neither) everyone's."""

    subscription_ids: tuple[int, ...] | None = None
    customer_id: int | None = None

    @property
    def is_everything(self) -> bool:
        return self.subscription_ids is None and self.customer_id is None


EVERYTHING = Deliveries()


@dataclass(frozen=True)
class Affected:
    """The delivery dates a change may alter: ``deliveries`` from ``since`` (to ``until``)."""

    deliveries: Deliveries
    since: dt.date
    until: dt.date | None = None


@dataclass(frozen=True)
class Event:
    """The audit event of a change. ``first_affected`` is the first delivery date the change
    alters: past the customers' cut-off, the event says so."""

    action: str
    entity_type: str
    entity_id: int
    customer_id: int
    first_affected: dt.date
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class Change(Generic[Written]):
    """A change written and flushed: ``written`` (what the use case returns), its ``event``
    (None: nothing changed, nothing to record) and the dates it ``affected`` (None: none)."""

    written: Written
    event: Event | None
    affected: Affected | None
