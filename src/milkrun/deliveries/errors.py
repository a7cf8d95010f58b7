"""The refusals of marking deliveries, each with its stable code."""

from __future__ import annotations

from milkrun.errors import Conflict, Forbidden, InvalidInput, MilkrunError


class IdempotencyKeyReused(MilkrunError):
    """The same Idempotency-Key came back with a different request: the client has a bug, and
    replaying the first answer to it would hide that."""

    status = 422
    code = "idempotency_key_reused"
    title = "Idempotency key reused"


class KeyInUse(Conflict):
    """The first request with this Idempotency-Key is still running."""

    code = "key_in_use"


class OrderNotInScope(Forbidden):
    """The order is not on a route and date the caller may mark."""

    code = "order_not_in_scope"


class CustomerMismatch(InvalidInput):
    """The order is not an order of the customer named with it."""

    code = "customer_mismatch"


class DateMismatch(InvalidInput):
    """The order is not for the date named with it."""

    code = "date_mismatch"


class NoOrders(InvalidInput):
    """The customer has nothing to deliver on that date."""

    code = "no_orders"


class OrderCancelled(Conflict):
    """A cancelled order cannot be marked."""

    code = "order_cancelled"


class OrderNotDue(InvalidInput):
    """An order cannot be marked before its delivery date."""

    code = "order_not_due"


class ConcurrentMark(Conflict):
    """Someone else is marking the order at this moment: try again."""

    code = "concurrent_mark"


class QuantityAboveOrdered(InvalidInput):
    """More delivered than was ordered."""

    code = "quantity_above_ordered"


class QuantityMismatch(InvalidInput):
    """The quantity delivered does not fit the status (all, some or none)."""

    code = "quantity_mismatch"


class QuantityRequired(InvalidInput):
    """A partial delivery says how many were delivered."""

    code = "quantity_required"


class ReasonRequired(InvalidInput):
    """An order not (fully) delivered says why."""

    code = "reason_required"


class ReasonNotAllowed(InvalidInput):
    """A reason is only given for an order not (fully) delivered."""

    code = "reason_not_allowed"


class CustomerNotInScope(Forbidden):
    """The customer is not on a route the caller walks on the date."""

    code = "customer_not_in_scope"


class StopNotDue(InvalidInput):
    """A stop of a later date cannot be recorded yet."""

    code = "stop_not_due"
