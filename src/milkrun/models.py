"""Every domain's ORM models, imported so the metadata knows all tables (migrations, tests)."""

from milkrun.adjustments.models import Adjustment
from milkrun.audit.models import AuditEvent
from milkrun.auth.models import LoginThrottle, User
from milkrun.bill_links.models import BillLink
from milkrun.billing.models import Allocation, Invoice, InvoiceLine, InvoiceSeries
from milkrun.catalog.models import Product, ProductPrice
from milkrun.containers.models import ContainerMovement, ContainerType
from milkrun.counter_sales.models import CounterSale, CounterSaleLine
from milkrun.customers.models import Customer
from milkrun.deliveries.models import DeliveryProof, DeliveryStatus, IdempotencyKey
from milkrun.hubs.models import Holiday, Hub
from milkrun.legacy.models import LegacyRecord
from milkrun.links.models import LinkGuessThrottle, SharedDeliveryLink
from milkrun.notify.models import MessageConsent, OutboxMessage
from milkrun.offers.models import Offer, OfferAcceptance
from milkrun.orders.models import LowBalanceHold, MaterializationRun, Order
from milkrun.payment_links.models import PaymentLink
from milkrun.payments.models import CashCollection, CashHandover, Payment
from milkrun.periods.models import DayClose, MonthClose
from milkrun.routing.models import Route, RouteSubstitute
from milkrun.statements.models import StatementImport, StatementLine, StatementMapping, UpiHandle
from milkrun.subscriptions.models import Override, Pause, Subscription, SubscriptionTerms

__all__ = [
    "Adjustment",
    "Allocation",
    "AuditEvent",
    "BillLink",
    "CashCollection",
    "CashHandover",
    "ContainerMovement",
    "ContainerType",
    "CounterSale",
    "CounterSaleLine",
    "Customer",
    "DayClose",
    "DeliveryProof",
    "DeliveryStatus",
    "Holiday",
    "Hub",
    "IdempotencyKey",
    "Invoice",
    "InvoiceLine",
    "InvoiceSeries",
    "LegacyRecord",
    "LinkGuessThrottle",
    "LoginThrottle",
    "LowBalanceHold",
    "MaterializationRun",
    "MessageConsent",
    "MonthClose",
    "Offer",
    "OfferAcceptance",
    "Order",
    "OutboxMessage",
    "Override",
    "Pause",
    "Payment",
    "PaymentLink",
    "Product",
    "ProductPrice",
    "Route",
    "RouteSubstitute",
    "SharedDeliveryLink",
    "StatementImport",
    "StatementLine",
    "StatementMapping",
    "Subscription",
    "SubscriptionTerms",
    "UpiHandle",
    "User",
]
