"""Reconciliation finds both kinds of mismatch, and the command says so with its exit code."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from milkrun.billing import reconcile
from milkrun.billing.errors import MonthInFuture
from milkrun.deliveries.models import DeliveryStatus
from tests.billing import factories as bf
from tests.billing.conftest import Dairy

NOV = bf.NOVEMBER


def test_both_lists_and_the_totals(session: Session, dairy: Dairy) -> None:
    orders = [
        bf.order(
            session, customer_id=dairy.asha.id, product_id=dairy.milk.id, day=NOV.replace(day=n)
        )
        for n in (1, 2, 3)
    ]
    for order in orders:
        bf.deliver(session, order, by=dairy.admin)
    bf.run(session, finalize=True)
    assert reconcile.reconcile(session, NOV).clean

    # Someone edits the database behind billing's back: one delivery becomes 1 of 2 ...
    session.execute(
        update(DeliveryStatus)
        .where(DeliveryStatus.order_id == orders[0].id)
        .values(status="partially_delivered", quantity_delivered=1)
    )
    # ... and an order of another customer is delivered after the run.
    late = bf.order(
        session, customer_id=dairy.ravi.id, product_id=dairy.milk.id, day=NOV.replace(day=9)
    )
    bf.deliver(session, late, by=dairy.admin)
    session.expire_all()

    report = reconcile.reconcile(session, NOV)

    assert report.clean is False
    (over,) = report.billed_not_delivered
    assert (over.customer_id, over.billed_quantity, over.delivered_quantity, over.amount) == (
        dairy.asha.id,
        6,
        5,
        "28.00",
    )
    assert over.number == "BOS/2627/000001"
    assert [(row.order_id, row.quantity, row.amount) for row in report.delivered_not_billed] == [
        (late.id, 2, "56.00")
    ]
    assert (report.delivered_total, report.billed_total) == ("196.00", "168.00")
    assert (report.delivered_not_billed_count, report.billed_not_delivered_count) == (1, 1)


def test_a_month_not_begun_is_refused_by_reconciliation_itself(session: Session) -> None:
    """The rule lives in the domain, so the API and the command cannot skip it."""
    today = dt.date(2026, 12, 7)
    with pytest.raises(MonthInFuture):
        reconcile.reconcile(session, dt.date(2027, 1, 1), today=today)
    report = reconcile.reconcile(session, dt.date(2026, 12, 19), today=today)
    assert report.month == "2026-12"
    assert report.clean
