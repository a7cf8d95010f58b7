"""The bill on paper: one A4 page a customer can read at the door.

Rendering only: ``render(bill)`` turns a ``Bill`` (plain data, assembled by
``queries.bill_of``) into PDF bytes. The milk card is the month as a grid of the quantity of
each product delivered each day, the card customers of a dairy have always ticked. The title
is the bill's GST document (tax invoice, bill of supply, invoice-cum-bill of supply); lines show
their HSN code, and prices are tax-inclusive: the taxable value and the CGST and SGST inside
them are shown per line and in the totals. The page and its font are ``pdf_page``; the account
and UPI blocks ``pdf_account``. The bill is in the customer's language (``Bill.language``:
English, Hindi or Kannada, through ``milkrun.languages``).
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path

from fpdf.enums import XPos, YPos

from milkrun import languages
from milkrun.billing.bill import Bill, BillAdjustment, BillLine, BillPayment, CardRow
from milkrun.billing.models import DOCUMENT_TITLES, DocumentType
from milkrun.billing.pdf_account import account, amount_due, pay_by_upi, since_issue
from milkrun.billing.pdf_page import (
    GREY,
    SHADE,
    MissingFont,
    Page,
    check_fonts,
    check_script_fonts,
    font_dir,
    inr,
    long_date,
    month_name,
    noto_dir,
    percent,
    period,
    scripts_in,
    weekday_initials,
)
from milkrun.languages import N_, _

# DOCUMENT_TITLES' words, for the catalogues (the title is translated when the bill is drawn).
_TITLES = (N_("TAX INVOICE"), N_("BILL OF SUPPLY"), N_("INVOICE-CUM-BILL OF SUPPLY"))

__all__ = [
    "Bill",
    "BillAdjustment",
    "BillLine",
    "BillPayment",
    "CardRow",
    "MissingFont",
    "render",
    "render_all",
]


# The script a language's words are written in (its Noto family in ``pdf_page.SCRIPT_FONTS``).
LANGUAGE_SCRIPTS = {"hi": "NotoDevanagari", "kn": "NotoKannada"}


def render(bill: Bill, *, fonts_in: Path | None = None, scripts_in: Path | None = None) -> bytes:
    """The bill as PDF bytes, in the customer's language."""
    with languages.speaking(bill.language):
        scripts = check_script_fonts(scripts_in or noto_dir())
        needed = scripts_needed(bill)
        pdf = Page(
            check_fonts(fonts_in or font_dir()),
            {family: styles for family, styles in scripts.items() if family in needed},
        )
        return _render(bill, pdf)


def scripts_needed(bill: Bill) -> set[str]:
    """The script fonts the bill needs: its language's, and any its texts are written in (a
    Hindi name or a Kannada address on an English bill)."""
    needed = scripts_in(_texts(bill))
    if bill.language in LANGUAGE_SCRIPTS:
        needed.add(LANGUAGE_SCRIPTS[bill.language])
    return needed


