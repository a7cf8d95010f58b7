"""Bills for statement tests: an issued invoice with one line, so that the ledger owes it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from milkrun.billing.models import Invoice, InvoiceLine
from tests import factories
from tests.billing import factories as bf


def bill(session: Session, customer_id: int, paise: int) -> Invoice:
    invoice = bf.issued_invoice(session, customer_id, total_paise=paise)
    product = factories.product(session, sku=f"S{invoice.id}", price="1.00")
    session.add(
        InvoiceLine(
            invoice_id=invoice.id,
            product_id=product.id,
            description="Toned milk",
            quantity=1,
            unit_price_paise=paise,
            amount_paise=paise,
            tax_rate_bps=0,
            tax_paise=0,
        )
    )
    session.flush()
    return invoice
