"""The billing run: rebuild a month's draft invoices from what was delivered. Set-based SQL.

One draft per customer with anything billable in the month: every order of the month whose
delivery status is delivered or partially delivered and that is on no invoice yet (one-time
orders as much as subscription orders), billed at quantity_delivered x the order's captured
unit price, in lines per product and unit price, tax per line at the product's rate rounded half
up; plus the customer's pending adjustments (corrections to orders of issued invoices of earlier
months). Each billed order points to its draft.

Rebuilding a draft keeps its row (and id) and re-derives everything in it; drafts with nothing
left to bill are deleted; issued and void invoices are never touched. The whole run holds the
month's lock (``lock_month``): twenty concurrent runs queue and each rebuilds the same drafts.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    Integer,
    MetaData,
    Select,
    and_,
    cast,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
    text,
    update,
)
from sqlalchemy import Table as CoreTable
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.adjustments.models import Adjustment
from milkrun.billing.models import Invoice, InvoiceLine, InvoiceStatus
from milkrun.catalog.models import Product
from milkrun.customers.models import Customer
from milkrun.deliveries.models import DeliveryStatus
from milkrun.errors import InvalidInput
from milkrun.orders.models import Order

BILLED_OUTCOMES = ("delivered", "partially_delivered")
# pg_advisory_xact_lock(class, key): the class says "a billing month", the key which one.
MONTH_LOCK_CLASS = 0x6D72

Progress = Callable[[str], None]
TEMPORARY_CUSTOMERS = "billing_run_customers"
# How many times rebuild_drafts reports progress (a progress bar's length).
REBUILD_STEPS = 7
# Sums of paise can pass 2**31 on PostgreSQL (an INTEGER there); SQLite integers are 64-bit.
_BIG = Integer().with_variant(BigInteger(), "postgresql")


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def next_month(month: dt.date) -> dt.date:
    return month_end(month) + dt.timedelta(days=1)


def check_billable_month(month: dt.date, today: dt.date) -> dt.date:
    """A month can be billed once it has begun; a later month is refused (nothing delivered)."""
    month = month_start(month)
    if month > month_start(today):
        raise InvalidInput(
            f"{month:%Y-%m} has not begun yet; nothing in it can be billed",
            code="month_in_future",
        )
    return month


def lock_month(session: Session, month: dt.date) -> None:
    """Serialize everything that changes a month's invoices (runs, finalizing, voiding).

    PostgreSQL: a transaction-scoped advisory lock. SQLite: writers already run one at a time
    (``BEGIN IMMEDIATE``).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(:lock_class, :key)"),
            {"lock_class": MONTH_LOCK_CLASS, "key": month.year * 100 + month.month},
        )


@dataclass(frozen=True)
class Rebuilt:
    created: int
    updated: int
    deleted: int
    invoices: int
    total_paise: int