def _texts(value: object) -> Iterator[str]:
    """Every text in the bill's data (its dataclasses, lists and strings)."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            yield from _texts(getattr(value, item.name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)


def render_all(
    bills: Sequence[Bill],
    title: str,
    *,
    fonts_in: Path | None = None,
    scripts_in: Path | None = None,
) -> bytes:
    """Many bills in one PDF, each from a new page and in its customer's language: a route's
    bills printed in one go, in the order given (the stop order). The fonts are read once for
    all of them, so a bill costs a fraction of one rendered alone."""
    scripts = check_script_fonts(scripts_in or noto_dir())
    needed = set().union(*(scripts_needed(bill) for bill in bills))
    pdf = Page(
        check_fonts(fonts_in or font_dir()),
        {family: styles for family, styles in scripts.items() if family in needed},
    )
    pdf.set_title(title)
    if bills:
        pdf.set_author(bills[0].business_name)
    pdf.set_creation_date(dt.datetime(2000, 1, 1, tzinfo=dt.UTC))  # reproducible bytes
    for bill in bills:
        with languages.speaking(bill.language):
            _draw(bill, pdf)
    return bytes(pdf.output())


def _render(bill: Bill, pdf: Page) -> bytes:
    pdf.set_title(f"Bill {bill.number or 'draft'} {bill.customer_name}")
    pdf.set_author(bill.business_name)
    pdf.set_creation_date(dt.datetime(2000, 1, 1, tzinfo=dt.UTC))  # reproducible bytes
    _draw(bill, pdf)
    return bytes(pdf.output())


def _draw(bill: Bill, pdf: Page) -> None:
    """One bill, from a new page."""
    pdf.add_page()
    _header(pdf, bill)
    _bill_to(pdf, bill)
    _milk_card(pdf, bill)
    _lines(pdf, bill)
    if bill.adjustments:
        _adjustments(pdf, bill)
    _totals(pdf, bill)
    account(pdf, bill)
    if bill.upi_link:
        pay_by_upi(pdf, bill, bill.upi_link)
    _footer(pdf, bill)


def _title(bill: Bill) -> str:
    if bill.status == "draft":
        return _("DRAFT BILL")
    if not bill.business_gstin:
        return _("VOID INVOICE") if bill.status == "void" else _("INVOICE")
    title = _(DOCUMENT_TITLES.get(DocumentType(bill.document_type), "TAX INVOICE"))
    return _("VOID %(title)s") % {"title": title} if bill.status == "void" else title


def _header(pdf: Page, bill: Bill) -> None:
    top = pdf.get_y()
    left = pdf.width * 0.6
    pdf.text_cell(left, 7, bill.business_name, size=15, bold=True, last=True)
    pdf.use_font("", 8.5)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(left, 4, bill.business_address, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if bill.business_gstin:
        pdf.text_cell(left, 4.5, f"GSTIN {bill.business_gstin}", size=8.5, grey=True, last=True)
    bottom = pdf.get_y()

    right = pdf.width - left
    x = pdf.l_margin + left
    pdf.set_xy(x, top)
    title = _title(bill)
    size = 13 if len(title) <= 16 else 10  # INVOICE-CUM-BILL OF SUPPLY fits the column
    pdf.text_cell(right, 7, title, size=size, bold=True, align="R", last=True)
    facts = [
        (
            _("Bill no.")
            if bill.document_type == DocumentType.bill_of_supply
            else _("Invoice no."),
            bill.number or _("not yet numbered"),
        ),
        (_("Date"), long_date(bill.issue_date) if bill.issue_date else "—"),
        (_("Due by"), long_date(bill.due_date) if bill.due_date else "—"),
    ]
    for label, value in facts:
        pdf.set_x(x)
        pdf.text_cell(right * 0.45, 4.5, label, size=8.5, grey=True, align="R")
        pdf.text_cell(right * 0.55, 4.5, value, size=8.5, bold=True, align="R", last=True)
    pdf.set_y(max(bottom, pdf.get_y()))
    pdf.rule()


def _bill_to(pdf: Page, bill: Bill) -> None:
    top = pdf.get_y()
    left = pdf.width * 0.6
    pdf.text_cell(left, 4.5, _("Bill to"), size=8, grey=True, last=True)
    pdf.text_cell(left, 5.5, bill.customer_name, size=11, bold=True, last=True)
    pdf.use_font("", 9)
    pdf.set_text_color(0, 0, 0)
    pdf.multi_cell(left, 4.3, bill.customer_address, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.text_cell(
        left,
        4.5,
        _("Customer no. %(id)s") % {"id": bill.customer_id},
        size=8.5,
        grey=True,
        last=True,
    )
    if bill.customer_gstin:
        pdf.text_cell(left, 4.5, f"GSTIN {bill.customer_gstin}", size=8.5, grey=True, last=True)
    if bill.business_state:
        place = _("Place of supply: %(state)s") % {"state": bill.business_state}
        pdf.text_cell(left, 4.5, place, size=8.5, grey=True, last=True)
    bottom = pdf.get_y()

    right = pdf.width - left
    x = pdf.l_margin + left
    pdf.set_xy(x, top)
    pdf.text_cell(right, 4.5, _("Billing period"), size=8, grey=True, align="R", last=True)
    pdf.set_x(x)
    pdf.text_cell(right, 5.5, period(bill.month), size=11, bold=True, align="R", last=True)
    pdf.set_x(x)
    pdf.text_cell(right, 4.5, _("Amount due"), size=8, grey=True, align="R", last=True)
    pdf.set_x(x)
    pdf.text_cell(right, 6, inr(amount_due(bill)), size=13, bold=True, align="R", last=True)
    pdf.set_y(max(bottom, pdf.get_y()))
    pdf.rule()


def _milk_card(pdf: Page, bill: Bill) -> None:
    month = bill.month
    days = calendar.monthrange(month.year, month.month)[1]
    pdf.text_cell(
        pdf.width,
        6,
        _("Milk card — %(month)s") % {"month": month_name(month)},
        size=10.5,
        bold=True,
        last=True,
    )
    pdf.text_cell(pdf.width, 4.5, _("Quantity delivered each day"), size=8, grey=True, last=True)
    pdf.ln(1)
    name_w, total_w = 40.0, 13.0
    first_half = list(range(1, 17))
    second_half = list(range(17, days + 1))
    day_w = (pdf.width - name_w - total_w) / len(first_half)
    rows = bill.card or [CardRow(_("(nothing delivered)"), {})]
    initials = weekday_initials()
    for block, with_total in ((first_half, False), (second_half, True)):
        pdf.set_fill_color(*SHADE)
        pdf.text_cell(name_w, 4.5, _("Day"), size=7.5, bold=True, border=1, fill=True)
        for day in block:
            pdf.text_cell(day_w, 4.5, str(day), size=7.5, bold=True, align="C", border=1, fill=True)
        if with_total:
            pdf.text_cell(
                total_w, 4.5, _("Total"), size=7.5, bold=True, align="C", border=1, fill=True
            )
        pdf.ln()
        pdf.text_cell(name_w, 3.8, "", size=6.5, border=1)
        for day in block:
            weekday = initials[dt.date(month.year, month.month, day).weekday()]
            pdf.text_cell(day_w, 3.8, weekday, size=6.5, align="C", border=1, grey=True)
        if with_total:
            pdf.text_cell(total_w, 3.8, "", size=6.5, border=1)
        pdf.ln()
        for row in rows:
            pdf.text_cell(name_w, 5, row.product, size=7.5, border=1)
            for day in block:
                quantity = row.quantities.get(day, 0)
                pdf.text_cell(
                    day_w, 5, str(quantity) if quantity else "", size=8, align="C", border=1
                )
            if with_total:
                pdf.text_cell(
                    total_w,
                    5,
                    str(sum(row.quantities.values())),
                    size=8,
                    bold=True,
                    align="C",
                    border=1,
                )
            pdf.ln()
        pdf.ln(2)
    pdf.ln(1)


def _lines(pdf: Page, bill: Bill) -> None:
    """Item, HSN, quantity, the tax-inclusive rate, the taxable value, the GST rate and the
    CGST + SGST inside the line (a bill of supply charges no tax: no tax columns)."""
    taxed = bill.document_type != DocumentType.bill_of_supply
    widths: tuple[float, ...]
    heads: tuple[str, ...]
    if taxed:
        widths = (58.0, 14.0, 12.0, 22.0, 26.0, 12.0)
        heads = (_("Item"), _("HSN"), _("Qty"), _("Rate"), _("Taxable value"), _("GST"))
    else:
        widths = (92.0, 16.0, 14.0, 26.0)
        heads = (_("Item"), _("HSN"), _("Qty"), _("Rate"))
    last_w = pdf.width - sum(widths)
    aligns = ("L", "L", "R", "R", "R", "R")
    pdf.set_fill_color(*SHADE)
    for w, head, align in zip(widths, heads, aligns, strict=False):
        pdf.text_cell(w, 5.5, head, size=8.5, bold=True, align=align, border="B", fill=True)
    last_head = _("CGST + SGST") if taxed else _("Amount")
    pdf.text_cell(last_w, 5.5, last_head, size=8.5, bold=True, align="R", border="B", fill=True)
    pdf.ln()
    if not bill.lines:
        pdf.text_cell(
            pdf.width, 5.5, _("No deliveries billed this month"), size=9, grey=True, last=True
        )
    for line in bill.lines:
        cells = [
            line.description,
            line.hsn_code or "",
            str(line.quantity),
            inr(line.unit_price_paise),
        ]
        if taxed:
            cells += [inr(line.amount_paise), percent(line.tax_rate_bps)]
            last = inr(line.tax_paise)
        else:
            last = inr(line.amount_paise + line.tax_paise)
        for w, value, align in zip(widths, cells, aligns, strict=False):
            pdf.text_cell(w, 5.5, value, size=9, align=align, border="B")
        pdf.text_cell(last_w, 5.5, last, size=9, align="R", border="B", last=True)
    note = (
        _("Rates include GST; CGST and SGST are half each of the GST shown.")
        if taxed
        else _("Nil-rated goods: no GST is charged on this bill.")
    )
    pdf.text_cell(pdf.width, 4.5, note, size=8, grey=True, last=True)
    pdf.ln(2)


def _adjustments(pdf: Page, bill: Bill) -> None:
    pdf.text_cell(pdf.width, 5.5, _("Corrections to earlier bills"), size=9.5, bold=True, last=True)
    widths = (24.0, 110.0, 26.0)
    tax_w = pdf.width - sum(widths)
    for w, head, align in zip(
        widths, (_("Date"), _("Correction"), _("Amount")), "LLR", strict=True
    ):
        pdf.text_cell(w, 5, head, size=8.5, bold=True, align=align, border="B", fill=True)
    pdf.text_cell(tax_w, 5, _("Tax"), size=8.5, bold=True, align="R", border="B", fill=True)
    pdf.ln()
    for adjustment in bill.adjustments:
        pdf.text_cell(widths[0], 5, long_date(adjustment.day), size=8.5, border="B")
        pdf.text_cell(widths[1], 5, adjustment.description, size=8.5, border="B")
        pdf.text_cell(widths[2], 5, inr(adjustment.amount_paise), size=8.5, align="R", border="B")
        pdf.text_cell(
            tax_w, 5, inr(adjustment.tax_paise), size=8.5, align="R", border="B", last=True
        )
    pdf.ln(3)


def _totals(pdf: Page, bill: Bill) -> None:
    label_w, value_w = 46.0, 34.0
    x = pdf.l_margin + pdf.width - label_w - value_w
    cgst = bill.tax_paise // 2
    rows: list[tuple[str, int, bool]] = []
    if bill.document_type != DocumentType.bill_of_supply:
        rows += [
            (_("Taxable value"), bill.subtotal_paise, False),
            (_("CGST"), cgst, False),
            (_("SGST"), bill.tax_paise - cgst, False),
        ]
    rows += [
        (_("Total"), bill.total_paise, True),
        (_("Payments received"), bill.amount_paid_paise, False),
        (_("Balance due"), bill.balance_due_paise, True),
    ]
    pdf.amount_rows(x, label_w, value_w, rows)
    if bill.payments:
        pdf.ln(2)
        pdf.text_cell(pdf.width, 5, _("Payments received"), size=9, bold=True, last=True)
        for payment in bill.payments:
            reference = f" · {payment.reference}" if payment.reference else ""
            text = (
                f"{long_date(payment.day)}  {payment.method.upper()}{reference}  "
                f"{inr(payment.amount_paise)}"
            )
            pdf.text_cell(pdf.width, 4.5, text, size=8.5, last=True)


def _footer(pdf: Page, bill: Bill) -> None:
    pdf.ln(2)
    if bill.status == "draft":
        note = _("Draft: this bill may still change and is not yet payable.")
    elif bill.status == "void":
        note = _("This invoice has been cancelled; its number is not reused.")
    elif bill.is_prepaid and bill.statement is not None and amount_due(bill) <= 0:
        note = _("Prepaid: this month was paid from your wallet; %(amount)s is left in it.") % {
            "amount": inr(-amount_due(bill))
        }
    elif (paid_since := since_issue(bill)) is not None:
        note = paid_since
    elif amount_due(bill) > 0 and bill.due_date is not None:
        note = _("Please pay %(amount)s by %(date)s.") % {
            "amount": inr(amount_due(bill)),
            "date": long_date(bill.due_date),
        }
    else:
        note = _("Nothing is due on this bill. Thank you!")
    pdf.text_cell(pdf.width, 5, note, size=9, bold=True, last=True)
    if bill.document_type == DocumentType.bill_of_supply and bill.business_gstin:
        pdf.text_cell(
            pdf.width,
            4.5,
            _("Bill of supply (CGST rule 49): supply of exempted / nil-rated goods."),
            size=8,
            grey=True,
            last=True,
        )
    pdf.text_cell(
        pdf.width,
        4.5,
        _("Computer-generated bill; no signature needed. Cash, UPI, card or bank transfer."),
        size=8,
        grey=True,
        last=True,
    )
