"""The account a bill states and how to pay it: the balance carried from bill to bill
(``billing.statement``) and the UPI QR for the amount due (``billing.upi``)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from milkrun.billing import upi
from milkrun.billing.pdf_page import Page, inr, long_date
from milkrun.languages import _

if TYPE_CHECKING:
    from milkrun.billing.bill import Bill


def amount_due(bill: Bill) -> int:
    """What the customer is asked to pay: the account's total due (previous balance included)
    on an issued bill; what is left of the bill itself otherwise."""
    return bill.statement.total_due_paise if bill.statement is not None else bill.balance_due_paise


def owed_now(bill: Bill) -> int:
    """What is asked for now (the UPI link, the gateway's, a message): what is still due of the
    bill's total due (a payment since the bill is not asked for twice)."""
    return bill.statement.still_due_paise if bill.statement is not None else bill.balance_due_paise


def since_issue(bill: Bill) -> str | None:
    """The account now, when a payment came after the bill (its figures stay as issued): what
    was paid since and what is still due of the total the bill asked for."""
    stated = bill.statement
    if stated is None or not stated.paid_after_issue or stated.last_paid_on is None:
        return None
    paid = {"amount": inr(stated.paid_since_paise), "date": long_date(stated.last_paid_on)}
    if stated.still_due_paise <= 0:
        return _("Since this bill: paid %(amount)s (last on %(date)s), paid in full.") % paid
    return _("Since this bill: paid %(amount)s (last on %(date)s); %(due)s still due.") % {
        **paid,
        "due": inr(stated.still_due_paise),
    }


def account(pdf: Page, bill: Bill) -> None:
    """The account the bill states: the balance travels from bill to bill. A prepaid
    customer's bill is the statement of its wallet: what was in it, the top-ups, what the
    month's deliveries took, and what is left (the same figures, the other way round)."""
    stated = bill.statement
    if stated is None:
        return
    label_w, value_w = 66.0, 34.0
    x = pdf.l_margin + pdf.width - label_w - value_w
    pdf.ln(3)
    pdf.set_x(x)
    rows: list[tuple[str, int, bool]]
    if bill.is_prepaid:
        pdf.text_cell(label_w + value_w, 5, _("Your prepaid wallet"), size=9, bold=True, last=True)
        rows = [
            (_("In the wallet before this bill"), -stated.previous_balance_paise, False),
            (_("Top-ups since"), -stated.payments_and_credits_paise, False),
            (_("This month's deliveries"), -stated.charges_paise, False),
            (_("Adjustments"), -stated.adjustments_paise, False),
            (_("Left in the wallet"), -stated.total_due_paise, True),
        ]
    else:
        pdf.text_cell(label_w + value_w, 5, _("Your account"), size=9, bold=True, last=True)
        previous = _("Previous balance") + (
            " (" + _("after %(number)s") % {"number": stated.previous_number} + ")"
            if stated.previous_number
            else ""
        )
        rows = [
            (previous, stated.previous_balance_paise, False),
            (_("Payments and credits since"), stated.payments_and_credits_paise, False),
            (_("This month's charges"), stated.charges_paise, False),
            (_("Adjustments"), stated.adjustments_paise, False),
            (_("Total due"), stated.total_due_paise, True),
        ]
    pdf.amount_rows(x, label_w, value_w, rows)


QR_SIDE = 27.0  # mm: scans from a phone held at reading distance


def pay_by_upi(pdf: Page, bill: Bill, link: str) -> None:
    """The UPI QR for the amount due, with the UPI ID for those who type it."""
    pdf.ln(2)
    if pdf.get_y() + QR_SIDE > pdf.h - pdf.b_margin:
        pdf.add_page()
    top = pdf.get_y()
    pdf.image(io.BytesIO(upi.qr_png(link)), x=pdf.l_margin, y=top, w=QR_SIDE, h=QR_SIDE)
    x = pdf.l_margin + QR_SIDE + 4
    width = pdf.width - QR_SIDE - 4
    pdf.set_xy(x, top + 2)
    pdf.text_cell(width, 6, _("Pay by UPI"), size=11, bold=True, last=True)
    pdf.set_x(x)
    pdf.text_cell(
        width,
        5,
        _("Scan with any UPI app to pay %(amount)s.") % {"amount": inr(owed_now(bill))},
        size=9,
        last=True,
    )
    pdf.set_x(x)
    pdf.text_cell(width, 5, _("UPI ID") + f" {bill.upi_vpa}", size=9, grey=True, last=True)
    pdf.set_x(x)
    pdf.text_cell(
        width, 5, _("Note: bill %(number)s") % {"number": bill.number}, size=9, grey=True, last=True
    )
    pdf.set_y(top + QR_SIDE)
