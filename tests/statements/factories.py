"""Bills for statement tests: an issued invoice with one line, so that the ledger owes it."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy.orm import Session

from milkrun.billing.models import Invoice, InvoiceLine
from tests import factories
from tests.billing import factories as bf

_numbers = itertools.count(700_000)


def bill(
    session: Session, customer_id: int, paise: int, *, month: dt.date = bf.NOVEMBER
) -> Invoice:
    """Written as a draft with its line, then issued (issued lines are frozen)."""
    invoice = Invoice(
        customer_id=customer_id,
        month=month,
        status="draft",
        customer_name="Someone",
        customer_address="Somewhere",
        subtotal_paise=paise,
        tax_paise=0,
        total_paise=paise,
    )
    session.add(invoice)
    session.flush()
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
    sequence = next(_numbers)
    invoice.status = "finalized"
    invoice.series = "SM/2627"
    invoice.sequence = sequence
    invoice.number = f"SM/2627/{sequence:06d}"
    invoice.issue_date = bf.TODAY
    invoice.due_date = bf.TODAY + dt.timedelta(days=10)
    invoice.finalized_at = dt.datetime(2026, 12, 3, 4, 0, tzinfo=dt.UTC)
    invoice.is_prepaid = False
    session.flush()
    return invoice
