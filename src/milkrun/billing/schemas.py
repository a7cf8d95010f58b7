from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from milkrun.inputs.fields import Text

MONTH_PATTERN = r"^20[0-9]{2}-(0[1-9]|1[0-2])$"
# A billing month as the API writes it: "2026-11".
MonthText = Annotated[str, Field(pattern=MONTH_PATTERN, examples=["2026-11"])]


def parse_month(value: str) -> dt.date:
    """ "2026-11" -> 2026-11-01 (the pattern above has been checked)."""
    year, month = value.split("-")
    return dt.date(int(year), int(month), 1)


def month_text(month: dt.date) -> str:
    return f"{month:%Y-%m}"


class BillingRunRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    month: MonthText
    finalize: bool = False


class BillingRunResult(BaseModel):
    month: str
    invoices_created: int
    invoices_updated: int
    invoices_deleted: int
    invoices_finalized: int
    # Drafts of the month after the run (before finalizing) and their total.
    invoices: int
    total: str


class FinalizeMonthResult(BaseModel):
    month: str
    invoices_finalized: int
    first_number: str | None
    last_number: str | None


class VoidRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, Text(200)] | None = None


class InvoiceRead(BaseModel):
    id: int
    customer_id: int
    customer_name: str
    month: str
    # draft, finalized, partially_paid, paid, overdue (issued, unpaid, past due) or void.
    status: str
    # tax_invoice, bill_of_supply or invoice_bill_of_supply (CGST rules 46, 49, 46A).
    document_type: str
    number: str | None
    issue_date: dt.date | None
    due_date: dt.date | None
    customer_gstin: str | None = None
    subtotal: str = Field(description="The taxable value (prices are tax-inclusive)")
    tax: str = Field(description="CGST + SGST inside the total")
    total: str
    amount_paid: str
    balance_due: str


class InvoiceLineRead(BaseModel):
    product_id: int
    description: str
    hsn_code: str | None = None
    quantity: int
    unit_price: str = Field(description="Tax-inclusive (MRP)")
    amount: str = Field(description="The taxable value")
    tax_rate: str
    tax: str = Field(description="CGST + SGST, equal halves")
    cgst: str = "0.00"
    sgst: str = "0.00"


class AdjustmentRead(BaseModel):
    id: int
    order_id: int
    delivery_date: dt.date
    # credit (less delivered than billed) or debit.
    kind: str
    against_invoice_id: int
    against_number: str | None
    quantity_before: int
    quantity_after: int
    unit_price: str
    amount: str
    tax: str
    reason: str
    created_at: dt.datetime


class InvoicePaymentRead(BaseModel):
    """Money applied to this invoice: from a payment, or from a credit note (an invoice whose
    corrections made it negative)."""

    payment_id: int | None
    credit_invoice_id: int | None
    received_at: dt.datetime | None
    method: str | None
    reference: str | None
    amount: str


class AccountRead(BaseModel):
    """The balance the bill carries (``billing.statement``): previous balance + payments and
    credits since (negative: money in) + this month's charges + adjustments = total due."""

    previous_invoice_number: str | None
    previous_balance: str
    payments_and_credits: str
    charges: str
    adjustments: str
    total_due: str


class InvoiceDetail(InvoiceRead):
    lines: list[InvoiceLineRead]
    adjustments: list[AdjustmentRead]
    payments: list[InvoicePaymentRead]
    void_reason: str | None
    # The dates the bill covers, and the account it states (None for a draft or a void bill).
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    account: AccountRead | None = None


class LedgerEntry(BaseModel):
    date: dt.date
    # invoice, void, adjustment or payment.
    kind: str
    ref: str
    debit: str
    credit: str
    balance: str
    invoice_id: int | None = None
    payment_id: int | None = None
    adjustment_id: int | None = None


class Ledger(BaseModel):
    customer_id: int
    date_from: dt.date | None
    date_to: dt.date | None
    opening_balance: str
    entries: list[LedgerEntry]
    closing_balance: str
    # Positive: the customer owes; negative: credit in the customer's favour.
    balance_meaning: str = "positive: owed by the customer; negative: credit"


class UnbilledDelivery(BaseModel):
    order_id: int | None
    customer_id: int
    invoice_id: int | None
    delivery_date: dt.date | None
    product_id: int
    unit_price: str
    quantity: int
    amount: str


class BilledWithoutDelivery(BaseModel):
    invoice_id: int
    number: str | None
    customer_id: int
    product_id: int
    unit_price: str
    billed_quantity: int
    delivered_quantity: int
    amount: str


class UnresolvedPastOrder(BaseModel):
    """An order of a day that is over that nobody (not even the day close) has marked."""

    order_id: int
    customer_id: int
    delivery_date: dt.date
    product_id: int
    quantity: int


class UncarriedAdjustment(BaseModel):
    """A correction the bills of a finalized month should have carried, and did not."""

    adjustment_id: int
    customer_id: int
    order_id: int
    against_invoice_id: int
    amount: str


class BalanceMismatch(BaseModel):
    """A customer whose bills − payments ± corrections not yet billed differ from its ledger."""

    customer_id: int
    billed: str
    paid: str
    not_yet_billed: str
    from_bills: str
    ledger_balance: str


class Reconciliation(BaseModel):
    month: str
    delivered_not_billed: list[UnbilledDelivery]
    billed_not_delivered: list[BilledWithoutDelivery]
    delivered_not_billed_count: int
    billed_not_delivered_count: int
    delivered_total: str
    billed_total: str
    unresolved_orders: list[UnresolvedPastOrder] = []
    unresolved_orders_count: int = 0
    adjustments_not_carried: list[UncarriedAdjustment] = []
    adjustments_not_carried_count: int = 0
    balance_mismatches: list[BalanceMismatch] = []
    balance_mismatches_count: int = 0
    clean: bool
