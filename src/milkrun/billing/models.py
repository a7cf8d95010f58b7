from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from milkrun.db.base import Base, Timestamped


class InvoiceStatus(enum.StrEnum):
    """Stored states. ``overdue`` is not stored: it is an issued, unpaid invoice past its due
    date, decided when read (see ``queries.display_status``)."""

    draft = "draft"
    finalized = "finalized"
    partially_paid = "partially_paid"
    paid = "paid"
    void = "void"


class DocumentType(enum.StrEnum):
    """The GST document a bill is (CGST rules 46, 49, 46A), decided by its items' rates:
    all nil-rated -> a bill of supply; all taxable -> a tax invoice; a mix -> an
    invoice-cum-bill of supply to an unregistered customer, a tax invoice (nil lines at 0 %)
    to a registered one. A cash memo is a counter sale's."""

    tax_invoice = "tax_invoice"
    bill_of_supply = "bill_of_supply"
    invoice_bill_of_supply = "invoice_bill_of_supply"


DOCUMENT_TITLES = {
    DocumentType.tax_invoice: "TAX INVOICE",
    DocumentType.bill_of_supply: "BILL OF SUPPLY",
    DocumentType.invoice_bill_of_supply: "INVOICE-CUM-BILL OF SUPPLY",
}


# Numbered, counted, immutable but for their payment state (and voiding).
ISSUED_STATUSES = (InvoiceStatus.finalized, InvoiceStatus.partially_paid, InvoiceStatus.paid)
OVERDUE = "overdue"


