"""Invoice numbers: gapless series per GST document type and Indian financial year (April to
March). Tax invoices and invoice-cum-bills of supply share the invoice series (``MR/2627``),
bills of supply have their own (``BOS/2627``): ``series_for_document``.

A number reads ``MR/2627/000123``: the prefix, the financial year (2026-27 as ``2627``) and the
sequence within that year, zero-padded to six digits (it grows past six digits rather than
wrap). It is at most 16 characters, so a prefix has at most three.

Gapless, never a database sequence (sequences skip numbers on rollback): the last number of a
series lives in a counter row (``invoice_series``) that a finalization increments with a
conditional ``UPDATE ... RETURNING`` in the same transaction that stamps the numbers on the
invoices. A finalization that fails rolls back its increment too; concurrent finalizations queue
on the counter row (PostgreSQL row lock; SQLite has one writer at a time).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, Text, case, cast, func, literal, select, update
from sqlalchemy.orm import Session

from milkrun.billing.models import DocumentType, InvoiceSeries
from milkrun.config import Settings
from milkrun.db import upserts

MAX_NUMBER_LENGTH = 16
MIN_DIGITS = 6
MAX_PREFIX_LENGTH = MAX_NUMBER_LENGTH - len("/2627/") - MIN_DIGITS - 1  # room for 7 digits


def financial_year_start(day: dt.date) -> int:
    """The calendar year in which the financial year of ``day`` began (April 1)."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_code(day: dt.date) -> str:
    """``2627`` for any day from 1 April 2026 to 31 March 2027."""
    start = financial_year_start(day)
    return f"{start % 100:02d}{(start + 1) % 100:02d}"


def series_for(prefix: str, issue_date: dt.date) -> str:
    """The series an invoice issued on ``issue_date`` is numbered in: ``MR/2627``."""
    check_prefix(prefix)
    return f"{prefix}/{financial_year_code(issue_date)}"


def series_for_document(settings: Settings, document_type: str, issue_date: dt.date) -> str:
    """The series a document of ``document_type`` issued on ``issue_date`` is numbered in."""
    prefix = (
        settings.bill_of_supply_prefix
        if document_type == DocumentType.bill_of_supply
        else settings.invoice_prefix
    )
    return series_for(prefix, issue_date)


def check_prefix(prefix: str) -> None:
    if not (1 <= len(prefix) <= MAX_PREFIX_LENGTH and prefix.isascii() and prefix.isalnum()):
        raise ValueError(
            f"an invoice prefix is 1 to {MAX_PREFIX_LENGTH} letters or digits, not {prefix!r}"
        )


def format_number(series: str, sequence: int) -> str:
    """``MR/2627`` and 123 -> ``MR/2627/000123``; refuses to exceed 16 characters."""
    if sequence < 1:
        raise ValueError(f"invoice sequences start at 1, not {sequence}")
    number = f"{series}/{sequence:0{MIN_DIGITS}d}"
    if len(number) > MAX_NUMBER_LENGTH:
        raise ValueError(f"invoice number {number} is longer than {MAX_NUMBER_LENGTH} characters")
    return number


def number_in_sql(session: Session, series: Any, sequence: Any) -> ColumnElement[str]:
    """``format_number`` in SQL, for numbering many invoices in one UPDATE: the series (a name
    or a column of names), a slash and the sequence as at least ``MIN_DIGITS`` digits."""
    if session.get_bind().dialect.name == "postgresql":
        digits = cast(sequence, Text)
        width = case((func.length(digits) > MIN_DIGITS, func.length(digits)), else_=MIN_DIGITS)
        padded = func.lpad(digits, width, "0")
    else:
        padded = func.printf(f"%0{MIN_DIGITS}d", sequence)
    named = literal(series) if isinstance(series, str) else cast(series, Text)
    return named + literal("/") + padded


def take_numbers(session: Session, series: str, count: int) -> int:
    """Reserve the next ``count`` numbers of ``series``; return the first one.

    Creates the series' counter row on first use. The increment holds the counter row (locked
    on PostgreSQL) until the caller's transaction ends, which is what keeps the series gapless:
    nobody else can take a number until this transaction commits or rolls back.
    """
    if count < 1:
        raise ValueError("take at least one number")
    session.execute(
        upserts.insert(session, InvoiceSeries)
        .values(series=series, last_number=0)
        .on_conflict_do_nothing(index_elements=["series"])
    )
    last = session.execute(
        update(InvoiceSeries)
        .where(InvoiceSeries.series == series)
        .values(last_number=InvoiceSeries.last_number + count)
        .returning(InvoiceSeries.last_number)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    return int(last) - count + 1


def last_number(session: Session, series: str) -> int:
    """The last number taken in ``series`` (0 when none)."""
    value = session.scalar(select(InvoiceSeries.last_number).where(InvoiceSeries.series == series))
    return int(value or 0)
