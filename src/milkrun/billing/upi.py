"""Paying a bill by UPI: the ``upi://pay`` link of NPCI's UPI linking specification, and its QR.

The link is built here and nowhere else. It names the dairy's UPI ID (``pa``) and name (``pn``),
the amount due (``am``, rupees with two decimals), the currency (``cu=INR``), the bill number as
the note the customer sees (``tn``) and a reference milkrun can match a credit with later
(``tr``: the bill number without its separators, e.g. ``MR2627000123``). Values are
percent-encoded (a space is ``%20``, never ``+``); the ``@`` of a UPI ID stays as it is, as UPI
apps expect.

Without a configured UPI ID, or with nothing to pay, there is no link: callers show nothing UPI.
"""

from __future__ import annotations

import io
import re
from urllib.parse import quote

import qrcode
import qrcode.constants
import qrcode.image.pil
import qrcode.image.svg

from milkrun.config import Settings

# What NPCI allows in a transaction reference: letters and digits, at most 35.
_NOT_REFERENCE = re.compile(r"[^A-Za-z0-9]")
REFERENCE_LENGTH = 35


def reference_of(bill_number: str) -> str:
    """The reference a payment of this bill carries back (``tr``): its number, letters and
    digits only. ``MR/2627/000123`` -> ``MR2627000123``."""
    return _NOT_REFERENCE.sub("", bill_number)[:REFERENCE_LENGTH]


def rupees(paise: int) -> str:
    """An amount as ``am`` wants it: ``4250`` -> ``"42.50"``."""
    whole, rest = divmod(paise, 100)
    return f"{whole}.{rest:02d}"


def pay_link(*, vpa: str, payee_name: str, amount_paise: int, bill_number: str) -> str:
    """The ``upi://pay`` link for paying ``amount_paise`` of bill ``bill_number``."""
    fields = (
        ("pa", vpa.strip()),
        ("pn", payee_name.strip()),
        ("am", rupees(amount_paise)),
        ("cu", "INR"),
        ("tn", bill_number),
        ("tr", reference_of(bill_number)),
    )
    return "upi://pay?" + "&".join(f"{key}={quote(value, safe='@')}" for key, value in fields)


def link_for(settings: Settings, *, amount_paise: int, bill_number: str | None) -> str | None:
    """The link for a bill, or None when UPI is not set up, the bill has no number (a draft) or
    nothing is due."""
    vpa = settings.upi_vpa.strip()
    if not vpa or not bill_number or amount_paise <= 0:
        return None
    return pay_link(
        vpa=vpa,
        payee_name=settings.upi_payee_name.strip() or settings.business_name,
        amount_paise=amount_paise,
        bill_number=bill_number,
    )


def _code(link: str, box_size: int = 10) -> qrcode.QRCode:
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, box_size=box_size
    )
    code.add_data(link)
    code.make(fit=True)
    return code


def qr_svg(link: str) -> str:
    """The link's QR code as an inline SVG element (for the pages)."""
    image = _code(link).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    svg: str = image.to_string(encoding="unicode")
    return svg


def qr_png(link: str) -> bytes:
    """The link's QR code as PNG bytes (for the PDF)."""
    image = _code(link, box_size=8).make_image(image_factory=qrcode.image.pil.PilImage)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue()
