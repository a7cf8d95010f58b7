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
    and_,
    cast,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    true,
    update,
)
from sqlalchemy import Table as CoreTable
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.adjustments import service as adjustment_service
from milkrun.adjustments.models import Adjustment
from milkrun.billing.models import Invoice, InvoiceLine, InvoiceStatus
from milkrun.catalog.models import Product
from milkrun.customers.models import Customer
from milkrun.deliveries.models import DeliveryStatus
from milkrun.errors import InvalidInput
from milkrun.orders.models import Order

BILLED_OUTCOMES = ("delivered", "partially_delivered")

Progress = Callable[[str], None]
TEMPORARY_CUSTOMERS = "billing_run_customers"
# How many times rebuild_drafts reports progress (a progress bar's length).
REBUILD_STEPS = 7
# Above this many rows changed, the run refreshes the planner's statistics (PostgreSQL).
MANY = 10_000
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
    """Serialize everything that changes a month's invoices (runs, finalizing, voiding) with
    each other and with corrections of the month's billed orders (see
    ``adjustments.service.lock_billing_month``)."""
    adjustment_service.lock_billing_month(session, month)


@dataclass(frozen=True)
class Rebuilt:
    created: int
    updated: int
    deleted: int
    invoices: int
    total_paise: int


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


def _exec(session: Session, statement: Any) -> int:
    result = session.execute(statement, execution_options={"synchronize_session": False})
    return int(getattr(result, "rowcount", 0) or 0)


def rebuild_drafts(
    session: Session,
    month: dt.date,
    *,
    progress: Progress | None = None,
    scope: Scope | None = None,
) -> Rebuilt:
    """Rebuild the drafts of ``month`` (the caller holds the month's lock).

    An order's status (written with its delivery status, in one transaction) says whether it is
    billable; the delivery status says how many. Only what changed is written: orders already
    on their draft stay there (a rerun rewrites lines and totals, not three million orders).
    """
    step = progress or (lambda _description: None)
    scope = scope or Scope(month)
    now = clock.now()
    drafts = select(Invoice.id).where(scope.drafts()).scalar_subquery()
    if session.get_bind().dialect.name == "postgresql":
        # A batch job: room for its joins and aggregates in memory.
        session.execute(text("SET LOCAL work_mem = '128MB'"))

    step("clearing the drafts' lines and provisional corrections")
    _exec(session, delete(InvoiceLine).where(InvoiceLine.invoice_id.in_(drafts)))
    _exec(
        session, update(Adjustment).where(Adjustment.invoice_id.in_(drafts)).values(invoice_id=None)
    )
    # Corrections of orders while their invoice was a draft: the rebuild bills the new quantity.
    _exec(session, delete(Adjustment).where(Adjustment.against_invoice_id.in_(drafts)))
    # Orders on a draft that are no longer delivered (a correction) leave it.
    _exec(
        session,
        update(Order)
        .where(
            scope.orders(),
            Order.invoice_id.in_(drafts),
            Order.status.not_in(BILLED_OUTCOMES),
        )
        .values(invoice_id=None),
    )

    step("finding customers with something to bill")
    customers = _billable_customers(session, scope)

    step("making one draft per customer")
    deleted = _exec(
        session,
        delete(Invoice).where(
            scope.drafts(), Invoice.customer_id.not_in(select(customers.c.customer_id))
        ),
    )
    updated = _exec(
        session,
        update(Invoice)
        .where(scope.drafts())
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
    # Customers who have their draft already are taken off the list first: an INSERT that
    # looks for drafts in the table it fills reads its own rows (quadratic on PostgreSQL).
    _exec(
        session,
        delete(customers).where(
            customers.c.customer_id.in_(select(Invoice.customer_id).where(scope.drafts()))
        ),
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
    ).join(customers, customers.c.customer_id == Customer.id)
    # (INSERT ... SELECT reports no row count through every driver: count what goes in.)
    created = int(session.scalar(select(func.count()).select_from(customers)) or 0)
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
    if created > MANY:
        _analyze(session, "invoices")
    _empty_temporary(session, customers)

    step("putting delivered orders on their drafts")
    if _assign_orders(session, scope) > MANY:
        _analyze(session, "orders")

    step("summing lines per product and price")
    _insert_lines(session, scope)

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
        update(Adjustment)
        .where(pending_adjustments(month), scope.customers(Adjustment.customer_id))
        .values(invoice_id=draft_of_adjusted),
    )

    step("totalling the drafts")
    refresh_totals(session, scope, now=now)

    count, total = session.execute(
        select(func.count(Invoice.id), func.coalesce(func.sum(Invoice.total_paise), 0)).where(
            scope.drafts()
        )
    ).one()
    return Rebuilt(
        created=created,
        updated=updated,
        deleted=deleted,
        invoices=int(count),
        total_paise=int(total),
    )


