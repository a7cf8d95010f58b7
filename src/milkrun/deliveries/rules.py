"""The rules of a mark: what each outcome means for the quantity delivered and the reason."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from milkrun.deliveries.errors import (
    OrderCancelled,
    OrderNotDue,
    QuantityAboveOrdered,
    QuantityMismatch,
    QuantityRequired,
    ReasonNotAllowed,
    ReasonRequired,
)
from milkrun.deliveries.models import DeliveryOutcome, NotDeliveredReason
from milkrun.orders.models import Order, OrderStatus


@dataclass(frozen=True)
class Outcome:
    status: DeliveryOutcome
    quantity_delivered: int
    reason: NotDeliveredReason | None
    notes: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "quantity_delivered": self.quantity_delivered,
            "reason": self.reason.value if self.reason else None,
            "notes": self.notes,
        }


def outcome_of(
    order: Order,
    status: DeliveryOutcome,
    quantity_delivered: int | None,
    reason: NotDeliveredReason | None,
    notes: str | None,
    today: dt.date,
) -> Outcome:
    """The rules of a mark: delivered is the whole quantity and has no reason; partially
    delivered is more than 0 and less than the quantity; not delivered is 0 with a reason.
    A cancelled order, or one for a later date, cannot be marked."""
    if order.status == OrderStatus.cancelled:
        raise OrderCancelled(f"Order {order.id} was cancelled; it cannot be marked")
    if order.delivery_date > today:
        raise OrderNotDue(
            f"Order {order.id} is for {order.delivery_date.isoformat()}; it cannot be marked "
            "before that day",
        )
    ordered = order.quantity
    if quantity_delivered is not None and quantity_delivered > ordered:
        raise QuantityAboveOrdered(
            f"{quantity_delivered} is more than the {ordered} ordered",
        )
    if status == DeliveryOutcome.delivered:
        if quantity_delivered is not None and quantity_delivered != ordered:
            raise QuantityMismatch(
                f"Delivered means all {ordered}; for {quantity_delivered} use partially_delivered",
            )
        if reason is not None:
            raise ReasonNotAllowed(
                "A reason is only given for an order not (fully) delivered",
            )
        return Outcome(status, ordered, None, notes)
    if status == DeliveryOutcome.partially_delivered:
        if quantity_delivered is None:
            raise QuantityRequired("Say how many were delivered (quantity_delivered)")
        if quantity_delivered == ordered:
            raise QuantityMismatch(
                f"All {ordered} were delivered: that is delivered, not partially_delivered",
            )
        if quantity_delivered == 0:
            raise QuantityMismatch(
                "None were delivered: that is not_delivered, with a reason",
            )
        return Outcome(status, quantity_delivered, reason, notes)
    if quantity_delivered not in (None, 0):
        raise QuantityMismatch(
            f"Not delivered means 0; for {quantity_delivered} use partially_delivered",
        )
    if reason is None:
        raise ReasonRequired(
            "Say why it was not delivered (reason: customer_unavailable, address_not_found, "
            "refused, out_of_stock or other)",
        )
    return Outcome(status, 0, reason, notes)
