"""The UPI link of a bill, field by field, and its QR read back from the rendered PDF."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from pypdf import PdfReader

from milkrun.billing import pdf, upi
from milkrun.billing.statement import Statement
from milkrun.config import Settings
from tests.billing.test_pdf import a_bill, text_of


def fields_of(link: str) -> dict[str, str]:
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc) == ("upi", "pay")
    parsed = parse_qs(parts.query, strict_parsing=True)
    assert all(len(values) == 1 for values in parsed.values()), parsed
    return {key: values[0] for key, values in parsed.items()}


def test_the_link_names_payee_amount_currency_note_and_reference() -> None:
    link = upi.pay_link(
        vpa="nandinidairy@okaxis",
        payee_name="Nandini Fresh Dairy",
        amount_paise=4250,
        bill_number="MR/2627/000123",
    )
    assert link == (
        "upi://pay?pa=nandinidairy@okaxis&pn=Nandini%20Fresh%20Dairy&am=42.50&cu=INR"
        "&tn=MR%2F2627%2F000123&tr=MR2627000123"
    )
    assert fields_of(link) == {
        "pa": "nandinidairy@okaxis",
        "pn": "Nandini Fresh Dairy",
        "am": "42.50",
        "cu": "INR",
        "tn": "MR/2627/000123",
        "tr": "MR2627000123",
    }


@pytest.mark.parametrize(
    ("paise", "am"), [(1, "0.01"), (100, "1.00"), (4250, "42.50"), (12261500, "122615.00")]
)
def test_the_amount_is_rupees_with_two_decimals(paise: int, am: str) -> None:
    link = upi.pay_link(vpa="a@b", payee_name="D", amount_paise=paise, bill_number="MR/1")
    assert fields_of(link)["am"] == am


def test_names_with_symbols_are_encoded_and_come_back_whole() -> None:
    link = upi.pay_link(
        vpa="shop.99@ybl", payee_name="Ram & Sons + Co=1", amount_paise=500, bill_number="A/1"
    )
    assert " " not in link
    assert "+" not in link.split("?", 1)[1]
    assert fields_of(link)["pn"] == "Ram & Sons + Co=1"


def test_the_reference_keeps_letters_and_digits_only() -> None:
    assert upi.reference_of("MR/2627/000123") == "MR2627000123"
    assert upi.reference_of("X-1/ab 2") == "X1ab2"
    assert len(upi.reference_of("A" * 50)) == 35


def test_no_upi_id_no_draft_number_or_nothing_due_means_no_link() -> None:
    configured = Settings(upi_vpa="nandinidairy@okaxis", upi_payee_name="")
    assert upi.link_for(Settings(), amount_paise=100, bill_number="MR/1") is None
    assert upi.link_for(configured, amount_paise=100, bill_number=None) is None
    assert upi.link_for(configured, amount_paise=0, bill_number="MR/1") is None
    assert upi.link_for(configured, amount_paise=-500, bill_number="MR/1") is None
    link = upi.link_for(configured, amount_paise=100, bill_number="MR/1")
    assert link is not None
    assert fields_of(link)["pn"] == configured.business_name  # the payee name defaults


def test_a_malformed_upi_id_is_refused_at_startup() -> None:
    with pytest.raises(ValueError, match="upi_vpa"):
        Settings(upi_vpa="not a vpa")


def statement_due(paise: int) -> Statement:
    return Statement(
        previous_number="MR/2627/000101",
        previous_balance_paise=paise - 4000,
        payments_and_credits_paise=0,
        charges_paise=4000,
        adjustments_paise=0,
        total_due_paise=paise,
    )


def test_without_upi_the_pdf_says_nothing_about_it() -> None:
    text = text_of(pdf.render(a_bill(statement=statement_due(4250))))
    assert "Pay by UPI" not in text


def decoded_qr_codes(document: bytes, tmp_path: Path) -> list[str]:
    """Every QR code on the PDF's first page, rendered by poppler and read by zbar."""
    if shutil.which("pdftoppm") is None or shutil.which("zbarimg") is None:
        pytest.fail("pdftoppm and zbarimg are needed: apt-get install poppler-utils zbar-tools")
    source = tmp_path / "bill.pdf"
    source.write_bytes(document)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "200",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            str(source),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    (page,) = tmp_path.glob("page*.png")
    found = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(page)],
        check=True,
        capture_output=True,
        text=True,
    )
    return found.stdout.splitlines()


def test_the_qr_on_the_pdf_pays_the_amount_due(tmp_path: Path) -> None:
    settings = Settings(upi_vpa="nandinidairy@okaxis", upi_payee_name="Nandini Dairy")
    stated = statement_due(4250)
    bill = a_bill(
        statement=stated,
        upi_link=upi.link_for(
            settings, amount_paise=stated.total_due_paise, bill_number="MR/2627/000123"
        ),
        upi_vpa=settings.upi_vpa,
    )
    document = pdf.render(bill)
    (link,) = decoded_qr_codes(document, tmp_path)
    assert fields_of(link) == {
        "pa": "nandinidairy@okaxis",
        "pn": "Nandini Dairy",
        "am": "42.50",
        "cu": "INR",
        "tn": "MR/2627/000123",
        "tr": "MR2627000123",
    }
    text = text_of(document)
    assert len(PdfReader(io.BytesIO(document)).pages) == 1  # the QR still fits the one page
    assert "Pay by UPI" in text
    assert "UPI ID nandinidairy@okaxis" in text