def _drafts_of(month: dt.date) -> Select[int]:
    return select(Invoice.id).where(
        Invoice.month == month, Invoice.status == InvoiceStatus.draft.value
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


def _billable(month: dt.date) -> ColumnElement[bool]:
    return and_(
        Order.delivery_date >= month,
        Order.delivery_date <= month_end(month),
        Order.invoice_id.is_(None),
        exists().where(
            DeliveryStatus.order_id == Order.id, DeliveryStatus.status.in_(BILLED_OUTCOMES)
        ),
    )


def _exec(session: Session, statement: Any) -> int:
    result = session.execute(statement, execution_options={"synchronize_session": False})
    return int(getattr(result, "rowcount", 0) or 0)


def rebuild_drafts(
    session: Session, month: dt.date, *, progress: Progress | None = None
) -> Rebuilt:
    """Rebuild the drafts of ``month`` (the caller holds the month's lock)."""
    step = progress or (lambda _description: None)
    now = clock.now()
    drafts = _drafts_of(month).scalar_subquery()

    step("releasing the month's drafts")
    _exec(session, update(Order).where(Order.invoice_id.in_(drafts)).values(invoice_id=None))
    _exec(session, delete(InvoiceLine).where(InvoiceLine.invoice_id.in_(drafts)))
    _exec(
        session, update(Adjustment).where(Adjustment.invoice_id.in_(drafts)).values(invoice_id=None)
    )
    # Corrections of orders while their invoice was a draft: the rebuild bills the new quantity.
    _exec(session, delete(Adjustment).where(Adjustment.against_invoice_id.in_(drafts)))

    step("finding customers with something to bill")
    customers = _billable_customers(session, month)

    step("making one draft per customer")
    deleted = _exec(
        session,
        delete(Invoice).where(
            Invoice.month == month,
            Invoice.status == InvoiceStatus.draft.value,
            Invoice.customer_id.not_in(select(customers.c.customer_id)),
        ),
    )
    updated = _exec(
        session,
        update(Invoice)
        .where(Invoice.month == month, Invoice.status == InvoiceStatus.draft.value)
        .values(
            customer_name=select(Customer.name)
            .where(Customer.id == Invoice.customer_id)
            .scalar_subquery(),
            customer_address=select(Customer.address)
            .where(Customer.id == Invoice.customer_id)
            .scalar_subquery(),
            updated_at=now,
        ),
    )
    has_draft = exists().where(
        Invoice.customer_id == Customer.id,
        Invoice.month == month,
        Invoice.status == InvoiceStatus.draft.value,
    )
    new_drafts = select(
        Customer.id,
        literal(month),
        literal(InvoiceStatus.draft.value),
        Customer.name,
        Customer.address,
        literal(0),
        literal(0),
        literal(0),
        literal(0),
        literal(now, Invoice.created_at.type),
        literal(now, Invoice.updated_at.type),
    ).where(Customer.id.in_(select(customers.c.customer_id)), ~has_draft)
    session.execute(
        insert(Invoice).from_select(
            [
                "customer_id",
                "month",
                "status",
                "customer_name",
                "customer_address",
                "subtotal_paise",
                "tax_paise",
                "total_paise",
                "amount_paid_paise",
                "created_at",
                "updated_at",
            ],
            new_drafts,
        ),
    )
    _empty_temporary(session, customers)

    step("putting delivered orders on their drafts")
    draft_of_customer = (
        select(Invoice.id)
        .where(
            Invoice.customer_id == Order.customer_id,
            Invoice.month == month,
            Invoice.status == InvoiceStatus.draft.value,
        )
        .scalar_subquery()
    )
    _exec(session, update(Order).where(_billable(month)).values(invoice_id=draft_of_customer))

    step("summing lines per product and price")
    _insert_lines(session, month)

    step("carrying pending adjustments")
    draft_of_adjusted = (
        select(Invoice.id)
        .where(
            Invoice.customer_id == Adjustment.customer_id,
            Invoice.month == month,
            Invoice.status == InvoiceStatus.draft.value,
        )
        .scalar_subquery()
    )
    _exec(
        session,
        update(Adjustment).where(pending_adjustments(month)).values(invoice_id=draft_of_adjusted),
    )

    step("totalling the drafts")
    refresh_totals(session, Invoice.id.in_(drafts), now=now)

    count, total = session.execute(
        select(func.count(Invoice.id), func.coalesce(func.sum(Invoice.total_paise), 0)).where(
            Invoice.month == month, Invoice.status == InvoiceStatus.draft.value
        )
    ).one()
    return Rebuilt(
        created=int(count) - updated,
        updated=updated,
        deleted=deleted,
        invoices=int(count),
        total_paise=int(total),
    )


def _billable_customers(session: Session, month: dt.date) -> Any:
    """A temporary table of the customers who get a draft: something delivered and not yet
    billed, or a pending adjustment. (PostgreSQL drops it at commit; SQLite keeps an empty one
    per connection: dropping a table there fails while any statement is open.)"""
    postgres = session.get_bind().dialect.name == "postgresql"
    name = TEMPORARY_CUSTOMERS
    if postgres:
        session.execute(text(f"DROP TABLE IF EXISTS pg_temp.{name}"))
        session.execute(
            text(f"CREATE TEMPORARY TABLE {name} (customer_id integer PRIMARY KEY) ON COMMIT DROP")
        )
    else:
        session.execute(
            text(f"CREATE TEMPORARY TABLE IF NOT EXISTS {name} (customer_id integer PRIMARY KEY)")
        )
    table = CoreTable(name, MetaData(), Column("customer_id", Integer, primary_key=True))
    if not postgres:
        session.execute(delete(table))
    delivered = (
        select(Order.customer_id)
        .where(_billable(month))
        .union(select(Adjustment.customer_id).where(pending_adjustments(month)))
    )
    session.execute(insert(table).from_select(["customer_id"], delivered))
    if postgres:
        session.execute(text(f"ANALYZE {name}"))
    return table


def _empty_temporary(session: Session, table: Any) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"DROP TABLE IF EXISTS pg_temp.{TEMPORARY_CUSTOMERS}"))
    else:
        session.execute(delete(table))


