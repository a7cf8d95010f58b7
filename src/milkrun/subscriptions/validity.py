"""The validity chain of a subscription's terms: each terms row ends (``effective_to``) on the
day the next one takes effect, the last one is open (NULL). The one place the chain is set;
every writer of terms (the subscriptions service, the legacy import, the benchmark fixtures)
goes through it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, MutableMapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.subscriptions.models import SubscriptionTerms


def ends(starts: Sequence[dt.date]) -> list[dt.date | None]:
    """The validity ends of terms starting on ``starts`` (ascending): the next start, or None."""
    return [*starts[1:], None]


def link(session: Session, subscription_id: int) -> None:
    """Set ``effective_to`` on every stored terms row of the subscription from the rows as they
    now are (after terms were added, moved or removed); flushes."""
    session.flush()
    rows = session.scalars(
        select(SubscriptionTerms)
        .where(SubscriptionTerms.subscription_id == subscription_id)
        .order_by(SubscriptionTerms.effective_from)
    ).all()
    for row, end in zip(rows, ends([r.effective_from for r in rows]), strict=True):
        if row.effective_to != end:
            row.effective_to = end
    session.flush()


def link_rows(rows: Iterable[MutableMapping[str, Any]]) -> None:
    """Set ``effective_to`` on terms rows about to be inserted in bulk (dicts with
    ``subscription_id`` and ``effective_from``), subscription by subscription."""
    by_subscription: dict[Any, list[MutableMapping[str, Any]]] = {}
    for row in rows:
        by_subscription.setdefault(row["subscription_id"], []).append(row)
    for group in by_subscription.values():
        group.sort(key=lambda r: r["effective_from"])
        for row, end in zip(group, ends([r["effective_from"] for r in group]), strict=True):
            row["effective_to"] = end
