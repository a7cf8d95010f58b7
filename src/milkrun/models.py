"""Every domain's ORM models, imported so the metadata knows all tables (migrations, tests)."""

from milkrun.audit.models import AuditEvent
from milkrun.auth.models import LoginThrottle, User
from milkrun.catalog.models import Product, ProductPrice
from milkrun.customers.models import Customer
from milkrun.routing.models import Route

__all__ = ["AuditEvent", "Customer", "LoginThrottle", "Product", "ProductPrice", "Route", "User"]