def _insert_lines(session: Session, month: dt.date) -> None:
    """One line per draft, product and unit price: the delivered quantity summed, its amount,
    and the tax at the product's rate rounded half up per line (integer arithmetic)."""
    quantity = func.sum(DeliveryStatus.quantity_delivered)
    amount = cast(quantity, _BIG) * Order.unit_price_paise
    tax = (amount * Product.tax_rate_bps + 5000) // 10000
    lines = (
        select(
            Order.invoice_id,
            Order.product_id,
            func.substr(Product.name + " · " + Product.unit, 1, 200),
            quantity,
            Order.unit_price_paise,
            amount,
            Product.tax_rate_bps,
            tax,
        )
        .join(DeliveryStatus, DeliveryStatus.order_id == Order.id)
        .join(Product, Product.id == Order.product_id)
        .join(Invoice, Invoice.id == Order.invoice_id)
        .where(
            Invoice.month == month,
            Invoice.status == InvoiceStatus.draft.value,
            Order.delivery_date >= month,
            Order.delivery_date <= month_end(month),
            DeliveryStatus.status.in_(BILLED_OUTCOMES),
        )
        .group_by(
            Order.invoice_id,
            Order.product_id,
            Order.unit_price_paise,
            Product.name,
            Product.unit,
            Product.tax_rate_bps,
        )
    )
    session.execute(
        insert(InvoiceLine).from_select(
            [
                "invoice_id",
                "product_id",
                "description",
                "quantity",
                "unit_price_paise",
                "amount_paise",
                "tax_rate_bps",
                "tax_paise",
            ],
            lines,
        )
    )


def refresh_totals(
    session: Session, which: ColumnElement[bool], *, now: dt.datetime | None = None
) -> None:
    """Set the totals of the (draft) invoices ``which`` selects from their lines and the
    adjustments they carry."""
    lines_amount = (
        select(func.coalesce(func.sum(InvoiceLine.amount_paise), 0))
        .where(InvoiceLine.invoice_id == Invoice.id)
        .scalar_subquery()
    )
    lines_tax = (
        select(func.coalesce(func.sum(InvoiceLine.tax_paise), 0))
        .where(InvoiceLine.invoice_id == Invoice.id)
        .scalar_subquery()
    )
    adjusted_amount = (
        select(func.coalesce(func.sum(Adjustment.amount_paise), 0))
        .where(Adjustment.invoice_id == Invoice.id)
        .scalar_subquery()
    )
    adjusted_tax = (
        select(func.coalesce(func.sum(Adjustment.tax_paise), 0))
        .where(Adjustment.invoice_id == Invoice.id)
        .scalar_subquery()
    )
    subtotal = lines_amount + adjusted_amount
    tax = lines_tax + adjusted_tax
    _exec(
        session,
        update(Invoice)
        .where(which, Invoice.status == InvoiceStatus.draft.value)
        .values(
            subtotal_paise=subtotal,
            tax_paise=tax,
            total_paise=subtotal + tax,
            updated_at=now or clock.now(),
        ),
    )
