"""What the old system delivered is billed: after importing October, October's billing run puts
every delivered order on an invoice, one-time orders included (the old system's billing missed
them), and reconciliation finds nothing delivered and unbilled."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.billing import reconcile
from milkrun.billing import service as billing_service
from milkrun.billing.billable import on_draft
from milkrun.billing.models import Invoice
from milkrun.customers.models import Customer
from milkrun.legacy.models import LegacyRecord
from milkrun.orders.models import Order
from tests.billing.factories import SETTINGS
from tests.factories import ACTOR
from tests.legacy.conftest import TODAY, RunImport
from tests.legacy.export import DATA

OCTOBER = dt.date(2026, 10, 1)


def test_an_imported_month_is_billed_one_time_orders_included(
    session: Session, run_import: RunImport
) -> None:
    report = run_import(DATA)
    assert report.repairs.orders_one_time == 4
    assert report.repairs.confirmations_linked == 16
    before = reconcile.reconcile(session, OCTOBER)
    assert before.delivered_not_billed_count == 14  # 16 marks, 2 of them not delivered

    billing_service.run_billing(session, OCTOBER, ACTOR, SETTINGS, today=TODAY)
    session.expire_all()

    imported = select(LegacyRecord.record_id).where(LegacyRecord.collection == "orders")
    orders = session.scalars(select(Order).where(Order.id.in_(imported))).all()
    delivered = [o for o in orders if o.status in ("delivered", "partially_delivered")]
    one_time = [o for o in delivered if o.subscription_id is None]
    assert len(delivered) == 14
    assert len(one_time) == 2  # the bread of 3 October, c-102's extra milk of 4 October
    # On their customers' drafts (derived: drafts write no order), and only those.
    on_drafts = set(session.scalars(select(Order.id).join(Invoice, on_draft(Invoice, OCTOBER))))
    assert all(o.id in on_drafts for o in delivered)
    assert all(o.id not in on_drafts for o in orders if o not in delivered)
    after = reconcile.reconcile(session, OCTOBER)
    # What the old system never recorded stays in sight: its unmarked past orders are listed as
    # unresolved (for the owner to mark or close), not taken as delivered or dropped.
    unmarked = {o.id for o in orders if o.status == "scheduled"}
    assert unmarked
    assert {line.order_id for line in after.unresolved_orders} == unmarked
    assert not after.clean
    assert after.delivered_not_billed == []
    assert after.billed_not_delivered == []
    assert after.delivered_total == after.billed_total == "599.50"

    totals = {
        name: (subtotal, tax)
        for name, subtotal, tax in session.execute(
            select(Customer.name, Invoice.subtotal_paise, Invoice.tax_paise)
            .join(Customer, Customer.id == Invoice.customer_id)
            .where(Invoice.month == OCTOBER)
        )
    }
    assert totals == {
        "Asha Iyer": (39550, 0),  # milk 2+3+2 at ₹26, 3 x 2 at ₹28, bread ₹45.50
        "Ravi Rao": (8000, 0),  # ₹26 + ₹26 (one-time) + ₹28; two days not delivered
        "Meera Nair": (6666, 334),  # curd 1 + 1 of 2 at ₹35, 5% GST included
        "Kiran Shetty": (5400, 0),
    }
