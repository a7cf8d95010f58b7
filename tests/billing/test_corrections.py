"""A mark changed after billing: allowed, and the difference is billed on the next bill."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.adjustments.models import Adjustment
from milkrun.audit.models import AuditEvent
from milkrun.billing import reconcile, service
from milkrun.billing.models import Invoice
from milkrun.orders.models import Order
from tests import factories
from tests.billing import factories as bf
from tests.billing.conftest import Dairy

NOV, DEC = bf.NOVEMBER, bf.DECEMBER
JANUARY_2 = dt.date(2027, 1, 2)


def billed_november(session: Session, dairy: Dairy, *, finalize: bool = True) -> list[Order]:
    orders = [
        bf.order(
            session,
            customer_id=dairy.asha.id,
            product_id=dairy.paneer.id,
            day=NOV.replace(day=n),
            quantity=2,
            price_paise=9000,
        )
        for n in (1, 2, 3)
    ]
    for order in orders:
        bf.deliver(session, order, by=dairy.admin)
    bf.close_month(session)
    bf.run(session, finalize=finalize)
    return orders


def adjustments(session: Session) -> list[Adjustment]:
    session.expire_all()
    return list(session.scalars(select(Adjustment).order_by(Adjustment.id)))


def test_a_correction_after_finalization_becomes_a_credit_on_the_next_bill(
    session: Session, dairy: Dairy
) -> None:
    orders = billed_november(session, dairy)
    (november,) = bf.invoices_of(session, dairy.asha.id)
    assert november.total_paise == 54000  # 6 x ₹90, 5 % GST included

    bf.correct(session, orders[1], 0, admin=dairy.admin)  # refused at the door after all

    (credit,) = adjustments(session)
    assert (credit.order_id, credit.against_invoice_id, credit.invoice_id) == (
        orders[1].id,
        november.id,
        None,
    )
    assert (credit.quantity_before, credit.quantity_after) == (2, 0)
    # 2 x ₹90 back, GST inside it: taxable 17143, 2.5 % of it 429 twice.
    assert (credit.amount_paise, credit.tax_paise) == (-17142, -858)
    assert credit.reason == "delivered → not delivered (refused)"
    assert credit.created_by_user_id == dairy.admin.id
    # November's invoice did not change ...
    session.refresh(november)
    assert (november.status, november.total_paise) == ("finalized", 54000)
    # ... and November still reconciles: the invoice plus its correction is what was delivered.
    assert reconcile.reconcile(session, NOV).clean

    # December's bill carries the credit.
    december_order = bf.order(
        session, customer_id=dairy.asha.id, product_id=dairy.milk.id, day=DEC.replace(day=5)
    )
    bf.deliver(session, december_order, by=dairy.admin)
    clock.freeze(dt.datetime(2027, 1, 2, 6, 0, tzinfo=dt.UTC))
    bf.run(session, DEC, finalize=True, today=JANUARY_2)

    _, december = bf.invoices_of(session, dairy.asha.id)
    assert december.month == DEC
    assert december.subtotal_paise == 5600 - 17142
    assert december.tax_paise == -858
    assert december.total_paise == 5600 - 18000
    assert adjustments(session)[0].invoice_id == december.id


def test_a_correction_upwards_is_a_debit(session: Session, dairy: Dairy) -> None:
    orders = billed_november(session, dairy, finalize=False)
    bf.correct(session, orders[0], 1, admin=dairy.admin)
    bf.run(session, finalize=True)  # the rebuild bills 1, before finalizing
    assert adjustments(session) == []

    bf.correct(session, orders[0], 2, admin=dairy.admin)  # it was both, after all

    (debit,) = adjustments(session)
    assert (debit.quantity_before, debit.quantity_after) == (1, 2)
    assert (debit.amount_paise, debit.tax_paise) == (8572, 428)


def test_a_draft_finalized_without_a_rerun_bills_what_was_delivered_when_it_is_issued(
    session: Session, dairy: Dairy
) -> None:
    orders = billed_november(session, dairy, finalize=False)
    bf.correct(session, orders[2], 1, admin=dairy.admin)
    (draft,) = bf.invoices_of(session, dairy.asha.id)
    # Provisional: the draft plus the correction is what was delivered.
    (correction,) = adjustments(session)
    assert (correction.against_invoice_id, correction.amount_paise + correction.tax_paise) == (
        draft.id,
        -9000,
    )
    assert reconcile.reconcile(session, NOV).clean

    service.finalize_invoice(session, draft.id, factories.ACTOR, bf.SETTINGS, today=bf.TODAY)

    # Finalizing links the draft's orders and sums its lines from them: the correction is
    # absorbed, the issued bill is 5 x ₹90 and its orders are exactly the three it bills.
    assert adjustments(session) == []
    session.refresh(draft)
    assert (draft.status, draft.total_paise) == ("finalized", 45000)
    assert sorted(session.scalars(select(Order.id).where(Order.invoice_id == draft.id))) == sorted(
        order.id for order in orders
    )
    assert reconcile.reconcile(session, NOV).clean
    clock.freeze(dt.datetime(2027, 1, 2, 6, 0, tzinfo=dt.UTC))
    bf.run(session, DEC, today=JANUARY_2)
    assert adjustments(session) == []


def test_an_order_marked_after_the_run_is_billed_by_finalizing_not_left_off_its_lines(
    session: Session, dairy: Dairy
) -> None:
    """The window between a run and finalization: an order marked delivered after the run is
    on the draft (derived) but not in its lines; finalizing must not link it to an invoice that
    does not bill it, so it re-sums the lines from what it links."""
    orders = billed_november(session, dairy, finalize=False)
    late = bf.order(
        session,
        customer_id=dairy.asha.id,
        product_id=dairy.paneer.id,
        day=NOV.replace(day=4),
        quantity=2,
        price_paise=9000,
    )
    bf.deliver(session, late, by=dairy.admin)
    (draft,) = bf.invoices_of(session, dairy.asha.id)
    assert draft.total_paise == 54000

    service.finalize_month(session, NOV, factories.ACTOR, bf.SETTINGS, today=bf.TODAY)

    session.refresh(draft)
    assert (draft.status, draft.total_paise) == ("finalized", 72000)
    linked = session.scalars(select(Order.id).where(Order.invoice_id == draft.id))
    assert sorted(linked) == sorted(order.id for order in [*orders, late])
    assert reconcile.reconcile(session, NOV).clean


def test_the_same_correction_twice_records_one_adjustment(session: Session, dairy: Dairy) -> None:
    orders = billed_november(session, dairy)
    bf.correct(session, orders[0], 0, admin=dairy.admin)
    bf.correct(session, orders[0], 0, admin=dairy.admin)
    assert len(adjustments(session)) == 1


def test_voiding_reverses_the_corrections_against_the_invoice(
    session: Session, dairy: Dairy
) -> None:
    orders = billed_november(session, dairy)
    (november,) = bf.invoices_of(session, dairy.asha.id)
    bf.correct(session, orders[0], 0, admin=dairy.admin)

    service.void_invoice(session, november.id, factories.ACTOR)
    bf.run(session, finalize=True)  # November is billed afresh: 4 delivered

    original, reversal = adjustments(session)
    assert reversal.reverses_adjustment_id == original.id
    assert reversal.amount_paise == -original.amount_paise
    assert reconcile.reconcile(session, NOV).clean
    _, rebilled = bf.invoices_of(session, dairy.asha.id)
    assert rebilled.total_paise == 4 * 9000
    # A correction of an order whose invoice was voided and not yet re-billed records nothing.
    service.void_invoice(session, rebilled.id, factories.ACTOR)
    bf.correct(session, orders[1], 1, admin=dairy.admin)
    assert len(adjustments(session)) == 2


def test_marking_an_invoiced_order_over_the_api_succeeds(
    client: TestClient, session: Session, dairy: Dairy, admin: factories.Login
) -> None:
    orders = billed_november(session, dairy)
    before = session.scalar(select(func.max(AuditEvent.id))) or 0

    response = client.post(
        "/api/v1/delivery-boy/mark-delivered",
        headers=admin.headers,
        json={
            "order_id": orders[0].id,
            "customer_id": dairy.asha.id,
            "status": "partially_delivered",
            "quantity_delivered": 1,
            "notes": "one pouch was torn",
        },
    )

    assert response.status_code == 200, response.text
    assert response.json()["quantity_delivered"] == 1
    (adjustment,) = adjustments(session)
    assert adjustment.amount_paise + adjustment.tax_paise == -9000
    assert adjustment.reason == "delivered → partially delivered"
    events = list(session.scalars(select(AuditEvent).where(AuditEvent.id > before)))
    assert [e.action for e in events] == ["delivery.correct"]
    assert session.scalar(select(func.count(Invoice.id))) == 1
