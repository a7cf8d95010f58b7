"""What the paper bill shows, as plain data: ``queries.bill_of`` assembles a ``Bill``,
``pdf.render`` prints it (its account and UPI blocks in ``pdf_account``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from milkrun.billing.models import DocumentType

if TYPE_CHECKING:
    from milkrun.billing.statement import Statement


@dataclass(frozen=True)
class CardRow:
    """One product's row of the milk card: day of the month -> quantity delivered."""

    product: str
    quantities: dict[int, int]


@dataclass(frozen=True)
class BillLine:
    description: str
    quantity: int
    unit_price_paise: int
    # The taxable value; the tax (CGST + SGST, equal halves) is inside quantity x unit price.
    amount_paise: int
    tax_rate_bps: int
    tax_paise: int
    hsn_code: str | None = None


@dataclass(frozen=True)
class BillAdjustment:
    day: dt.date
    description: str
    amount_paise: int
    tax_paise: int


@dataclass(frozen=True)
class BillPayment:
    day: dt.date
    method: str
    reference: str | None
    amount_paise: int


@dataclass(frozen=True)
class Bill:
    business_name: str
    business_address: str
    business_gstin: str
    customer_id: int
    customer_name: str
    customer_address: str
    month: dt.date
    status: str
    number: str | None
    issue_date: dt.date | None
    due_date: dt.date | None
    subtotal_paise: int
    tax_paise: int
    total_paise: int
    amount_paid_paise: int
    balance_due_paise: int
    card: list[CardRow] = field(default_factory=list)
    lines: list[BillLine] = field(default_factory=list)
    adjustments: list[BillAdjustment] = field(default_factory=list)
    payments: list[BillPayment] = field(default_factory=list)
    # The balance the bill carries (an issued bill): see ``billing.statement``.
    statement: Statement | None = None
    # The ``upi://pay`` link for the amount due (``billing.upi``); None: nothing UPI is shown.
    upi_link: str | None = None
    upi_vpa: str = ""
    business_state: str = ""
    document_type: str = DocumentType.tax_invoice
    customer_gstin: str | None = None
    # The customer's language (en, hi, kn): the bill's words, dates and amounts.
    language: str = "en"
    # A prepaid customer (``milkrun.wallets``): the bill states the wallet, not a sum to pay.
    is_prepaid: bool = False