def _analyze(session: Session, table: str) -> None:
    """Fresh planner statistics after a bulk change (PostgreSQL plans the next statements of
    this same transaction with them)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"ANALYZE {table}"))


def _assign_orders(session: Session, scope: Scope) -> int:
    """Put every billable order of the scope that is on no invoice on its customer's draft."""
    condition = and_(
        scope.orders(),
        Order.invoice_id.is_(None),
        Order.status.in_(BILLED_OUTCOMES),
    )
    if session.get_bind().dialect.name == "postgresql":
        # UPDATE ... FROM: one hash join instead of a lookup per order.
        return _exec(
            session,
            update(Order)
            .where(
                condition,
                Invoice.customer_id == Order.customer_id,
                Invoice.month == scope.month,
                Invoice.status == InvoiceStatus.draft.value,
            )
            .values(invoice_id=Invoice.id),
        )
    draft_of_customer = (
        select(Invoice.id)
        .where(
            Invoice.customer_id == Order.customer_id,
            Invoice.month == scope.month,
            Invoice.status == InvoiceStatus.draft.value,
        )
        .scalar_subquery()
    )
    return _exec(session, update(Order).where(condition).values(invoice_id=draft_of_customer))


def _billable_customers(session: Session, scope: Scope) -> Any:
    """A temporary table of the customers who get a draft: something delivered and not yet on
    an issued invoice, or a pending adjustment. (PostgreSQL drops it at commit; SQLite keeps an
    empty one per connection: dropping a table there fails while any statement is open.)"""
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
    on_drafts = select(Invoice.id).where(scope.drafts()).scalar_subquery()
    delivered = (
        select(Order.customer_id)
        .where(
            scope.orders(),
            Order.status.in_(BILLED_OUTCOMES),
            or_(Order.invoice_id.is_(None), Order.invoice_id.in_(on_drafts)),
        )
        .union(
            select(Adjustment.customer_id).where(
                pending_adjustments(scope.month), scope.customers(Adjustment.customer_id)
            )
        )
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


def _insert_lines(session: Session, scope: Scope) -> None:
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
            scope.drafts(),
            scope.orders(),
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


def refresh_totals(session: Session, scope: Scope, *, now: dt.datetime | None = None) -> None:
    """Set the totals of the scope's drafts from their lines and the adjustments they carry:
    one ``UPDATE ... FROM`` over the sums (not four lookups per invoice)."""
    in_scope = select(Invoice.id).where(scope.drafts())
    lines = (
        select(
            InvoiceLine.invoice_id.label("invoice_id"),
            func.sum(InvoiceLine.amount_paise).label("amount"),
            func.sum(InvoiceLine.tax_paise).label("tax"),
        )
        .where(InvoiceLine.invoice_id.in_(in_scope))
        .group_by(InvoiceLine.invoice_id)
        .subquery("line_sums")
    )
    carried = (
        select(
            Adjustment.invoice_id.label("invoice_id"),
            func.sum(Adjustment.amount_paise).label("amount"),
            func.sum(Adjustment.tax_paise).label("tax"),
        )
        .where(Adjustment.invoice_id.in_(in_scope))
        .group_by(Adjustment.invoice_id)
        .subquery("adjustment_sums")
    )
    drafts = in_scope.subquery("drafts")
    subtotal = func.coalesce(lines.c.amount, 0) + func.coalesce(carried.c.amount, 0)
    tax = func.coalesce(lines.c.tax, 0) + func.coalesce(carried.c.tax, 0)
    totals = (
        select(
            drafts.c.id.label("id"),
            subtotal.label("subtotal"),
            tax.label("tax"),
        )
        .select_from(drafts)
        .outerjoin(lines, lines.c.invoice_id == drafts.c.id)
        .outerjoin(carried, carried.c.invoice_id == drafts.c.id)
        .subquery("totals")
    )
    _exec(
        session,
        update(Invoice)
        .where(Invoice.id == totals.c.id, Invoice.status == InvoiceStatus.draft.value)
        .values(
            subtotal_paise=totals.c.subtotal,
            tax_paise=totals.c.tax,
            total_paise=totals.c.subtotal + totals.c.tax,
            updated_at=now or clock.now(),
        ),
    )
