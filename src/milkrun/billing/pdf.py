"""The bill on paper: one A4 page a customer can read at the door.

Rendering only: ``render(bill)`` turns a ``Bill`` (plain data, assembled by
``queries.bill_of``) into PDF bytes. The milk card is the month as a grid of the quantity of
each product delivered each day, the card customers of a dairy have always ticked. Amounts use
Indian digit grouping (``₹1,23,456.00``), so the font must have the rupee sign: DejaVu Sans,
from Debian's ``fonts-dejavu-core`` (``/usr/share/fonts/truetype/dejavu``, or
``MILKRUN_FONT_DIR``).

The bill is in the customer's language (``Bill.language``: English, Hindi or Kannada, through
``milkrun.languages``). Devanagari and Kannada come from Noto Sans Devanagari and Noto Sans
Kannada, Debian's ``fonts-noto-core`` (``/usr/share/fonts/truetype/noto``, or
``MILKRUN_NOTO_FONT_DIR``), as fallbacks of DejaVu for the letters it lacks (a Hindi name on an
English bill too), shaped by HarfBuzz (fpdf2's text shaping, ``uharfbuzz``) so that conjuncts
and vowel signs join as they should.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from babel.dates import get_day_names
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from milkrun import languages
from milkrun.billing import upi
from milkrun.languages import _
from milkrun.money import format_inr

if TYPE_CHECKING:
    from milkrun.billing.statement import Statement

DEFAULT_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
FONT = "DejaVu"
DEFAULT_NOTO_DIR = Path("/usr/share/fonts/truetype/noto")
# The scripts DejaVu lacks: family -> style -> file (Debian's fonts-noto-core).
SCRIPT_FONTS = {
    "NotoDevanagari": {
        "": "NotoSansDevanagari-Regular.ttf",
        "B": "NotoSansDevanagari-Bold.ttf",
    },
    "NotoKannada": {"": "NotoSansKannada-Regular.ttf", "B": "NotoSansKannada-Bold.ttf"},
}
GREY = (110, 110, 110)
RULE = (190, 190, 190)
SHADE = (242, 242, 242)


class MissingFont(RuntimeError):
    """The bill's font is not installed; the message says how to install it."""


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
    amount_paise: int
    tax_rate_bps: int
    tax_paise: int


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
    # The customer's language (en, hi, kn): the bill's words, dates and amounts.
    language: str = "en"


def font_dir() -> Path:
    return Path(os.environ.get("MILKRUN_FONT_DIR", str(DEFAULT_FONT_DIR)))


def noto_dir() -> Path:
    return Path(os.environ.get("MILKRUN_NOTO_FONT_DIR", str(DEFAULT_NOTO_DIR)))


def _check_fonts(directory: Path) -> dict[str, Path]:
    files = {style: directory / name for style, name in FONT_FILES.items()}
    missing = [str(path) for path in files.values() if not path.is_file()]
    if missing:
        raise MissingFont(
            f"the bill's font is missing ({', '.join(missing)}): install Debian's "
            "fonts-dejavu-core (apt-get install fonts-dejavu-core) or point MILKRUN_FONT_DIR "
            "at a directory with DejaVuSans.ttf and DejaVuSans-Bold.ttf"
        )
    return files


def _check_script_fonts(directory: Path) -> dict[str, dict[str, Path]]:
    files = {
        family: {style: directory / name for style, name in styles.items()}
        for family, styles in SCRIPT_FONTS.items()
    }
    missing = [str(p) for styles in files.values() for p in styles.values() if not p.is_file()]
    if missing:
        raise MissingFont(
            f"the bill's Hindi and Kannada fonts are missing ({', '.join(missing)}): install "
            "Debian's fonts-noto-core (scripts/ensure-fonts) or point MILKRUN_NOTO_FONT_DIR at "
            "a directory with the Noto Sans Devanagari and Noto Sans Kannada files"
        )
    return files


def long_date(day: dt.date) -> str:
    return languages.day_text(day, "d MMM y")


def period(month: dt.date) -> str:
    last = calendar.monthrange(month.year, month.month)[1]
    return f"1–{last} {languages.day_text(month, 'MMMM y')}"


def _weekday_initials() -> list[str]:
    """Monday to Sunday in two or three letters of the bill's language ("Mo", "सो")."""
    names = get_day_names("short", locale=languages.locale())
    return [str(names[i]) for i in range(7)]


def percent(bps: int) -> str:
    whole, rest = divmod(bps, 100)
    return f"{whole}%" if rest == 0 else f"{whole}.{rest:02d}".rstrip("0") + "%"


