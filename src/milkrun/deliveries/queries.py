"""Reading what happened to orders (the manifest reads a route's day in ``manifest.py``)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.deliveries.models import DeliveryStatus


def statuses_of_orders(session: Session, order_ids: Iterable[int]) -> dict[int, DeliveryStatus]:
    """The delivery status of each marked order among ``order_ids``, by order id (unmarked
    orders are absent). One query."""
    ids = list(order_ids)
    if not ids:
        return {}
    rows = session.scalars(select(DeliveryStatus).where(DeliveryStatus.order_id.in_(ids)))
    return {row.order_id: row for row in rows}
