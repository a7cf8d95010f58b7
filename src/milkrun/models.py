"""Every domain's ORM models, imported so the metadata knows all tables (migrations, tests)."""

from milkrun.audit.models import AuditEvent
from milkrun.auth.models import LoginThrottle, User
from milkrun.catalog.models import Product, ProductPrice
from milkrun.customers.models import Customer
from milkrun.orders.models import MaterializationRun, Order
from milkrun.routing.models import Route
from milkrun.subscriptions.models import Override, Pause, Subscription, SubscriptionTerms

__all__ = [
    "AuditEvent",
    "Customer",
    "LoginThrottle",
    "MaterializationRun",
    "Order",
    "Override",
    "Pause",
    "Product",
    "ProductPrice",
    "Route",
    "Subscription",
    "SubscriptionTerms",
    "User",
]