class _Page(FPDF):
    def __init__(self, fonts: dict[str, Path], scripts: dict[str, dict[str, Path]]) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        for style, path in fonts.items():
            self.add_font(FONT, style, str(path))
        for family, styles in scripts.items():
            for style, path in styles.items():
                self.add_font(family, style, str(path))
        self.set_fallback_fonts(list(scripts), exact_match=False)
        self.set_text_shaping(True)
        self.set_margins(12, 12, 12)
        self.set_auto_page_break(auto=True, margin=14)
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)

    def use_font(self, style: str, size: float) -> None:
        """DejaVu in ``style``, set anew: after a text in a fallback font (Hindi, Kannada)
        fpdf2 still believes DejaVu is set and would write the next text with the wrong
        glyphs, so its memory of the font is cleared first."""
        self.font_family = ""
        self.set_font(FONT, style, size)

    @property
    def width(self) -> float:
        return float(self.w - self.l_margin - self.r_margin)

    def text_cell(
        self,
        w: float,
        h: float,
        text: str,
        *,
        size: float = 9,
        bold: bool = False,
        align: str = "L",
        border: Literal[0, 1] | str = 0,
        fill: bool = False,
        grey: bool = False,
        last: bool = False,
    ) -> None:
        self.use_font("B" if bold else "", size)
        self.set_text_color(*(GREY if grey else (0, 0, 0)))
        while text and self.get_string_width(text) > w - 1.2 and len(text) > 1:
            text = text[:-2] + "…"
        self.cell(
            w,
            h,
            text,
            border=border,
            align=align,
            fill=fill,
            new_x=XPos.LMARGIN if last else XPos.RIGHT,
            new_y=YPos.NEXT if last else YPos.TOP,
        )

    def rule(self, gap: float = 2) -> None:
        self.ln(gap)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(gap)


def render(bill: Bill, *, fonts_in: Path | None = None, scripts_in: Path | None = None) -> bytes:
    """The bill as PDF bytes, in the customer's language."""
    with languages.speaking(bill.language):
        return _render(
            bill,
            _Page(
                _check_fonts(fonts_in or font_dir()), _check_script_fonts(scripts_in or noto_dir())
            ),
        )


def _inr(paise: int) -> str:
    return format_inr(paise, languages.locale())


def _render(bill: Bill, pdf: _Page) -> bytes:
    pdf.set_title(f"Bill {bill.number or 'draft'} {bill.customer_name}")
    pdf.set_author(bill.business_name)
    pdf.set_creation_date(dt.datetime(2000, 1, 1, tzinfo=dt.UTC))  # reproducible bytes
    pdf.add_page()
    _header(pdf, bill)
    _bill_to(pdf, bill)
    _milk_card(pdf, bill)
    _lines(pdf, bill)
    if bill.adjustments:
        _adjustments(pdf, bill)
    _totals(pdf, bill)
    _account(pdf, bill)
    if bill.upi_link:
        _pay_by_upi(pdf, bill, bill.upi_link)
    _footer(pdf, bill)
    return bytes(pdf.output())


def _title(bill: Bill) -> str:
    if bill.status == "draft":
        return _("DRAFT BILL")
    if bill.status == "void":
        return _("VOID INVOICE")
    return _("TAX INVOICE") if bill.business_gstin else _("INVOICE")


def _header(pdf: _Page, bill: Bill) -> None:
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
    pdf.text_cell(right, 7, _title(bill), size=13, bold=True, align="R", last=True)
    facts = [
        (_("Invoice no."), bill.number or _("not yet numbered")),
        (_("Date"), long_date(bill.issue_date) if bill.issue_date else "—"),
        (_("Due by"), long_date(bill.due_date) if bill.due_date else "—"),
    ]
    for label, value in facts:
        pdf.set_x(x)
        pdf.text_cell(right * 0.45, 4.5, label, size=8.5, grey=True, align="R")
        pdf.text_cell(right * 0.55, 4.5, value, size=8.5, bold=True, align="R", last=True)
    pdf.set_y(max(bottom, pdf.get_y()))
    pdf.rule()


def _bill_to(pdf: _Page, bill: Bill) -> None:
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
    pdf.text_cell(right, 6, _inr(_amount_due(bill)), size=13, bold=True, align="R", last=True)
    pdf.set_y(max(bottom, pdf.get_y()))
    pdf.rule()


