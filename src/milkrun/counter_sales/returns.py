"""The month's GSTR-1 with the counter sales in it: ``billing.gstr1`` (the bills) plus the
month's live cash memos — unregistered buyers, so B2C (small) per rate or nil-rated, the HSN
summary, and the cash-memo series in the documents issued with its cancelled (void) numbers.

Each counter figure is one grouped query over the month's sales (set-based), merged into the
bills' rows by rate / HSN code."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from milkrun.billing import gstr1 as bills_return
from milkrun.billing import numbering
from milkrun.billing.gstr1 import Return, Table
from milkrun.billing.months import month_end
from milkrun.catalog.models import Product
from milkrun.config import Settings
from milkrun.counter_sales.models import CounterSale, CounterSaleLine, SaleStatus

NATURE = "Invoices for outward supply (cash memos)"
COUNTER_BUYER = "Counter sale"


def _in(month: dt.date) -> list[Any]:
    return [CounterSale.sale_date >= month, CounterSale.sale_date <= month_end(month)]


def gstr1(session: Session, month: dt.date, settings: Settings) -> Return:
    """The month's return (``month``: its first day), bills and counter sales."""
    found = bills_return.gstr1(session, month, settings)
    live = [*_in(month), CounterSale.status == SaleStatus.paid.value]
    by_rate = session.execute(
        select(
            CounterSaleLine.tax_rate_bps,
            func.sum(CounterSaleLine.taxable_paise),
            func.sum(CounterSaleLine.cgst_paise),
            func.sum(CounterSaleLine.sgst_paise),
        )
        .join(CounterSale, CounterSale.id == CounterSaleLine.sale_id)
        .where(*live)
        .group_by(CounterSaleLine.tax_rate_bps)
    ).all()
    by_hsn = session.execute(
        select(
            CounterSaleLine.hsn_code,
            func.min(Product.name),
            CounterSaleLine.tax_rate_bps,
            func.sum(CounterSaleLine.quantity),
            func.sum(CounterSaleLine.amount_paise),
            func.sum(CounterSaleLine.taxable_paise),
            func.sum(CounterSaleLine.cgst_paise),
            func.sum(CounterSaleLine.sgst_paise),
        )
        .join(CounterSale, CounterSale.id == CounterSaleLine.sale_id)
        .join(Product, Product.id == CounterSaleLine.product_id)
        .where(*live)
        .group_by(CounterSaleLine.hsn_code, CounterSaleLine.tax_rate_bps)
    ).all()
    tables = {table.name: table for table in found.tables}
    b2cs = _b2cs(tables["b2cs"], by_rate, settings)
    nil = _nil(tables["nil"], by_rate)
    hsn = _hsn(tables["hsn"], by_hsn)
    docs, cancelled = _documents(session, month, tables["docs"], tables["cancelled"])
    merged = {t.name: t for t in (b2cs, nil, hsn, docs, cancelled)}
    return Return(
        month=found.month,
        gstin=found.gstin,
        state=found.state,
        tables=[merged.get(table.name, table) for table in found.tables],
    )


def _with_rows(table: Table, rows: list[tuple[Any, ...]]) -> Table:
    return Table(table.name, table.title, table.columns, rows)


def _b2cs(table: Table, by_rate: Any, settings: Settings) -> Table:
    rows = {row[2]: list(row) for row in table.rows}
    for rate, taxable, cgst, sgst in by_rate:
        if not rate:
            continue
        row = rows.setdefault(rate, [settings.business_state, "intra-state", rate, 0, 0, 0])
        row[3:6] = [row[3] + int(taxable), row[4] + int(cgst), row[5] + int(sgst)]
    return _with_rows(table, [tuple(rows[rate]) for rate in sorted(rows)])


def _nil(table: Table, by_rate: Any) -> Table:
    counter_nil = sum(int(taxable) for rate, taxable, _c, _s in by_rate if not rate)
    return _with_rows(
        table,
        [
            (to, value + counter_nil) if to == "unregistered customers" else (to, value)
            for to, value in table.rows
        ],
    )


def _hsn(table: Table, by_hsn: Any) -> Table:
    rows = {(row[0], row[3]): list(row) for row in table.rows}
    for code, name, rate, quantity, value, taxable, cgst, sgst in by_hsn:
        key = (code or "(none)", rate)
        row = rows.setdefault(key, [key[0], name, "NOS", rate, 0, 0, 0, 0, 0])
        for index, add in zip(range(4, 9), (quantity, value, taxable, cgst, sgst), strict=True):
            row[index] += int(add)
    return _with_rows(table, [tuple(rows[key]) for key in sorted(rows)])


def _documents(
    session: Session, month: dt.date, docs: Table, cancelled: Table
) -> tuple[Table, Table]:
    """The cash-memo series: first and last number issued in the month, how many, how many
    cancelled; and the cancelled (void) numbers."""
    void = CounterSale.status == SaleStatus.void.value
    series_rows = session.execute(
        select(
            CounterSale.series,
            func.min(CounterSale.sequence),
            func.max(CounterSale.sequence),
            func.count(CounterSale.id),
            func.sum(case((void, 1), else_=0)),
        )
        .where(*_in(month))
        .group_by(CounterSale.series)
        .order_by(CounterSale.series)
    ).all()
    memo_rows = [
        (
            NATURE,
            series,
            numbering.format_number(series, low),
            numbering.format_number(series, high),
            int(total),
            int(voided or 0),
            int(total) - int(voided or 0),
        )
        for series, low, high, total, voided in series_rows
    ]
    void_rows = session.execute(
        select(CounterSale.number, CounterSale.sale_date, CounterSale.void_reason)
        .where(*_in(month), void)
        .order_by(CounterSale.series, CounterSale.sequence)
    ).all()
    return (
        _with_rows(docs, [*docs.rows, *memo_rows]),
        _with_rows(
            cancelled,
            [
                *cancelled.rows,
                *((n, d.isoformat(), COUNTER_BUYER, r or "") for n, d, r in void_rows),
            ],
        ),
    )
