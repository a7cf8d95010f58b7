"""The rules of a mark: what each outcome means for the quantity delivered and the reason."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from milkrun.deliveries.models import DeliveryOutcome, NotDeliveredReason
from milkrun.errors import Conflict, InvalidInput
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
        raise Conflict(
            f"Order {order.id} was cancelled; it cannot be marked", code="order_cancelled"
        )
    if order.delivery_date > today:
        raise InvalidInput(
            f"Order {order.id} is for {order.delivery_date.isoformat()}; it cannot be marked "
            "before that day",
            code="order_not_due",
        )
    ordered = order.quantity
    if quantity_delivered is not None and quantity_delivered > ordered:
        raise InvalidInput(
            f"{quantity_delivered} is more than the {ordered} ordered",
            code="quantity_above_ordered",
        )
    if status == DeliveryOutcome.delivered:
        if quantity_delivered is not None and quantity_delivered != ordered:
            raise InvalidInput(
                f"Delivered means all {ordered}; for {quantity_delivered} use partially_delivered",
                code="quantity_mismatch",
            )
        if reason is not None:
            raise InvalidInput(
                "A reason is only given for an order not (fully) delivered",
                code="reason_not_allowed",
            )
        return Outcome(status, ordered, None, notes)
    if status == DeliveryOutcome.partially_delivered:
        if quantity_delivered is None:
            raise InvalidInput(
                "Say how many were delivered (quantity_delivered)", code="quantity_required"
            )
        if quantity_delivered == ordered:
            raise InvalidInput(
                f"All {ordered} were delivered: that is delivered, not partially_delivered",
                code="quantity_mismatch",
            )
        if quantity_delivered == 0:
            raise InvalidInput(
                "None were delivered: that is not_delivered, with a reason",
                code="quantity_mismatch",
            )
        return Outcome(status, quantity_delivered, reason, notes)
    if quantity_delivered not in (None, 0):
        raise InvalidInput(
            f"Not delivered means 0; for {quantity_delivered} use partially_delivered",
            code="quantity_mismatch",
        )
    if reason is None:
        raise InvalidInput(
            "Say why it was not delivered (reason: customer_unavailable, address_not_found, "
            "refused, out_of_stock or other)",
            code="reason_required",
        )
    return Outcome(status, 0, reason, notes)
