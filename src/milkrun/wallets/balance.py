"""A prepaid customer's balance as SQL, for one customer or all of them at once.

balance before D = payments
                 − the charges of its issued bills and the adjustments they carry (the ledger)
                 − what was delivered, or is still scheduled, before D and is on no issued bill
                   (delivered quantity, or the scheduled quantity, × the order's unit price: prices
                   include GST, ``catalog.tax``, so that is the charge)

So the balance equals minus the ledger balance once the days before D are billed (a property
test pins this), and in between it moves with each delivery. What day D costs is what is due on
D with no hold in the way (``orders.due``), priced the same way.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    and_,
    case,
    cast,
    func,
    literal,
    select,
)

from milkrun.adjustments.models import Adjustment
from milkrun.billing.billable import BILLED_OUTCOMES
from milkrun.billing.models import ISSUED_STATUSES, Invoice, InvoiceLine, InvoiceStatus
from milkrun.customers.models import Customer
from milkrun.deliveries.models import DeliveryStatus
from milkrun.orders.due import due_on
from milkrun.orders.models import Order, OrderStatus
from milkrun.payments.models import Payment
from milkrun.subscriptions.bookkeeping import EVERYTHING, Deliveries

_BIG = Integer().with_variant(BigInteger(), "postgresql")
_ISSUED = [status.value for status in ISSUED_STATUSES]


def _sum(value: Any) -> ColumnElement[Any]:
    return func.coalesce(func.sum(value), 0)


def available_before(
    day: dt.date, threshold_paise: int, *, prepaid_only: bool = True
) -> Select[Any]:
    """(customer_id, available_paise, threshold_paise): each prepaid customer's balance before
    ``day`` and the threshold in force (its own, else the dairy's)."""
    paid = (
        select(_sum(Payment.amount_paise))
        .where(Payment.customer_id == Customer.id)
        .scalar_subquery()
    )
    billed = (
        select(_sum(InvoiceLine.amount_paise + InvoiceLine.tax_paise))
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(Invoice.customer_id == Customer.id, Invoice.status.in_(_ISSUED))
        .scalar_subquery()
    )
    adjusted = (
        select(_sum(Adjustment.amount_paise + Adjustment.tax_paise))
        .join(Invoice, Invoice.id == Adjustment.against_invoice_id)
        .where(
            Adjustment.customer_id == Customer.id,
            Invoice.status != InvoiceStatus.draft.value,
        )
        .scalar_subquery()
    )
    on_issued_bill = (
        select(Invoice.id)
        .where(Invoice.id == Order.invoice_id, Invoice.status.in_(_ISSUED))
        .exists()
    )
    quantity = case(
        (Order.status.in_(BILLED_OUTCOMES), func.coalesce(DeliveryStatus.quantity_delivered, 0)),
        (Order.status == OrderStatus.scheduled.value, Order.quantity),
        else_=0,
    )
    unbilled = (
        select(_sum(cast(quantity, _BIG) * Order.unit_price_paise))
        .select_from(Order)
        .outerjoin(DeliveryStatus, DeliveryStatus.order_id == Order.id)
        .where(Order.customer_id == Customer.id, Order.delivery_date < day, ~on_issued_bill)
        .scalar_subquery()
    )
    threshold = func.coalesce(Customer.wallet_threshold_paise, literal(threshold_paise, _BIG))
    statement = select(
        Customer.id.label("customer_id"),
        (paid - billed - adjusted - unbilled).label("available_paise"),
        threshold.label("threshold_paise"),
    )
    return statement.where(Customer.is_prepaid) if prepaid_only else statement


def needed_on(day: dt.date, customer_id: int | None = None) -> Select[Any]:
    """(customer_id, needed_paise): what ``day``'s due orders would cost each customer (or
    one)."""
    scope = Deliveries(customer_id=customer_id) if customer_id is not None else EVERYTHING
    # Prepaid customers only: the whole day's due relation is not computed twice.
    due = due_on(day, scope, with_holds=False).where(Customer.is_prepaid).subquery("due_unheld")
    cost = cast(due.c.quantity, _BIG) * due.c.unit_price_paise
    return select(due.c.customer_id, _sum(cost).label("needed_paise")).group_by(due.c.customer_id)


def too_low(day: dt.date, threshold_paise: int, customer_id: int | None = None) -> Select[Any]:
    """(customer_id, available_paise, needed_paise, threshold_paise): the prepaid customers
    with something due on ``day`` whose balance before it, less what it costs, is below the
    threshold: the rule of a low-balance hold."""
    balance = available_before(day, threshold_paise)
    if customer_id is not None:
        balance = balance.where(Customer.id == customer_id)
    wallets = balance.subquery("wallets")
    needed = needed_on(day, customer_id).subquery("needed")
    return select(
        wallets.c.customer_id,
        wallets.c.available_paise,
        needed.c.needed_paise,
        wallets.c.threshold_paise,
    ).join(
        needed,
        and_(
            needed.c.customer_id == wallets.c.customer_id,
            wallets.c.available_paise - needed.c.needed_paise < wallets.c.threshold_paise,
        ),
    )
