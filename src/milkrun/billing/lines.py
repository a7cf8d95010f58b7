"""What a draft bills: its lines, the adjustments it carries, and its totals.

A line per product, unit price and tax rate: the delivered quantity summed, times the order's
captured (tax-inclusive) unit price, split per line into taxable value and the CGST and SGST
inside it at the product's rate on the delivery date (``catalog.tax``). The totals are the
lines plus the carried adjustments; the document type follows the items' rates.

Derive, compare, write the difference: a run (and finalizing) first derives every line of its
drafts into a temporary table (``derive``), then deletes the drafts' lines that are not among
them and inserts those that are missing (``write``), and sets the totals, GSTIN and document
type of the drafts whose values differ (``refresh_drafts``, from the derived lines, not from
the orders again). The drafts end up exactly as if emptied and rebuilt; a rerun that changes
nothing writes nothing but the temporary table.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Integer,
    MetaData,
    String,
    and_,
    case,
    cast,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy import Table as CoreTable
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.adjustments.models import Adjustment
from milkrun.billing import deposits
from milkrun.billing.billable import BILLED_OUTCOMES, Scope, pending_adjustments
from milkrun.billing.models import DocumentType, Invoice, InvoiceLine, InvoiceStatus
from milkrun.catalog import tax
from milkrun.catalog.models import Product
from milkrun.customers.models import Customer
from milkrun.db import statistics
from milkrun.deliveries.models import DeliveryStatus
from milkrun.orders.models import Order

# Sums of paise can pass 2**31 on PostgreSQL (an INTEGER there); SQLite integers are 64-bit.
_BIG = Integer().with_variant(BigInteger(), "postgresql")
_BULK = {"synchronize_session": False}
DERIVED_LINES = "billing_derived_lines"
LINE_COLUMNS = (
    "invoice_id",
    "product_id",
    "description",
    "hsn_code",
    "quantity",
    "unit_price_paise",
    "amount_paise",
    "tax_rate_bps",
    "tax_paise",
)
MISSING_LINES = "billing_missing_lines"


def _line_table(name: str) -> CoreTable:
    return CoreTable(
        name,
        MetaData(),
        Column("invoice_id", Integer),
        Column("product_id", Integer),
        Column("description", String(200)),
        Column("hsn_code", String(8)),
        Column("quantity", Integer),
        Column("unit_price_paise", Integer),
        Column("amount_paise", _BIG),
        Column("tax_rate_bps", Integer),
        Column("tax_paise", _BIG),
    )


_DERIVED = _line_table(DERIVED_LINES)
_MISSING = _line_table(MISSING_LINES)


def _temporary(session: Session, table: CoreTable) -> CoreTable:
    """An empty temporary table of lines. (PostgreSQL drops it at commit; SQLite keeps one per
    connection, emptied here and by ``forget``: dropping a table there fails while any
    statement is open.)"""
    name = table.name
    columns = (
        "invoice_id integer, product_id integer, description varchar(200), hsn_code varchar(8),"
        " quantity integer, unit_price_paise integer, amount_paise bigint, tax_rate_bps integer,"
        " tax_paise bigint"
    )
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"DROP TABLE IF EXISTS pg_temp.{name}"))
        session.execute(text(f"CREATE TEMPORARY TABLE {name} ({columns}) ON COMMIT DROP"))
    else:
        session.execute(text(f"CREATE TEMPORARY TABLE IF NOT EXISTS {name} ({columns})"))
        session.execute(
            text(
                f"CREATE INDEX IF NOT EXISTS temp.{name}_key ON {name}"
                " (invoice_id, product_id, unit_price_paise, tax_rate_bps)"
            )
        )
        session.execute(delete(table))
    return table


def forget(session: Session) -> None:
    """Empty the temporary tables of lines (SQLite keeps them per connection)."""
    postgres = session.get_bind().dialect.name == "postgresql"
    for table in (_DERIVED, _MISSING):
        if postgres:
            session.execute(text(f"DROP TABLE IF EXISTS pg_temp.{table.name}"))
        else:
            session.execute(delete(table))


def _order_lines(scope: Scope, *, linked: bool) -> Any:
    """One line per draft, product, unit price and tax rate: the delivered quantity summed,
    its taxable value and the GST inside quantity x price, split per line (``catalog.tax``).
    A draft's orders are derived (``billable.on_draft``); with ``linked``, when finalizing,
    they are those linked to it (``drafts.link_orders``, just before, in the same transaction)."""
    if linked:
        on_invoice = and_(Invoice.id == Order.invoice_id, scope.drafts(), scope.orders())
    else:
        on_invoice = scope.orders_on_drafts()
    periods = tax.rate_periods()
    rate = func.coalesce(periods.c.rate_bps, Product.tax_rate_bps)
    quantity = func.sum(DeliveryStatus.quantity_delivered)
    gross = cast(quantity, _BIG) * Order.unit_price_paise
    gst = tax.tax_in_sql(gross, rate)
    return (
        select(
            Invoice.id,
            Order.product_id,
            func.substr(Product.name + " · " + Product.unit, 1, 200),
            Product.hsn_code,
            quantity,
            Order.unit_price_paise,
            gross - gst,
            rate,
            gst,
        )
        .join(DeliveryStatus, DeliveryStatus.order_id == Order.id)
        .join(Product, Product.id == Order.product_id)
        .join(Invoice, on_invoice)
        .outerjoin(
            periods,
            and_(
                periods.c.product_id == Order.product_id,
                periods.c.effective_from <= Order.delivery_date,
                or_(periods.c.until.is_(None), periods.c.until > Order.delivery_date),
            ),
        )
        .where(DeliveryStatus.status.in_(BILLED_OUTCOMES))
        .group_by(
            Invoice.id,
            Order.product_id,
            Order.unit_price_paise,
            Product.name,
            Product.unit,
            Product.hsn_code,
            rate,
        )
    )


def derive(session: Session, scope: Scope, *, linked: bool = False) -> CoreTable:
    """Every line the scope's drafts bill, in a temporary table: the orders' lines
    (``_order_lines``; ``linked`` when finalizing) and the container deposits' lines
    (``deposits.lines``, the deposits already assigned to the drafts)."""
    derived = _temporary(session, _DERIVED)
    session.execute(insert(derived).from_select(LINE_COLUMNS, _order_lines(scope, linked=linked)))
    session.execute(insert(derived).from_select(LINE_COLUMNS, deposits.lines(scope)))
    statistics.refresh(session, DERIVED_LINES)
    return derived


def _same_line(derived: CoreTable) -> Any:
    """A derived line and a stored line that are the same line, every column equal."""
    return and_(
        derived.c.invoice_id == InvoiceLine.invoice_id,
        derived.c.product_id == InvoiceLine.product_id,
        derived.c.unit_price_paise == InvoiceLine.unit_price_paise,
        derived.c.tax_rate_bps == InvoiceLine.tax_rate_bps,
        derived.c.quantity == InvoiceLine.quantity,
        derived.c.amount_paise == InvoiceLine.amount_paise,
        derived.c.tax_paise == InvoiceLine.tax_paise,
        derived.c.description == InvoiceLine.description,
        func.coalesce(derived.c.hsn_code, "") == func.coalesce(InvoiceLine.hsn_code, ""),
    )


def write(session: Session, scope: Scope, derived: CoreTable) -> int:
    """Make the scope's drafts' lines exactly the ``derived`` ones: delete the stored lines that
    are not derived, insert the derived lines that are not stored; a line that is the same is
    not touched. Returns how many lines were deleted (what was inserted is not counted: INSERT
    ... SELECT reports no row count through every driver)."""
    in_scope = select(Invoice.id).where(scope.drafts())
    # The missing lines are found first, into a table of their own: an INSERT that looks for
    # its rows in the table it fills reads its own rows (a nested loop there is quadratic).
    missing = _temporary(session, _MISSING)
    stored = session.scalar(select(exists().where(InvoiceLine.invoice_id.in_(in_scope))))
    if not stored:  # a first run: nothing to compare, every derived line is missing
        session.execute(
            insert(InvoiceLine).from_select(
                LINE_COLUMNS, select(*(derived.c[name] for name in LINE_COLUMNS))
            )
        )
        return 0
    same = _same_line(derived)
    result = session.execute(
        delete(InvoiceLine).where(InvoiceLine.invoice_id.in_(in_scope), ~exists().where(same)),
        execution_options=_BULK,
    )
    session.execute(
        insert(missing).from_select(
            LINE_COLUMNS,
            select(*(derived.c[name] for name in LINE_COLUMNS)).where(~exists().where(same)),
        )
    )
    session.execute(
        insert(InvoiceLine).from_select(
            LINE_COLUMNS, select(*(missing.c[name] for name in LINE_COLUMNS))
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


def carry_adjustments(session: Session, scope: Scope) -> None:
    """Put the pending adjustments of the scope's customers on their drafts."""
    draft_of_adjusted = (
        select(Invoice.id)
        .where(
            Invoice.customer_id == Adjustment.customer_id,
            Invoice.month == scope.month,
            Invoice.status == InvoiceStatus.draft.value,
        )
        .scalar_subquery()
    )
    session.execute(
        update(Adjustment)
        .where(pending_adjustments(scope.month), scope.customers(Adjustment.customer_id))
        .values(invoice_id=draft_of_adjusted),
        execution_options=_BULK,
    )


