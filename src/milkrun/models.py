"""Every domain's ORM models, imported so the metadata knows all tables (migrations, tests)."""

from milkrun.audit.models import AuditEvent
from milkrun.auth.models import LoginThrottle, User
from milkrun.catalog.models import Product, ProductPrice
from milkrun.customers.models import Customer
from milkrun.deliveries.models import DeliveryStatus, IdempotencyKey
from milkrun.links.models import LinkGuessThrottle, SharedDeliveryLink
from milkrun.orders.models import MaterializationRun, Order
from milkrun.routing.models import Route, RouteSubstitute
from milkrun.subscriptions.models import Override, Pause, Subscription, SubscriptionTerms

__all__ = [
    "AuditEvent",
    "Customer",
    "DeliveryStatus",
    "IdempotencyKey",
    "LinkGuessThrottle",
    "LoginThrottle",
    "MaterializationRun",
    "Order",
    "Override",
    "Pause",
    "Product",
    "ProductPrice",
    "Route",
    "RouteSubstitute",
    "SharedDeliveryLink",
    "Subscription",
    "SubscriptionTerms",
    "User",
]
