"""The bill as PDF in the customer's language: Hindi and Kannada words (Noto, shaped by
HarfBuzz), dates in the language, amounts in ₹ with Indian grouping; Latin text beside them
(product names, the bill's number) still in DejaVu."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from milkrun.billing import pdf
from tests.billing.test_pdf import a_bill, text_of

# pypdf reads a few shaped glyphs (a vowel sign drawn before its consonant) back as control
# characters; what a person reads is the rest.
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")


def words_of(document: bytes) -> str:
    return CONTROL.sub("", text_of(document))


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "hi",
            ["दूध कार्ड — नवंबर 2026", "बिल प्राप्तकर्ता", "आशा अय्यर", "1–30 नवंबर 2026", "कर योग्य मूल्य"],
        ),
        (
            "kn",
            ["ಹಾಲಿನ ಕಾರ್ಡ್ — ನವೆಂಬರ್ 2026", "ಬಿಲ್ ಪಡೆಯುವವರು", "1–30 ನವೆಂಬರ್ 2026", "ತೆರಿಗೆ ಯೋಗ್ಯ ಮೌಲ್ಯ"],
        ),
    ],
)
def test_the_bill_is_in_the_customers_language(language: str, words: list[str]) -> None:
    text = words_of(pdf.render(a_bill(language=language, customer_name="आशा अय्यर")))
    for expected in words:
        assert expected in text
    for english in ("Milk card", "Bill to", "Taxable value", "Balance due"):
        assert english not in text


def test_latin_and_digits_beside_hindi_keep_their_glyphs() -> None:
    """After a Hindi text the next Latin one is written in DejaVu again (fpdf2 kept the
    fallback font's glyphs: day numbers came out as letters)."""
    text = words_of(pdf.render(a_bill(language="hi")))
    assert "17 18 19 20 21 22 23 24 25 26 27 28 29 30" in text
    assert "₹1,23,465.00" in text
    assert "₹1,22,615.00" in text
    assert "MR/2627/000123" in text
    assert "Toned milk · 500 ml pouch" in text
    assert "3 नव॰ 2026" in text  # the correction's date, in Hindi


def test_an_english_bill_stays_english() -> None:
    text = text_of(pdf.render(a_bill()))
    assert "Milk card — November 2026" in text
    assert "Bill to" in text


def test_missing_noto_fonts_say_how_to_install_them(tmp_path: Path) -> None:
    with pytest.raises(pdf.MissingFont, match="fonts-noto-core"):
        pdf.render(a_bill(language="hi"), scripts_in=tmp_path)


def test_a_hindi_name_and_a_kannada_address_on_an_english_bill() -> None:
    """Each script's font is embedded only when the bill's texts need it (registering all four
    Noto files for every bill tripled its time); a name or an address in another script still
    finds its font on an English bill."""
    document = pdf.render(
        a_bill(customer_name="आशा अय्यर", customer_address="ಜಯನಗರ 4ನೇ ಬ್ಲಾಕ್, Bengaluru")
    )
    text = words_of(document)
    assert "आशा अय्यर" in text
    assert "ಜಯನಗರ" in text
    assert b"NotoSansDevanagari" in document
    assert b"NotoSansKannada" in document


def test_an_english_bill_in_latin_letters_embeds_no_script_font() -> None:
    document = pdf.render(a_bill())
    assert b"NotoSans" not in document
    assert b"DejaVuSans" in document
    assert pdf.scripts_needed(a_bill(language="kn")) == {"NotoKannada"}


def test_a_routes_bills_in_one_pdf_each_in_its_language() -> None:
    import io

    from pypdf import PdfReader

    bills = [
        a_bill(customer_name="Asha Iyer"),
        a_bill(language="hi", customer_name="आशा अय्यर", number="MR/2627/000124"),
        a_bill(language="kn", customer_name="Ravi K", number="MR/2627/000125"),
    ]
    document = pdf.render_all(bills, "Route 1 — November 2026")
    pages = PdfReader(io.BytesIO(document)).pages
    texts = [CONTROL.sub("", page.extract_text()) for page in pages]
    assert len(pages) == 3
    assert "Bill to" in texts[0]
    assert "Asha Iyer" in texts[0]
    assert "बिल प्राप्तकर्ता" in texts[1]
    assert "MR/2627/000124" in texts[1]
    assert "ಬಿಲ್ ಪಡೆಯುವವರು" in texts[2]
    assert "Ravi K" in texts[2]
    # After the Kannada bill's words the digits are DejaVu's again.
    assert "17 18 19 20 21 22 23 24 25 26 27 28 29 30" in texts[2]
    assert pdf.render_all([], "nothing").startswith(b"%PDF")
