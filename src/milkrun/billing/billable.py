"""What a billing run bills: which orders, which adjustments, on which drafts.

An order is billable when its status is delivered or partially delivered (written with its
delivery status, in one transaction); the delivery status says how many units. An adjustment is
carried by the run of a month when it is on no invoice yet and was recorded against an issued
(or since voided) invoice of an earlier month. A run covers a month's drafts, or those of a
range of customers (``Scope``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, select, true

from milkrun.adjustments.models import Adjustment
from milkrun.billing.models import Invoice, InvoiceStatus
from milkrun.billing.months import month_end
from milkrun.orders.models import Order

BILLED_OUTCOMES = ("delivered", "partially_delivered")


@dataclass(frozen=True)
class Scope:
    """A month's drafts, or those of the customers with ids ``first_customer``..``last``."""

    month: dt.date
    first_customer: int | None = None
    last_customer: int | None = None

    @property
    def last_day(self) -> dt.date:
        return month_end(self.month)

    def customers(self, column: Any) -> ColumnElement[bool]:
        if self.first_customer is None or self.last_customer is None:
            return true()
        return and_(column >= self.first_customer, column <= self.last_customer)

    def drafts(self) -> ColumnElement[bool]:
        return and_(
            Invoice.month == self.month,
            Invoice.status == InvoiceStatus.draft.value,
            self.customers(Invoice.customer_id),
        )

    def orders(self) -> ColumnElement[bool]:
        return and_(
            Order.delivery_date >= self.month,
            Order.delivery_date <= self.last_day,
            self.customers(Order.customer_id),
        )

    def orders_on_drafts(self) -> ColumnElement[bool]:
        """Join the scope's orders to the drafts they are on (``on_draft``)."""
        return and_(self.drafts(), self.customers(Order.customer_id), on_draft(Invoice, self.month))


def on_draft(invoice: Any, month: dt.date) -> ColumnElement[bool]:
    """Which orders a draft of ``month`` bills (``invoice``: the Invoice entity, an alias, or a
    row's columns): its customer's billable orders of the month that are on no issued invoice.

    The link of a draft is derived, never written: a billing run and its reruns write no order.
    Finalizing writes ``orders.invoice_id`` for the drafts it issues (``drafts.link_orders``),
    so an issued invoice's orders are held by the foreign key and the triggers; one draft per
    customer and month (``uq_invoices_draft_customer_month``) makes the derivation unambiguous.
    """
    return and_(
        invoice.month == month,
        invoice.status == InvoiceStatus.draft.value,
        Order.customer_id == invoice.customer_id,
        Order.delivery_date >= month,
        Order.delivery_date <= month_end(month),
        Order.invoice_id.is_(None),
        Order.status.in_(BILLED_OUTCOMES),
    )


def pending_adjustments(month: dt.date) -> ColumnElement[bool]:
    """Adjustments the run of ``month`` carries: not yet on an invoice, and against an issued
    (or since voided) invoice of an earlier month. One against a draft is provisional: the
    rebuild of that draft absorbs it."""
    against_earlier_issued = (
        select(Invoice.id)
        .where(Invoice.status != InvoiceStatus.draft.value, Invoice.month < month)
        .scalar_subquery()
    )
    return and_(
        Adjustment.invoice_id.is_(None),
        Adjustment.against_invoice_id.in_(against_earlier_issued),
    )
