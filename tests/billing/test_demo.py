"""The demo dairy's bills: last month billed and finalized, some payments, one customer with
credit and one in arrears; seeding again changes nothing."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.billing import ledger, reconcile
from milkrun.billing.models import Invoice
from milkrun.config import Settings
from milkrun.customers import queries as customer_queries
from milkrun.deliveries import closes
from milkrun.demo import seed as demo
from milkrun.payments.models import Payment
from milkrun.periods import queries as period_queries

TODAY = dt.date(2026, 12, 14)  # November's bills were due on the 11th


def test_the_demo_has_last_month_billed_and_paid(session: Session, settings: Settings) -> None:
    clock.freeze(dt.datetime(2026, 12, 14, 4, 0, tzinfo=dt.UTC))
    logins = demo.seed(session, today=TODAY, settings=settings)

    invoices = session.scalars(select(Invoice).where(Invoice.month == dt.date(2026, 11, 1))).all()
    assert invoices
    assert {i.status for i in invoices} <= {"finalized", "partially_paid", "paid"}
    assert {i.issue_date for i in invoices} == {dt.date(2026, 12, 1)}
    assert all(i.number and i.number.startswith(("MR/2627/", "BOS/2627/")) for i in invoices)
    # Milk alone, milk with ghee or paneer to households, and to registered businesses: every
    # GST document, each type in its series.
    kinds = {i.document_type for i in invoices}
    assert kinds == {"bill_of_supply", "invoice_bill_of_supply", "tax_invoice"}
    for i in invoices:
        assert i.number is not None
        assert i.number.startswith("BOS/") == (i.document_type == "bill_of_supply")
    assert {i.customer_gstin for i in invoices if i.document_type == "tax_invoice"} == {
        "29AAGFU5055K1ZO",
        "29AAJCS2318M1Z2",
    }
    assert reconcile.reconcile(session, dt.date(2026, 11, 1)).clean
    # Every past day is closed and nothing of the past is unresolved; November is closed,
    # December open.
    assert closes.count_unresolved(session, TODAY) == 0
    for day in (dt.date(2026, 11, 30), dt.date(2026, 12, 1), dt.date(2026, 12, 13)):
        assert closes.close_of(session, day) is not None
    assert closes.close_of(session, TODAY) is None
    assert period_queries.is_month_closed(session, dt.date(2026, 11, 1))
    assert not period_queries.is_month_closed(session, dt.date(2026, 12, 1))
    assert (session.scalar(select(func.count(Payment.id))) or 0) > len(invoices) // 2

    credit, arrears = (
        customer_queries.active_customer_with_phone(session, phone)
        for _name, phone, _password in logins.customers[:2]
    )
    assert credit is not None
    assert arrears is not None
    assert ledger.balance(session, credit.id, settings.zone) == -25000  # ₹250 to its credit
    (owed,) = [i for i in invoices if i.customer_id == arrears.id]
    assert owed.status == "partially_paid"
    assert ledger.balance(session, arrears.id, settings.zone) > 0
    assert owed.due_date is not None
    assert owed.due_date < TODAY  # overdue

    counts = (
        session.scalar(select(func.count(Invoice.id))),
        session.scalar(select(func.count(Payment.id))),
    )
    demo.seed(session, today=TODAY, settings=settings)
    assert (
        session.scalar(select(func.count(Invoice.id))),
        session.scalar(select(func.count(Payment.id))),
    ) == counts