def _milk_card(pdf: _Page, bill: Bill) -> None:
    month = bill.month
    days = calendar.monthrange(month.year, month.month)[1]
    pdf.text_cell(
        pdf.width,
        6,
        _("Milk card — %(month)s") % {"month": languages.day_text(month, "MMMM y")},
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
    initials = _weekday_initials()
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


def _lines(pdf: _Page, bill: Bill) -> None:
    widths = (80.0, 18.0, 26.0, 30.0)
    tax_w = pdf.width - sum(widths)
    heads = (_("Item"), _("Qty"), _("Rate"), _("Amount"))
    aligns = ("L", "R", "R", "R")
    pdf.set_fill_color(*SHADE)
    for w, head, align in zip(widths, heads, aligns, strict=True):
        pdf.text_cell(w, 5.5, head, size=8.5, bold=True, align=align, border="B", fill=True)
    pdf.text_cell(tax_w, 5.5, _("Tax"), size=8.5, bold=True, align="R", border="B", fill=True)
    pdf.ln()
    if not bill.lines:
        pdf.text_cell(
            pdf.width, 5.5, _("No deliveries billed this month"), size=9, grey=True, last=True
        )
    for line in bill.lines:
        cells = (
            line.description,
            str(line.quantity),
            _inr(line.unit_price_paise),
            _inr(line.amount_paise),
        )
        for w, value, align in zip(widths, cells, aligns, strict=True):
            pdf.text_cell(w, 5.5, value, size=9, align=align, border="B")
        tax = f"{percent(line.tax_rate_bps)}  {_inr(line.tax_paise)}"
        pdf.text_cell(tax_w, 5.5, tax, size=9, align="R", border="B", last=True)
    pdf.ln(3)


def _adjustments(pdf: _Page, bill: Bill) -> None:
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
        pdf.text_cell(widths[2], 5, _inr(adjustment.amount_paise), size=8.5, align="R", border="B")
        pdf.text_cell(
            tax_w, 5, _inr(adjustment.tax_paise), size=8.5, align="R", border="B", last=True
        )
    pdf.ln(3)


def _totals(pdf: _Page, bill: Bill) -> None:
    label_w, value_w = 46.0, 34.0
    x = pdf.l_margin + pdf.width - label_w - value_w
    rows = [
        (_("Subtotal"), bill.subtotal_paise, False),
        (_("Tax"), bill.tax_paise, False),
        (_("Total"), bill.total_paise, True),
        (_("Payments received"), bill.amount_paid_paise, False),
        (_("Balance due"), bill.balance_due_paise, True),
    ]
    for label, paise, strong in rows:
        pdf.set_x(x)
        border: Literal[0, 1] | str = "T" if strong else 0
        pdf.text_cell(label_w, 6, label, size=10 if strong else 9, bold=strong, border=border)
        pdf.text_cell(
            value_w,
            6,
            _inr(paise),
            size=10 if strong else 9,
            bold=strong,
            align="R",
            border=border,
            last=True,
        )
    if bill.payments:
        pdf.ln(2)
        pdf.text_cell(pdf.width, 5, _("Payments received"), size=9, bold=True, last=True)
        for payment in bill.payments:
            reference = f" · {payment.reference}" if payment.reference else ""
            text = (
                f"{long_date(payment.day)}  {payment.method.upper()}{reference}  "
                f"{_inr(payment.amount_paise)}"
            )
            pdf.text_cell(pdf.width, 4.5, text, size=8.5, last=True)


def _amount_due(bill: Bill) -> int:
    """What the customer is asked to pay: the account's total due (previous balance included)
    on an issued bill; what is left of the bill itself otherwise."""
    return bill.statement.total_due_paise if bill.statement is not None else bill.balance_due_paise


def _account(pdf: _Page, bill: Bill) -> None:
    """The account the bill states: the balance travels from bill to bill."""
    stated = bill.statement
    if stated is None:
        return
    label_w, value_w = 66.0, 34.0
    x = pdf.l_margin + pdf.width - label_w - value_w
    pdf.ln(3)
    pdf.set_x(x)
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
    for label, paise, strong in rows:
        pdf.set_x(x)
        border: Literal[0, 1] | str = "T" if strong else 0
        pdf.text_cell(label_w, 6, label, size=10 if strong else 9, bold=strong, border=border)
        pdf.text_cell(
            value_w,
            6,
            _inr(paise),
            size=10 if strong else 9,
            bold=strong,
            align="R",
            border=border,
            last=True,
        )


QR_SIDE = 32.0  # mm: scans from a phone held at reading distance


def _pay_by_upi(pdf: _Page, bill: Bill, link: str) -> None:
    """The UPI QR for the amount due, with the UPI ID for those who type it."""
    pdf.ln(4)
    if pdf.get_y() + QR_SIDE > pdf.h - pdf.b_margin:
        pdf.add_page()
    top = pdf.get_y()
    pdf.image(io.BytesIO(upi.qr_png(link)), x=pdf.l_margin, y=top, w=QR_SIDE, h=QR_SIDE)
    x = pdf.l_margin + QR_SIDE + 4
    width = pdf.width - QR_SIDE - 4
    pdf.set_xy(x, top + 4)
    pdf.text_cell(width, 6, _("Pay by UPI"), size=11, bold=True, last=True)
    pdf.set_x(x)
    pdf.text_cell(
        width,
        5,
        _("Scan with any UPI app to pay %(amount)s.") % {"amount": _inr(_amount_due(bill))},
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


def _footer(pdf: _Page, bill: Bill) -> None:
    pdf.ln(4)
    if bill.status == "draft":
        note = _("Draft: this bill may still change and is not yet payable.")
    elif bill.status == "void":
        note = _("This invoice has been cancelled; its number is not reused.")
    elif _amount_due(bill) > 0 and bill.due_date is not None:
        note = _("Please pay %(amount)s by %(date)s.") % {
            "amount": _inr(_amount_due(bill)),
            "date": long_date(bill.due_date),
        }
    else:
        note = _("Nothing is due on this bill. Thank you!")
    pdf.text_cell(pdf.width, 5, note, size=9, bold=True, last=True)
    pdf.text_cell(
        pdf.width,
        4.5,
        _("Computer-generated bill; no signature needed. Cash, UPI, card or bank transfer."),
        size=8,
        grey=True,
        last=True,
    )
