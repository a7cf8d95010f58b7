"""The balance a bill carries: what the customer owed after its previous bill, the payments and
credits since, this month's charges and the adjustments the bill carries, and the total due.

Read from the ledger (``ledger.entries_of``), in its order: the total due is the ledger's
balance at this bill's entry, the previous balance the ledger's balance at the customer's
previous live bill. This month's charges are the bill's own lines with tax, its adjustments the
corrections it carries; payments and credits are the rest of what moved the ledger in between
(payments, voids, corrections carried by no bill), so that

    previous balance + payments and credits + charges + adjustments = total due

and the total due is what the ledger says the customer owed when the bill was issued.

Those figures are the bill as issued and never change. What the customer has paid since (the
payments after the bill's entry) and what is still owed of that total due now (never more than
the customer owes now: a later bill does not add to it) are the account's current state, which
the pages and the PDF show next to the bill, not in it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun.adjustments.models import Adjustment
from milkrun.billing import ledger
from milkrun.billing.models import ISSUED_STATUSES, Invoice


@dataclass(frozen=True)
class Statement:
    previous_number: str | None
    previous_balance_paise: int
    payments_and_credits_paise: int
    charges_paise: int
    adjustments_paise: int
    total_due_paise: int
    # Now, not as issued: the payments since the bill (the day of the last) and what is still
    # owed of ``total_due_paise`` (the customer's balance now, if less).
    paid_since_paise: int = 0
    last_paid_on: dt.date | None = None
    still_due_paise: int = 0

    @property
    def paid_after_issue(self) -> bool:
        """A bill that asked for something, and a payment came after it."""
        return self.total_due_paise > 0 and self.paid_since_paise > 0


def statement_of(session: Session, invoice: Invoice, zone: ZoneInfo) -> Statement | None:
    """The account as this bill states it; None for a draft or a void bill (not a bill now)."""
    if invoice.status not in ISSUED_STATUSES:
        return None
    live = set(
        session.scalars(
            select(Invoice.id).where(
                Invoice.customer_id == invoice.customer_id,
                Invoice.status.in_([status.value for status in ISSUED_STATUSES]),
            )
        )
    )
    running = 0
    previous_balance, previous_id, charges = 0, None, 0
    total_due: int | None = None
    paid_since, last_paid_on = 0, None
    for entry in ledger.entries_of(session, invoice.customer_id, zone):
        running += entry.paise
        if total_due is not None:
            if entry.kind == "payment":
                paid_since, last_paid_on = paid_since - entry.paise, entry.day
            continue
        if entry.kind != "invoice":
            continue
        if entry.invoice_id == invoice.id:
            total_due, charges = running, entry.paise
        elif entry.invoice_id in live:
            previous_balance, previous_id = running, entry.invoice_id
    if total_due is None:  # pragma: no cover - an issued bill is always in its ledger
        return None
    carried = int(
        session.scalar(
            select(
                func.coalesce(func.sum(Adjustment.amount_paise + Adjustment.tax_paise), 0)
            ).where(Adjustment.invoice_id == invoice.id)
        )
        or 0
    )
    previous_number = (
        session.scalar(select(Invoice.number).where(Invoice.id == previous_id))
        if previous_id is not None
        else None
    )
    return Statement(
        previous_number=previous_number,
        previous_balance_paise=previous_balance,
        payments_and_credits_paise=total_due - previous_balance - charges - carried,
        charges_paise=charges,
        adjustments_paise=carried,
        total_due_paise=total_due,
        paid_since_paise=paid_since,
        last_paid_on=last_paid_on,
        still_due_paise=max(0, min(total_due, running)),
    )
