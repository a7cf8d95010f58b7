"""GST documents: tax-inclusive lines, the document type per mix of rates, its title and tax
lines on paper, a gapless series per document type, dated tax rates, and the GSTR-1 export
whose sums equal the bills."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from milkrun.billing import gstr1, numbering, queries, service
from milkrun.billing import pdf as bill_pdf
from milkrun.billing.models import Invoice, InvoiceLine
from milkrun.catalog import service as catalog_service
from milkrun.catalog import tax
from milkrun.catalog.schemas import TaxRateCreate
from milkrun.customers.models import Customer
from tests import factories
from tests.billing import factories as bf
from tests.billing.conftest import Dairy

NOV = bf.NOVEMBER
ISSUED_IN = bf.DECEMBER  # November's bills are issued on 3 December
GSTIN = "29AAGFU5055K1ZO"


def buys(session: Session, dairy: Dairy, customer: Customer, *products: tuple[int, int]) -> None:
    """Delivered on 2 November: (product id, unit price in paise) each, two of each."""
    for product_id, price in products:
        made = bf.order(
            session,
            customer_id=customer.id,
            product_id=product_id,
            day=NOV.replace(day=2),
            price_paise=price,
        )
        bf.deliver(session, made, by=dairy.admin)


def four_kinds(session: Session, dairy: Dairy) -> dict[str, Customer]:
    """Milk only; paneer only; both to a household; both to a registered business."""
    tea_stall = factories.customer(session, name="Udupi Tea Stall")
    tea_stall.gstin = GSTIN
    session.flush()
    milk, paneer = (dairy.milk.id, 2800), (dairy.paneer.id, 9000)
    buys(session, dairy, dairy.asha, milk)
    buys(session, dairy, dairy.ravi, paneer)
    buys(session, dairy, dairy.meera, milk, paneer)
    buys(session, dairy, tea_stall, milk, paneer)
    return {"asha": dairy.asha, "ravi": dairy.ravi, "meera": dairy.meera, "stall": tea_stall}


def the_bill(session: Session, customer: Customer) -> Invoice:
    (invoice,) = bf.invoices_of(session, customer.id)
    return invoice


@given(gross=st.integers(0, 10**9), rate=st.sampled_from(tax.GST_RATES_BPS))
def test_an_inclusive_price_splits_into_taxable_value_and_equal_halves(
    gross: int, rate: int
) -> None:
    split = tax.split_inclusive(gross, rate)
    assert split.taxable_paise + split.tax_paise == gross
    assert split.cgst_paise == split.sgst_paise >= 0
    # The tax is the rate's share of the taxable value, to a paisa or two of rounding.
    assert abs(split.taxable_paise * rate / 10_000 - split.tax_paise) <= 2
    assert tax.split_inclusive(-gross, rate) == tax.Split(
        -split.taxable_paise, -split.cgst_paise, -split.sgst_paise
    )


def test_the_sql_split_is_the_python_split(session: Session) -> None:
    cases = [
        (gross, rate)
        for gross in (0, 1, 99, 2810, 8490, 9000, 34000)
        for rate in (0, 500, 1200, 1800)
    ]
    for gross, rate in cases:
        in_sql = session.scalar(select(tax.tax_in_sql(literal(gross), literal(rate))))
        assert in_sql == tax.split_inclusive(gross, rate).tax_paise, (gross, rate)


def test_the_document_follows_the_mix_of_rates(session: Session, dairy: Dairy) -> None:
    who = four_kinds(session, dairy)

    bf.run(session)

    kinds = {name: the_bill(session, c).document_type for name, c in who.items()}
    assert kinds == {
        "asha": "bill_of_supply",  # nil-rated milk only (rule 49)
        "ravi": "tax_invoice",  # taxable paneer only (rule 46)
        "meera": "invoice_bill_of_supply",  # a mix to a household (rule 46A)
        "stall": "tax_invoice",  # a mix to a registered business: milk at 0 % on the invoice
    }
    stall = the_bill(session, who["stall"])
    assert stall.customer_gstin == GSTIN
    # Two paneer at ₹90 include 5 % GST: taxable 17143 -> 428.57 -> 429 CGST and SGST each.
    ravi = the_bill(session, who["ravi"])
    assert (ravi.subtotal_paise, ravi.tax_paise, ravi.total_paise) == (17142, 858, 18000)


def pdf_text(session: Session, invoice: Invoice) -> str:
    document = bill_pdf.render(queries.bill_of(session, invoice, bf.SETTINGS))
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(document)).pages)


def test_the_title_and_tax_lines_follow_the_document(session: Session, dairy: Dairy) -> None:
    who = four_kinds(session, dairy)
    bf.run(session, finalize=True)

    milk_only = pdf_text(session, the_bill(session, who["asha"]))
    assert "BILL OF SUPPLY" in milk_only
    assert "TAX INVOICE" not in milk_only
    assert "CGST ₹" not in milk_only
    assert "no GST is charged" in milk_only
    assert "BOS/2627/000001" in milk_only

    paneer = pdf_text(session, the_bill(session, who["ravi"]))
    assert "TAX INVOICE" in paneer
    assert "Taxable value ₹171.42" in paneer
    assert "CGST ₹4.29" in paneer
    assert "SGST ₹4.29" in paneer
    assert "Total ₹180.00" in paneer

    mixed = pdf_text(session, the_bill(session, who["meera"]))
    assert "INVOICE-CUM-BILL OF SUPPLY" in mixed
    assert "CGST ₹4.29" in mixed

    stall = pdf_text(session, the_bill(session, who["stall"]))
    assert "TAX INVOICE" in stall
    assert f"GSTIN {GSTIN}" in stall


def test_each_document_type_has_its_gapless_series_under_void(
    session: Session, dairy: Dairy
) -> None:
    who = four_kinds(session, dairy)
    bf.run(session, finalize=True)

    numbers = {name: the_bill(session, c).number for name, c in who.items()}
    assert numbers["asha"] == "BOS/2627/000001"
    invoices = sorted(numbers[n] or "" for n in ("ravi", "meera", "stall"))
    assert invoices == ["MR/2627/000001", "MR/2627/000002", "MR/2627/000003"]
    assert numbering.last_number(session, "BOS/2627") == 1
    assert numbering.last_number(session, "MR/2627") == 3

    voided = the_bill(session, who["meera"])
    service.void_invoice(session, voided.id, factories.ACTOR, reason="wrong customer")
    bf.run(session, finalize=True)  # Meera's deliveries are billed afresh: the next number

    (_, rebilled) = bf.invoices_of(session, who["meera"].id)
    assert rebilled.number == "MR/2627/000004"
    assert rebilled.document_type == "invoice_bill_of_supply"

    found = gstr1.gstr1(session, ISSUED_IN, bf.SETTINGS)
    docs = {row[1]: row for row in found.table("docs").rows}
    assert docs["BOS/2627"] == (
        "Bill of supply",
        "BOS/2627",
        "BOS/2627/000001",
        "BOS/2627/000001",
        1,
        0,
        1,
    )
    assert docs["MR/2627"] == (
        "Invoices for outward supply",
        "MR/2627",
        "MR/2627/000001",
        "MR/2627/000004",
        4,
        1,
        3,
    )
    assert [row[0] for row in found.table("cancelled").rows] == [voided.number]


def test_the_export_sums_equal_the_bills(session: Session, dairy: Dairy) -> None:
    who = four_kinds(session, dairy)
    bf.run(session, finalize=True)
    service.void_invoice(session, the_bill(session, who["ravi"]).id, factories.ACTOR)

    found = gstr1.gstr1(session, ISSUED_IN, bf.SETTINGS)
    live = session.execute(
        select(
            func.sum(Invoice.subtotal_paise),
            func.sum(Invoice.tax_paise),
            func.sum(Invoice.total_paise),
        ).where(Invoice.status != "void", Invoice.issue_date >= ISSUED_IN)
    ).one()
    b2b, b2cs, nil, hsn = (found.table(n) for n in ("b2b", "b2cs", "nil", "hsn"))
    taxable = (
        sum(r[6] for r in b2b.rows) + sum(r[3] for r in b2cs.rows) + sum(r[1] for r in nil.rows)
    )
    tax_sum = sum(r[7] + r[8] for r in b2b.rows) + sum(r[4] + r[5] for r in b2cs.rows)
    assert (taxable, tax_sum, taxable + tax_sum) == tuple(live)
    assert sum(r[5] for r in hsn.rows) == live[2]  # HSN values are tax-inclusive
    assert sum(r[6] for r in hsn.rows) == live[0]
    # The stall is B2B (its GSTIN); Meera's 5 % paneer is the only B2C taxable supply.
    assert [(r[0], r[5]) for r in b2b.rows] == [(GSTIN, 500)]
    assert [(r[2], r[3]) for r in b2cs.rows] == [(500, 17142)]
    assert nil.rows == [("registered customers", 5600), ("unregistered customers", 11200)]
    # The CSV says exactly what the table holds.
    assert b2cs.csv().splitlines() == [
        "Place of supply,Supply,Rate %,Taxable value,CGST,SGST",
        "Karnataka,intra-state,5.00,171.42,4.29,4.29",
    ]


def test_a_dated_tax_rate_applies_from_its_date(session: Session, dairy: Dairy) -> None:
    catalog_service.add_tax_rate(
        session,
        dairy.milk.id,
        TaxRateCreate(tax_rate="5.00", effective_from=NOV.replace(day=15)),
        factories.ACTOR,
    )
    for day in (10, 20):
        made = bf.order(
            session, customer_id=dairy.asha.id, product_id=dairy.milk.id, day=NOV.replace(day=day)
        )
        bf.deliver(session, made, by=dairy.admin)

    bf.run(session)

    invoice = the_bill(session, dairy.asha)
    rates = session.execute(
        select(InvoiceLine.tax_rate_bps, InvoiceLine.quantity, InvoiceLine.tax_paise)
        .where(InvoiceLine.invoice_id == invoice.id)
        .order_by(InvoiceLine.tax_rate_bps)
    ).all()
    assert [tuple(r) for r in rates] == [
        (0, 2, 0),
        (500, 2, tax.split_inclusive(5600, 500).tax_paise),
    ]
    assert invoice.document_type == "invoice_bill_of_supply"
    assert invoice.total_paise == 2 * 5600


def test_gstr1_over_the_api_and_as_csv(
    client: TestClient, session: Session, dairy: Dairy, admin: factories.Login
) -> None:
    four_kinds(session, dairy)
    bf.run(session, finalize=True)

    answer = client.get("/api/v1/billing/gstr1?month=2026-12", headers=admin.headers)
    assert answer.status_code == 200, answer.text
    tables = {t["name"]: t for t in answer.json()["tables"]}
    assert list(tables) == list(gstr1.TABLE_NAMES)
    assert tables["b2cs"]["rows"] == [
        ["Karnataka", "intra-state", "5.00", "342.84", "8.58", "8.58"]
    ]

    csv = client.get("/api/v1/billing/gstr1/hsn.csv?month=2026-12", headers=admin.headers)
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("text/csv")
    assert (
        csv.text.splitlines()[0]
        == "HSN,Description,UQC,Rate %,Quantity,Value,Taxable value,CGST,SGST"
    )

    unknown = client.get("/api/v1/billing/gstr1/nope.csv?month=2026-12", headers=admin.headers)
    assert unknown.status_code in (404, 422)
    bad_month = client.get("/api/v1/billing/gstr1?month=2026-13", headers=admin.headers)
    assert bad_month.status_code == 422
    assert client.get("/api/v1/billing/gstr1?month=2026-12").status_code == 401
