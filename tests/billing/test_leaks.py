"""Reconciliation's other lists: past orders unresolved, adjustments a finalized month did not
carry, and customers whose bills − payments disagree with their ledger; each makes it unclean,
and the command exits 1 with a table of each."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from sqlalchemy.orm import Session

from milkrun.adjustments.models import Adjustment
from milkrun.billing import reconcile
from milkrun.periods.models import MonthClose
from tests.billing import factories as bf
from tests.billing.conftest import Dairy

NOV = bf.NOVEMBER
OCT = dt.date(2026, 10, 1)


def test_an_unmarked_past_order_is_a_leak_until_resolved(session: Session, dairy: Dairy) -> None:
    done = bf.order(session, customer_id=dairy.asha.id, product_id=dairy.milk.id, day=NOV)
    bf.deliver(session, done, by=dairy.admin)
    forgotten = bf.order(
        session, customer_id=dairy.asha.id, product_id=dairy.milk.id, day=NOV.replace(day=5)
    )
    bf.run(session)

    report = reconcile.reconcile(session, NOV, today=bf.TODAY)
    assert not report.clean
    assert report.unresolved_orders_count == 1
    assert [o.order_id for o in report.unresolved_orders] == [forgotten.id]
    # Only days that are over count: on 5 November the order of the 5th is not a leak yet.
    assert reconcile.reconcile(session, NOV, today=NOV.replace(day=5)).unresolved_orders == []

    bf.close_month(session)  # resolved (not delivered, by policy here)
    assert reconcile.reconcile(session, NOV, today=bf.TODAY).clean


def test_a_correction_a_finalized_month_did_not_carry(session: Session, dairy: Dairy) -> None:
    made = bf.order(
        session, customer_id=dairy.asha.id, product_id=dairy.milk.id, day=OCT.replace(day=2)
    )
    bf.deliver(session, made, by=dairy.admin)
    bf.run(session, OCT, finalize=True, today=dt.date(2026, 11, 2))
    bf.correct(session, made, 1, admin=dairy.admin)  # a credit for November's bill
    bf.run(session, NOV, finalize=True)
    assert reconcile.reconcile(session, NOV).clean  # carried

    # Had November been finalized without carrying it (a bug, or a bill written by hand):
    session.execute(update(Adjustment).values(invoice_id=None))
    report = reconcile.reconcile(session, NOV)
    assert not report.clean
    assert report.adjustments_not_carried_count == 1
    assert report.adjustments_not_carried[0].order_id == made.id
    assert report.adjustments_not_carried[0].amount == "-28.00"


def test_no_close_no_carrying_check(session: Session, dairy: Dairy) -> None:
    """Before a month is finalized, pending corrections simply wait for its run."""
    made = bf.order(
        session, customer_id=dairy.asha.id, product_id=dairy.milk.id, day=OCT.replace(day=2)
    )
    bf.deliver(session, made, by=dairy.admin)
    bf.run(session, OCT, finalize=True, today=dt.date(2026, 11, 2))
    bf.correct(session, made, 1, admin=dairy.admin)
    report = reconcile.reconcile(session, NOV)
    assert report.adjustments_not_carried == []
    assert session.get(MonthClose, NOV) is None


def test_a_bill_that_does_not_add_up_to_the_ledger(session: Session, dairy: Dairy) -> None:
    # An issued bill with a total and no lines behind it (written by hand, not by a run).
    bf.issued_invoice(session, dairy.ravi.id, total_paise=5000)
    report = reconcile.reconcile(session, NOV)
    assert not report.clean
    (mismatch,) = report.balance_mismatches
    assert mismatch.customer_id == dairy.ravi.id
    assert (mismatch.billed, mismatch.from_bills, mismatch.ledger_balance) == (
        "50.00",
        "50.00",
        "0.00",
    )
