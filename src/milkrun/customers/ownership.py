"""Whose records a caller may see: the one ownership rule.

A customer's login acts for its own customer only. Another customer's records are answered as
if they did not exist (404 ``customer_not_found``, never 403), so that ids do not reveal who is
a customer. An admin acts for every customer.
"""

from __future__ import annotations

from milkrun.customers.errors import CustomerNotFound


def ensure_own(own_customer_id: int | None, customer_id: int) -> None:
    """Refuse a customer's login (linked to ``own_customer_id``, or to none) another customer's
    record."""
    if customer_id != own_customer_id:
        raise CustomerNotFound(customer_id)


def ensure_in_view(customer_id: int, in_view: bool) -> None:
    """Refuse an admin limited to one hub a customer of another (``in_view`` false), as if it
    did not exist (``milkrun.hubs.scope``)."""
    if not in_view:
        raise CustomerNotFound(customer_id)


def ensure_may_act_for(owner: int | None, customer_id: int | None) -> None:
    """Refuse a caller limited to one customer (``owner``; None for an admin) a record of
    another; a request that names no customer is limited to the owner elsewhere."""
    if owner is not None and customer_id is not None:
        ensure_own(owner, customer_id)
