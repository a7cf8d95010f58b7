"""The month's GSTR-1-style return: what the dairy's issued bills supplied, in the tables the
GST portal asks for, each also a CSV of exactly its rows.

A month's documents are the bills issued (by issue date) in it. Live bills (issued, not void)
count; their items are their lines and the corrections they carry, each at its own rate and
HSN code. Prices are tax-inclusive: an item's value is its taxable value plus its tax, and its
tax splits into equal CGST and SGST (every supply is inside the dairy's state). Tables:

- ``b2b``: per bill to a registered customer (with a GSTIN) and taxable rate (its nil-rated
  items go to ``nil``, as in GSTR-1's table 8; the bill value is the whole bill's);
- ``b2cs``: bills to unregistered customers, summed per rate (taxable rates only);
- ``nil``: nil-rated supplies, to registered and unregistered customers;
- ``hsn``: per HSN code and rate, quantities and values;
- ``docs``: per series, the first and last number issued, how many, how many cancelled (void);
- ``cancelled``: the void numbers.

Every sum is one grouped query over the month's items (set-based, however many bills).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import case, func, select, union_all
from sqlalchemy.orm import Session

from milkrun.adjustments.models import Adjustment
from milkrun.billing import numbering
from milkrun.billing.errors import ReturnTableNotFound
from milkrun.billing.models import ISSUED_STATUSES, Invoice, InvoiceLine, InvoiceStatus
from milkrun.billing.months import month_end
from milkrun.catalog.models import Product
from milkrun.config import Settings
from milkrun.money import to_rupees
from milkrun.orders.models import Order

Kind = Literal["text", "count", "money", "rate"]
ISSUED = [status.value for status in ISSUED_STATUSES]
UNREGISTERED = "unregistered"


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: Kind = "text"


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: tuple[Column, ...]
    # Money in paise, rates in basis points, counts as ints; text as str.
    rows: list[tuple[Any, ...]]

    def cell(self, column: Column, value: Any) -> str:
        """A cell as the CSV (and the API) writes it: rupees with two decimals, a rate as a
        percentage."""
        if value is None:
            return ""
        if column.kind == "money":
            return to_rupees(int(value))
        if column.kind == "rate":
            return f"{int(value) / 100:.2f}"
        return str(value)

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([column.title for column in self.columns])
        for row in self.rows:
            writer.writerow(
                [self.cell(column, value) for column, value in zip(self.columns, row, strict=True)]
            )
        return out.getvalue()


@dataclass(frozen=True)
class Return:
    month: dt.date
    gstin: str
    state: str
    tables: list[Table]

    def table(self, name: str) -> Table:
        """The table ``name``; an unknown name is refused (404)."""
        found = next((t for t in self.tables if t.name == name), None)
        if found is None:
            raise ReturnTableNotFound(
                f"The return has no table {name!r}: it has {', '.join(TABLE_NAMES)}"
            )
        return found


TABLE_NAMES = ("b2b", "b2cs", "nil", "hsn", "docs", "cancelled")


def _issued_in(month: dt.date) -> list[Any]:
    return [Invoice.issue_date >= month, Invoice.issue_date <= month_end(month)]


def _items(month: dt.date) -> Any:
    """Every item of the month's live bills: (invoice_id, rate, hsn, product, quantity,
    taxable, tax)."""
    live = [*_issued_in(month), Invoice.status.in_(ISSUED)]
    lines = (
        select(
            InvoiceLine.invoice_id.label("invoice_id"),
            InvoiceLine.tax_rate_bps.label("rate"),
            func.coalesce(InvoiceLine.hsn_code, "").label("hsn"),
            Product.name.label("product"),
            InvoiceLine.quantity.label("quantity"),
            InvoiceLine.amount_paise.label("taxable"),
            InvoiceLine.tax_paise.label("tax"),
        )
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .join(Product, Product.id == InvoiceLine.product_id)
        .where(*live)
    )
    carried = (
        select(
            Adjustment.invoice_id,
            Adjustment.tax_rate_bps,
            func.coalesce(Product.hsn_code, ""),
            Product.name,
            Adjustment.quantity_after - Adjustment.quantity_before,
            Adjustment.amount_paise,
            Adjustment.tax_paise,
        )
        .join(Invoice, Invoice.id == Adjustment.invoice_id)
        .join(Order, Order.id == Adjustment.order_id)
        .join(Product, Product.id == Order.product_id)
        .where(*live)
    )
    return union_all(lines, carried).subquery("items")


def _money(*names: str) -> tuple[Column, ...]:
    return tuple(Column(name, title, "money") for name, title in MONEY_TITLES if name in names)


MONEY_TITLES = (
    ("value", "Value"),
    ("taxable", "Taxable value"),
    ("cgst", "CGST"),
    ("sgst", "SGST"),
)


def _split(tax: Any) -> tuple[int, int]:
    tax = int(tax or 0)
    return tax // 2, tax - tax // 2


def gstr1(session: Session, month: dt.date, settings: Settings) -> Return:
    """The month's return (``month``: its first day)."""
    items = _items(month)
    registered = Invoice.customer_gstin.is_not(None)

    b2b_rows = session.execute(
        select(
            Invoice.customer_gstin,
            Invoice.customer_name,
            Invoice.number,
            Invoice.issue_date,
            Invoice.total_paise,
            items.c.rate,
            func.sum(items.c.taxable),
            func.sum(items.c.tax),
        )
        .join(items, items.c.invoice_id == Invoice.id)
        .where(registered, items.c.rate > 0)
        .group_by(
            Invoice.id,
            Invoice.customer_gstin,
            Invoice.customer_name,
            Invoice.number,
            Invoice.issue_date,
            Invoice.total_paise,
            items.c.rate,
        )
        .order_by(Invoice.number, items.c.rate)
    ).all()
    b2b = Table(
        "b2b",
        "B2B: bills to registered customers",
        (
            Column("gstin", "Customer GSTIN"),
            Column("name", "Customer"),
            Column("number", "Number"),
            Column("date", "Date"),
            Column("invoice_value", "Bill value", "money"),
            Column("rate", "Rate %", "rate"),
            *_money("taxable", "cgst", "sgst"),
        ),
        [
            (g, n, num, d.isoformat(), total, rate, int(taxable), *_split(tax))
            for g, n, num, d, total, rate, taxable, tax in b2b_rows
        ],
    )

    by_rate = session.execute(
        select(
            registered.label("registered"),
            items.c.rate,
            func.sum(items.c.taxable),
            func.sum(items.c.tax),
        )
        .join(items, items.c.invoice_id == Invoice.id)
        .group_by(registered, items.c.rate)
        .order_by(items.c.rate)
    ).all()
    b2cs = Table(
        "b2cs",
        "B2C (small): bills to unregistered customers, per rate",
        (
            Column("place", "Place of supply"),
            Column("type", "Supply"),
            Column("rate", "Rate %", "rate"),
            *_money("taxable", "cgst", "sgst"),
        ),
        [
            (settings.business_state, "intra-state", rate, int(taxable), *_split(tax))
            for is_registered, rate, taxable, tax in by_rate
            if not is_registered and rate > 0
        ],
    )
    nil_values = {bool(r): int(t) for r, rate, t, _tax in by_rate if rate == 0}
    nil = Table(
        "nil",
        "Nil-rated supplies (intra-state)",
        (Column("to", "Supplied to"), Column("nil_rated", "Nil-rated value", "money")),
        [
            ("registered customers", nil_values.get(True, 0)),
            ("unregistered customers", nil_values.get(False, 0)),
        ],
    )

    hsn_rows = session.execute(
        select(
            items.c.hsn,
            func.min(items.c.product),
            items.c.rate,
            func.sum(items.c.quantity),
            func.sum(items.c.taxable + items.c.tax),
            func.sum(items.c.taxable),
            func.sum(items.c.tax),
        )
        .group_by(items.c.hsn, items.c.rate)
        .order_by(items.c.hsn, items.c.rate)
    ).all()
    hsn = Table(
        "hsn",
        "HSN summary",
        (
            Column("hsn", "HSN"),
            Column("description", "Description"),
            Column("uqc", "UQC"),
            Column("rate", "Rate %", "rate"),
            Column("quantity", "Quantity", "count"),
            *_money("value", "taxable", "cgst", "sgst"),
        ),
        [
            (code or "(none)", name, "NOS", rate, int(q), int(v), int(t), *_split(tax))
            for code, name, rate, q, v, t, tax in hsn_rows
        ],
    )

    docs, cancelled = _documents(session, month)
    return Return(
        month=month,
        gstin=settings.business_gstin,
        state=settings.business_state,
        tables=[b2b, b2cs, nil, hsn, docs, cancelled],
    )


