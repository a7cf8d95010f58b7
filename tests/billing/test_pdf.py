"""The bill as PDF, read back as text: what a customer would read on it."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from milkrun.billing import pdf
from milkrun.billing.pdf import Bill, BillAdjustment, BillLine, BillPayment, CardRow
from milkrun.billing.statement import Statement


def text_of(document: bytes) -> str:
    reader = PdfReader(io.BytesIO(document))
    return "\n".join(page.extract_text() for page in reader.pages)


def a_bill(**changes: object) -> Bill:
    values: dict[str, object] = {
        "business_name": "Nandini Fresh Dairy",
        "business_address": "14 Dairy Circle, Hosur Road, Bengaluru 560029",
        "business_gstin": "29ABCDE1234F1Z5",
        "customer_id": 14,
        "customer_name": "Asha Iyer",
        "customer_address": "12 MG Road, Indiranagar",
        "month": dt.date(2026, 11, 1),
        "status": "partially_paid",
        "number": "MR/2627/000123",
        "issue_date": dt.date(2026, 12, 1),
        "due_date": dt.date(2026, 12, 11),
        "subtotal_paise": 12345600,
        "tax_paise": 900,
        "total_paise": 12346500,
        "amount_paid_paise": 85000,
        "balance_due_paise": 12261500,
        "card": [
            CardRow("Toned milk", dict.fromkeys(range(1, 31), 2)),
            CardRow("Paneer", {3: 1, 17: 4}),
        ],
        "lines": [
            BillLine("Toned milk · 500 ml pouch", 60, 2800, 168000, 0, 0),
            BillLine("Paneer · 200 g pack", 5, 9000, 45000, 500, 2250),
        ],
        "adjustments": [
            BillAdjustment(dt.date(2026, 11, 3), "Order 812 of 28 Oct 2026: 2 → 0", -5600, 0)
        ],
        "payments": [BillPayment(dt.date(2026, 12, 5), "upi", "UPI-4471", 85000)],
    }
    values.update(changes)
    return Bill(**values)  # type: ignore[arg-type]


def test_the_bill_says_who_bills_whom_for_what_period() -> None:
    text = text_of(pdf.render(a_bill()))
    for expected in (
        "Nandini Fresh Dairy",
        "14 Dairy Circle, Hosur Road, Bengaluru 560029",
        "GSTIN 29ABCDE1234F1Z5",
        "TAX INVOICE",
        "MR/2627/000123",
        "Asha Iyer",
        "12 MG Road, Indiranagar",
        "1–30 November 2026",
        "Due by 11 Dec 2026",
    ):
        assert expected in text, expected


def test_amounts_use_indian_grouping_and_the_rupee_sign() -> None:
    text = text_of(pdf.render(a_bill()))
    assert "Taxable value ₹1,23,456.00" in text
    assert "CGST ₹4.50" in text
    assert "SGST ₹4.50" in text
    assert "Total ₹1,23,465.00" in text
    assert "Payments received ₹850.00" in text
    assert "Balance due ₹1,22,615.00" in text
    assert "₹1,680.00" in text  # a line amount
    assert "-₹56.00" in text  # a credit from a correction
    assert "UPI · UPI-4471" in text


def test_the_milk_card_has_every_day_of_the_month_and_each_products_total() -> None:
    text = text_of(pdf.render(a_bill()))
    assert "Milk card — November 2026" in text
    days = re.findall(r"^Day ((?:\d+ ?)+)", text, flags=re.MULTILINE)
    listed = [int(day) for block in days for day in block.split()]
    assert listed == list(range(1, 31))
    # Toned milk: 2 every day, 60 in all; paneer 1 on the 3rd and 4 on the 17th, 5 in all.
    assert re.search(r"^Toned milk(?: 2){16}$", text, flags=re.MULTILINE)
    assert re.search(r"^Toned milk(?: 2){14} 60$", text, flags=re.MULTILINE)
    assert re.search(r"^Paneer 1$", text, flags=re.MULTILINE)
    assert re.search(r"^Paneer 4 5$", text, flags=re.MULTILINE)


def test_a_31_day_month_and_february() -> None:
    for month, last in ((dt.date(2026, 12, 1), 31), (dt.date(2027, 2, 1), 28)):
        text = text_of(pdf.render(a_bill(month=month, card=[])))
        days = re.findall(r"^Day ((?:\d+ ?)+)", text, flags=re.MULTILINE)
        assert [int(d) for block in days for d in block.split()] == list(range(1, last + 1))
        assert "(nothing delivered)" in text


def test_a_draft_says_so_and_has_no_number() -> None:
    draft = a_bill(status="draft", number=None, issue_date=None, due_date=None, payments=[])
    text = text_of(pdf.render(draft))
    assert "DRAFT BILL" in text
    assert "not yet numbered" in text
    assert "not yet payable" in text


def test_a_paid_bill_asks_for_nothing() -> None:
    text = text_of(pdf.render(a_bill(status="paid", balance_due_paise=0)))
    assert "Nothing is due on this bill" in text


def test_a_missing_font_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(pdf.MissingFont, match="fonts-dejavu-core"):
        pdf.render(a_bill(), fonts_in=tmp_path)


def test_a_prepaid_customers_bill_states_its_wallet() -> None:
    """The monthly bill of a prepaid customer is the statement of its wallet: what was in it,
    the top-ups, what the deliveries took, what is left; nothing to pay while it is in credit."""
    stated = Statement(
        previous_number="MR/2627/000100",
        previous_balance_paise=-50000,
        payments_and_credits_paise=-100000,  # a credit to the account, as the ledger has it
        charges_paise=84000,
        adjustments_paise=0,
        total_due_paise=-66000,
    )
    text = text_of(pdf.render(a_bill(statement=stated, is_prepaid=True)))
    assert "Your prepaid wallet" in text
    assert "In the wallet before this bill ₹500.00" in text
    assert "Top-ups since ₹1,000.00" in text
    assert "This month's deliveries -₹840.00" in text or "This month's deliveries −₹840.00" in text
    assert "Left in the wallet ₹660.00" in text
    assert "this month was paid from your wallet; ₹660.00 is left in it" in text
    assert "Please pay" not in text
    assert "Your account" not in text
