"""The refusals of the order book, each with its stable code."""

from __future__ import annotations

from milkrun.errors import Conflict, InvalidInput, NamedInBody, NotFound


class OrderNotFound(NotFound):
    """No order has this id (or the caller may not see it)."""

    code = "order_not_found"


class UnknownOrder(NamedInBody):
    """The order named in the request does not exist."""

    code = OrderNotFound.code


class SubscriptionOrder(InvalidInput):
    """An order made from a subscription is skipped with an override, not cancelled."""

    code = "subscription_order"


class OrderNotOpen(Conflict):
    """The order is no longer open (delivered, cancelled) and cannot be cancelled."""

    code = "order_not_open"


class CustomerAlreadyActive(Conflict):
    """Reactivating a customer who is active."""

    code = "customer_already_active"


class CustomerAlreadyInactive(Conflict):
    """Deactivating a customer who has left already."""

    code = "customer_already_inactive"
