from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from milkrun import clock
from milkrun.db.base import Base


class LineStatus(enum.StrEnum):
    proposed = "proposed"  # matched to a customer, waiting for the owner's confirmation
    unmatched = "unmatched"  # no customer found: waits in the queue
    confirmed = "confirmed"  # recorded as a payment
    ignored = "ignored"  # not a customer's money (a refund, interest, a transfer)


class MatchReason(enum.StrEnum):
    bill_reference = "bill_reference"  # a bill's number or UPI reference in the narration
    upi_handle = "upi_handle"  # a UPI handle (VPA) the customer paid from before
    phone = "phone"  # the customer's phone number in the narration
    amount_due = "amount_due"  # the amount equals exactly one customer's dues
    chosen = "chosen"  # the owner chose the customer
    already_recorded = "already_recorded"  # a payment with this reference exists


class StatementMapping(Base):
    """A column layout the owner saved once (the presets live in ``statements.mappings``).

    The amount is either two columns (credit and debit) or one amount column with an optional
    type column (Cr/Dr); without a type column a negative amount is a debit."""

    __tablename__ = "statement_mappings"
    __table_args__ = (
        UniqueConstraint("name"),
        CheckConstraint(
            "credit_column IS NOT NULL OR amount_column IS NOT NULL", name="has_amount"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    date_column: Mapped[str] = mapped_column(String(80))
    narration_column: Mapped[str] = mapped_column(String(80))
    reference_column: Mapped[str | None] = mapped_column(String(80))
    credit_column: Mapped[str | None] = mapped_column(String(80))
    debit_column: Mapped[str | None] = mapped_column(String(80))
    amount_column: Mapped[str | None] = mapped_column(String(80))
    type_column: Mapped[str | None] = mapped_column(String(80))
    payer_column: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class StatementImport(Base):
    """One statement file imported: its name, the mapping read with, and what it held."""

    __tablename__ = "statement_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(200))
    mapping_name: Mapped[str] = mapped_column(String(40))
    rows_read: Mapped[int]
    credits_new: Mapped[int]
    credits_seen_before: Mapped[int]
    debits_skipped: Mapped[int]
    created_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class StatementLine(Base):
    """One credit of a statement, and what became of it."""

    __tablename__ = "statement_lines"
    __table_args__ = (
        CheckConstraint("amount_paise > 0", name="amount_positive"),
        CheckConstraint(
            "status IN ('proposed', 'unmatched', 'confirmed', 'ignored')", name="status"
        ),
        CheckConstraint(
            "status = 'ignored' OR (status = 'unmatched') = (customer_id IS NULL)",
            name="customer_unless_unmatched",
        ),
        CheckConstraint(
            "(status = 'confirmed') = (payment_id IS NOT NULL)", name="paid_if_confirmed"
        ),
        # The same credit (its UTR, else its date, amount and narration) is kept once.
        UniqueConstraint("fingerprint"),
        UniqueConstraint("payment_id"),
        Index("ix_statement_lines_import_id_status", "import_id", "status"),
        Index("ix_statement_lines_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("statement_imports.id"))
    row_number: Mapped[int]
    value_date: Mapped[dt.date]
    amount_paise: Mapped[int]
    narration: Mapped[str] = mapped_column(String(500))
    utr: Mapped[str | None] = mapped_column(String(80))
    upi_handle: Mapped[str | None] = mapped_column(String(100))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))
    reason: Mapped[str | None] = mapped_column(String(20))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    decided_at: Mapped[dt.datetime | None]
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class UpiHandle(Base):
    """A UPI handle (VPA) a customer paid from, learnt when the owner confirmed such a credit:
    the next credit from it is proposed for that customer."""

    __tablename__ = "upi_handles"
    __table_args__ = (
        UniqueConstraint("handle"),
        Index("ix_upi_handles_customer_id", "customer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    handle: Mapped[str] = mapped_column(String(100))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    learnt_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