def refresh_drafts(
    session: Session, scope: Scope, derived: CoreTable, *, now: dt.datetime | None = None
) -> int:
    """Set the totals, customer's GSTIN and GST document type of the scope's drafts from their
    ``derived`` lines (``write`` made them the stored ones) and the adjustments they carry; a
    draft whose values are already those is not written. Returns how many were written.

    The totals are the lines plus the carried adjustments. The document type (CGST rules 46,
    49, 46A) follows the items' rates: every item nil-rated, a bill of supply; every item
    taxable, a tax invoice; a mix, an invoice-cum-bill of supply to an unregistered customer
    and a tax invoice (nil items at 0 %) to a registered one. One ``UPDATE ... FROM``."""

    def flags(rate: Any) -> tuple[Any, Any]:
        return (
            func.max(case((rate > 0, 1), else_=0)).label("taxed"),
            func.max(case((rate == 0, 1), else_=0)).label("nil"),
        )

    in_scope = select(Invoice.id).where(scope.drafts())
    items = union_all(
        select(
            derived.c.invoice_id.label("invoice_id"),
            func.sum(derived.c.amount_paise).label("amount"),
            func.sum(derived.c.tax_paise).label("tax"),
            *flags(derived.c.tax_rate_bps),
        ).group_by(derived.c.invoice_id),
        select(
            Adjustment.invoice_id.label("invoice_id"),
            func.sum(Adjustment.amount_paise).label("amount"),
            func.sum(Adjustment.tax_paise).label("tax"),
            *flags(Adjustment.tax_rate_bps),
        )
        .where(Adjustment.invoice_id.in_(in_scope))
        .group_by(Adjustment.invoice_id),
    ).subquery("items")
    sums = (
        select(
            items.c.invoice_id,
            func.sum(items.c.amount).label("amount"),
            func.sum(items.c.tax).label("tax"),
            func.max(items.c.taxed).label("taxed"),
            func.max(items.c.nil).label("nil"),
        )
        .group_by(items.c.invoice_id)
        .subquery("sums")
    )
    subtotal = func.coalesce(sums.c.amount, 0)
    tax_paise = func.coalesce(sums.c.tax, 0)
    taxed = func.coalesce(sums.c.taxed, 0) == 1
    nil = func.coalesce(sums.c.nil, 0) == 1
    document_type = case(
        (~taxed, DocumentType.bill_of_supply.value),
        (~nil, DocumentType.tax_invoice.value),
        (Customer.gstin.is_not(None), DocumentType.tax_invoice.value),
        else_=DocumentType.invoice_bill_of_supply.value,
    )
    values = (
        select(
            Invoice.id.label("id"),
            subtotal.label("subtotal"),
            tax_paise.label("tax"),
            Customer.gstin.label("gstin"),
            document_type.label("document_type"),
        )
        .select_from(Invoice)
        .join(Customer, Customer.id == Invoice.customer_id)
        .outerjoin(sums, sums.c.invoice_id == Invoice.id)
        .where(scope.drafts())
        .subquery("draft_values")
    )
    result = session.execute(
        update(Invoice)
        .where(
            Invoice.id == values.c.id,
            Invoice.status == InvoiceStatus.draft.value,
            or_(
                Invoice.subtotal_paise != values.c.subtotal,
                Invoice.tax_paise != values.c.tax,
                Invoice.total_paise != values.c.subtotal + values.c.tax,
                Invoice.customer_gstin.is_distinct_from(values.c.gstin),
                Invoice.document_type.is_distinct_from(values.c.document_type),
            ),
        )
        .values(
            subtotal_paise=values.c.subtotal,
            tax_paise=values.c.tax,
            total_paise=values.c.subtotal + values.c.tax,
            customer_gstin=values.c.gstin,
            document_type=values.c.document_type,
            updated_at=now or clock.now(),
        ),
        execution_options=_BULK,
    )
    return int(getattr(result, "rowcount", 0) or 0)