class Invoice(Timestamped, Base):
    """One customer's bill for one month.

    A draft is a preview the billing run rebuilds at will; finalizing numbers it and freezes
    everything but its payment state (on PostgreSQL a trigger refuses any other change, and any
    change to its lines). Voiding keeps the number used and releases the orders.
    ``subtotal`` is the lines plus the adjustments it carries, before tax.
    """

    __tablename__ = "invoices"
    __table_args__ = (
        CheckConstraint(
            "status IN ('draft', 'finalized', 'partially_paid', 'paid', 'void')", name="status"
        ),
        CheckConstraint(
            "(status = 'draft' AND number IS NULL AND series IS NULL AND sequence IS NULL"
            " AND issue_date IS NULL AND due_date IS NULL AND finalized_at IS NULL)"
            " OR (status <> 'draft' AND number IS NOT NULL AND series IS NOT NULL"
            " AND sequence IS NOT NULL AND issue_date IS NOT NULL AND due_date IS NOT NULL"
            " AND finalized_at IS NOT NULL)",
            name="numbered_unless_draft",
        ),
        CheckConstraint("(status = 'void') = (voided_at IS NOT NULL)", name="voided_at_if_void"),
        CheckConstraint(
            "document_type IN ('tax_invoice', 'bill_of_supply', 'invoice_bill_of_supply')",
            name="document_type",
        ),
        CheckConstraint("sequence IS NULL OR sequence >= 1", name="sequence_positive"),
        CheckConstraint("due_date IS NULL OR due_date >= issue_date", name="due_after_issue"),
        CheckConstraint("total_paise = subtotal_paise + tax_paise", name="total_adds_up"),
        CheckConstraint("amount_paid_paise >= 0", name="amount_paid_not_negative"),
        CheckConstraint(
            "status = 'draft' OR is_prepaid IS NOT NULL", name="prepaid_known_once_issued"
        ),
        UniqueConstraint("id", "customer_id"),
        UniqueConstraint("number"),
        UniqueConstraint("series", "sequence"),
        # One draft per customer per month: the billing run rebuilds it in place.
        Index(
            "uq_invoices_draft_customer_month",
            "customer_id",
            "month",
            unique=True,
            sqlite_where=text("status = 'draft'"),
            postgresql_where=text("status = 'draft'"),
        ),
        Index("ix_invoices_month_status", "month", "status"),
        Index("ix_invoices_customer_id_month", "customer_id", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    # The first day of the month billed.
    month: Mapped[dt.date]
    status: Mapped[str] = mapped_column(String(16), default=InvoiceStatus.draft)
    # Decided by the billing run from the items' rates (``DocumentType``); its series follows.
    document_type: Mapped[str] = mapped_column(
        String(24), default=DocumentType.bill_of_supply, server_default="bill_of_supply"
    )
    series: Mapped[str | None] = mapped_column(String(8))
    sequence: Mapped[int | None]
    number: Mapped[str | None] = mapped_column(String(16))
    # Who was billed, as they were when the bill was made (a later move does not rewrite it).
    customer_name: Mapped[str] = mapped_column(String(120))
    customer_address: Mapped[str] = mapped_column(String(500))
    customer_gstin: Mapped[str | None] = mapped_column(String(15))
    issue_date: Mapped[dt.date | None]
    due_date: Mapped[dt.date | None]
    subtotal_paise: Mapped[int] = mapped_column(default=0)
    tax_paise: Mapped[int] = mapped_column(default=0)
    total_paise: Mapped[int] = mapped_column(default=0)
    amount_paid_paise: Mapped[int] = mapped_column(default=0)
    finalized_at: Mapped[dt.datetime | None]
    voided_at: Mapped[dt.datetime | None]
    void_reason: Mapped[str | None] = mapped_column(String(200))
    # What the bill is, frozen when it is issued: a prepaid customer's statement of its wallet
    # (True) or a bill to pay (False). NULL on a draft: the customer's flag now decides.
    is_prepaid: Mapped[bool | None]


class InvoiceLine(Base):
    """What was delivered of one product at one unit price and tax rate, summed over the
    month's orders.

    Lines are derived from orders by the billing run, never typed. The unit price is the
    tax-inclusive MRP: ``amount_paise`` is the taxable value and ``tax_paise`` the CGST and SGST
    (equal halves) inside quantity x unit price (``catalog.tax``). Bills issued before GST
    documents (migration 0011) were tax-exclusive: their amount is quantity x unit price.
    """

    __tablename__ = "invoice_lines"
    __table_args__ = (
        UniqueConstraint("invoice_id", "product_id", "unit_price_paise", "tax_rate_bps"),
        # A deposit line (``billing.deposits``) counts containers: negative when refunded.
        CheckConstraint("quantity <> 0", name="quantity_not_zero"),
        CheckConstraint("unit_price_paise >= 0", name="unit_price_not_negative"),
        CheckConstraint(
            "amount_paise + tax_paise = quantity * unit_price_paise"
            " OR amount_paise = quantity * unit_price_paise",
            name="amount_is_quantity_x_price",
        ),
        CheckConstraint("tax_rate_bps BETWEEN 0 AND 10000", name="tax_rate_range"),
        CheckConstraint("tax_paise >= 0", name="tax_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    description: Mapped[str] = mapped_column(String(200))
    hsn_code: Mapped[str | None] = mapped_column(String(8))
    quantity: Mapped[int]
    unit_price_paise: Mapped[int]
    amount_paise: Mapped[int]
    tax_rate_bps: Mapped[int]
    tax_paise: Mapped[int]


class InvoiceSeries(Base):
    """The counter of one numbering series (``MR/2627``): the last number taken."""

    __tablename__ = "invoice_series"
    __table_args__ = (CheckConstraint("last_number >= 0", name="last_number_not_negative"),)

    series: Mapped[str] = mapped_column(String(8), primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)


class Allocation(Base):
    """Part of a credit applied to an issued invoice, oldest invoice first.

    A credit is a payment, or an invoice whose adjustments made its total negative. Allocations
    are derived (``settlement.settle`` recomputes a customer's from scratch), so they always
    agree with the invoices and payments they join.
    """

    __tablename__ = "allocations"
    __table_args__ = (
        ForeignKeyConstraint(
            ["invoice_id", "customer_id"], ["invoices.id", "invoices.customer_id"]
        ),
        ForeignKeyConstraint(
            ["payment_id", "customer_id"], ["payments.id", "payments.customer_id"]
        ),
        ForeignKeyConstraint(
            ["credit_invoice_id", "customer_id"], ["invoices.id", "invoices.customer_id"]
        ),
        CheckConstraint("amount_paise > 0", name="amount_positive"),
        CheckConstraint(
            "(payment_id IS NOT NULL AND credit_invoice_id IS NULL)"
            " OR (payment_id IS NULL AND credit_invoice_id IS NOT NULL)",
            name="one_source",
        ),
        Index("ix_allocations_customer_id", "customer_id"),
        Index("ix_allocations_invoice_id", "invoice_id"),
        Index("ix_allocations_payment_id", "payment_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    invoice_id: Mapped[int]
    payment_id: Mapped[int | None]
    credit_invoice_id: Mapped[int | None]
    amount_paise: Mapped[int]


class StoredReconciliation(Base):
    """The last reconciliation of a month (``billing.reconciliations``): when it ran, on which
    business date, who or what ran it, and its whole answer (every list, its count and its first
    rows, as ``billing.schemas.Reconciliation`` in JSON). One row per month, replaced by each
    check; the owner's page shows it instead of re-auditing the month on every visit."""

    __tablename__ = "reconciliations"

    # The first day of the month.
    month: Mapped[dt.date] = mapped_column(primary_key=True)
    checked_at: Mapped[dt.datetime]
    # The business date it ran on: the past orders it counted are those before it.
    business_date: Mapped[dt.date]
    # billing.run, billing.finalize, day.close or page (someone pressed Check again).
    trigger: Mapped[str] = mapped_column(String(20))
    checked_by: Mapped[str] = mapped_column(String(160))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    is_clean: Mapped[bool]
    took_ms: Mapped[int]
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
