"""The hub check of every admin request: the records its path names must be in the admin's hub.

An admin limited to one hub (``hubs.scope.HubScope``) asks for pages and API calls by id; the
ids in the path (a customer, a route, or a record of a customer: a subscription, an order, an
invoice) are checked here once, for the pages (``web.pages``) and the API (``api.deps``) alike,
so no endpoint repeats it. A record outside the hub is answered as one that does not exist, with
that record's own 404; one that does not exist is left to the endpoint.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.billing.errors import InvoiceNotFound
from milkrun.billing.models import Invoice
from milkrun.customers.models import Customer
from milkrun.errors import NotFound
from milkrun.hubs.scope import HubScope
from milkrun.orders.errors import OrderNotFound
from milkrun.orders.models import Order
from milkrun.routing.models import Route
from milkrun.subscriptions.errors import SubscriptionNotFound
from milkrun.subscriptions.models import Subscription

_OF_A_CUSTOMER: dict[str, tuple[Any, type[NotFound]]] = {
    "subscription_id": (Subscription, SubscriptionNotFound),
    "order_id": (Order, OrderNotFound),
    "invoice_id": (Invoice, InvoiceNotFound),
}


def ensure_in_hub(session: Session, scope: HubScope, path: Mapping[str, Any]) -> None:
    """Refuse (404) a limited admin a record of another hub named in the request's path."""
    if not scope.is_limited:
        return
    for name, value in path.items():
        text = str(value)
        if not text.isdigit():
            continue
        if name == "route_id":
            route = session.get(Route, int(text))
            if route is not None:
                scope.ensure_route(route)
        elif name == "customer_id":
            customer = session.get(Customer, int(text))
            if customer is not None:
                scope.ensure_customer(session, customer)
        elif name in _OF_A_CUSTOMER:
            model, not_found = _OF_A_CUSTOMER[name]
            owner = session.scalar(select(model.customer_id).where(model.id == int(text)))
            if owner is None:
                continue
            in_view = session.scalar(
                select(scope.has_customer(Customer.id)).where(Customer.id == owner)
            )
            if not in_view:
                raise not_found(f"There is no {name.removesuffix('_id')} {text}")