NATURE = {
    "bill_of_supply": "Bill of supply",
    "tax_invoice": "Invoices for outward supply",
    "invoice_bill_of_supply": "Invoices for outward supply",
}


def _documents(session: Session, month: dt.date) -> tuple[Table, Table]:
    """Per series, the numbers issued in the month: first, last, total, cancelled (void)."""
    issued_in = _issued_in(month)
    void = Invoice.status == InvoiceStatus.void.value
    rows = session.execute(
        select(
            Invoice.series,
            func.min(Invoice.document_type),
            func.min(Invoice.sequence),
            func.max(Invoice.sequence),
            func.count(Invoice.id),
            func.sum(case((void, 1), else_=0)),
        )
        .where(*issued_in, Invoice.series.is_not(None))
        .group_by(Invoice.series)
        .order_by(Invoice.series)
    ).all()
    docs = Table(
        "docs",
        "Documents issued",
        (
            Column("nature", "Nature of document"),
            Column("series", "Series"),
            Column("from", "From"),
            Column("to", "To"),
            Column("total", "Total", "count"),
            Column("cancelled", "Cancelled", "count"),
            Column("net", "Net issued", "count"),
        ),
        [
            (
                NATURE.get(kind, kind),
                series,
                numbering.format_number(series, low),
                numbering.format_number(series, high),
                int(total),
                int(voided or 0),
                int(total) - int(voided or 0),
            )
            for series, kind, low, high, total, voided in rows
        ],
    )
    void_rows = session.execute(
        select(Invoice.number, Invoice.issue_date, Invoice.customer_name, Invoice.void_reason)
        .where(*issued_in, void)
        .order_by(Invoice.series, Invoice.sequence)
    ).all()
    cancelled = Table(
        "cancelled",
        "Cancelled numbers",
        (
            Column("number", "Number"),
            Column("date", "Issued"),
            Column("customer", "Customer"),
            Column("reason", "Reason"),
        ),
        [(n, d.isoformat() if d else "", c, r or "") for n, d, c, r in void_rows],
    )
    return docs, cancelled
