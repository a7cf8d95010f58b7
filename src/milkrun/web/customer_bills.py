"""A customer's bills on its own page (/me): the issued invoices, newest first, with what is due,
and the balance from the ledger with its latest entries (as /api/v1/me/invoices and /me/ledger)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from milkrun import languages
from milkrun.billing import ledger, statement, upi
from milkrun.billing import queries as billing_queries
from milkrun.config import Settings
from milkrun.languages import N_, _
from milkrun.money import to_paise
from milkrun.payment_links import service as payment_links

BILLS_PER_PAGE = 12
LEDGER_LINES = 6
BILL_STATUSES = {
    "finalized": N_("To pay"),
    "partially_paid": N_("Partly paid"),
    "paid": N_("Paid"),
    "overdue": N_("Overdue"),
    "void": N_("Cancelled"),
}
LEDGER_KINDS = {
    "invoice": N_("Bill"),
    "payment": N_("Payment"),
    "void": N_("Bill cancelled"),
    "adjustment": N_("Correction"),
}


def _words(words: dict[str, str], code: str) -> str:
    return _(words[code]) if code in words else code


@dataclass(frozen=True)
class Bill:
    id: int
    number: str
    month: str
    status: str
    status_words: str
    due_date: dt.date | None
    total_paise: int
    paid_paise: int
    due_paise: int
    # The account the bill states (billing.statement): the balance travels from bill to bill.
    previous_balance_paise: int = 0
    payments_and_credits_paise: int = 0
    total_due_paise: int = 0
    # Now, not as issued (billing.statement): paid since the bill, on which day last, still due.
    paid_since_paise: int = 0
    last_paid_on: dt.date | None = None
    still_due_paise: int = 0
    # How to pay by UPI (the newest bill only, when the dairy has a UPI ID and something is due):
    # the upi://pay link and its QR code as inline SVG.
    upi_link: str | None = None
    upi_qr: str | None = None
    # The gateway's payment link ("Pay online"), when one is live for what is owed now.
    pay_url: str | None = None
    pay_amount_paise: int = 0


@dataclass(frozen=True)
class Account:
    balance_paise: int
    entries: list[dict[str, Any]]


def bills(
    session: Session,
    customer_id: int,
    today: dt.date,
    cursor: str | None,
    *,
    settings: Settings,
) -> tuple[list[Bill], str | None]:
    """The customer's issued bills, newest first (as /api/v1/me/invoices). The newest carries
    the UPI link for its total due: it includes every earlier balance, so paying an older bill
    too would pay twice."""
    zone = settings.zone
    invoices, next_cursor = billing_queries.list_invoices(
        session,
        today=today,
        limit=BILLS_PER_PAGE,
        cursor=cursor,
        customer_id=customer_id,
        issued_only=True,
    )
    found: list[Bill] = []
    offer_upi = cursor is None
    for invoice in invoices:
        status = billing_queries.display_status(invoice, today)
        stated = statement.statement_of(session, invoice, zone)
        link = (
            upi.link_for(settings, amount_paise=stated.still_due_paise, bill_number=invoice.number)
            if stated is not None and offer_upi and status != "paid"
            else None
        )
        online = (
            payment_links.shown_link(session, invoice, settings)
            if stated is not None and offer_upi and status != "paid" and settings.razorpay_enabled
            else None
        )
        offer_upi = offer_upi and stated is None  # only the newest live bill (not a void one)
        found.append(
            Bill(
                id=invoice.id,
                number=invoice.number or "",
                month=languages.day_text(invoice.month, "MMMM y"),
                status=status,
                status_words=_words(BILL_STATUSES, status),
                due_date=invoice.due_date,
                total_paise=invoice.total_paise,
                paid_paise=invoice.amount_paid_paise,
                due_paise=billing_queries.balance_due(invoice),
                previous_balance_paise=stated.previous_balance_paise if stated else 0,
                payments_and_credits_paise=stated.payments_and_credits_paise if stated else 0,
                total_due_paise=stated.total_due_paise if stated else 0,
                paid_since_paise=stated.paid_since_paise
                if stated and stated.paid_after_issue
                else 0,
                last_paid_on=stated.last_paid_on if stated and stated.paid_after_issue else None,
                still_due_paise=stated.still_due_paise if stated else 0,
                upi_link=link,
                upi_qr=upi.qr_svg(link) if link else None,
                pay_url=online.url if online is not None else None,
                pay_amount_paise=online.amount_paise if online is not None else 0,
            )
        )
    return found, next_cursor


def account(session: Session, customer_id: int, settings: Settings) -> Account:
    """The balance from the ledger (as /api/v1/me/ledger) and its latest entries."""
    book = ledger.ledger(session, customer_id, settings.zone)
    balance = to_paise(book.closing_balance)
    entries = [
        {
            "date": e.date,
            "what": f"{_words(LEDGER_KINDS, e.kind)} {e.ref}".strip(),
            "debit_paise": to_paise(e.debit),
            "credit_paise": to_paise(e.credit),
            "balance_paise": to_paise(e.balance),
        }
        for e in reversed(book.entries[-LEDGER_LINES:])
    ]
    return Account(balance, entries)
