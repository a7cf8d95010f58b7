"""The billing run: one draft per customer, from what was delivered, set-based, rebuildable."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.adjustments.models import Adjustment
from milkrun.audit.models import AuditEvent
from milkrun.billing import queries, reconcile, service
from milkrun.billing.models import Invoice, InvoiceLine
from milkrun.catalog import tax
from milkrun.errors import InvalidInput
from milkrun.orders.models import Order
from tests import factories
from tests.billing import factories as bf
from tests.billing.conftest import Dairy

NOV = bf.NOVEMBER


def day(n: int) -> dt.date:
    return NOV.replace(day=n)


def lines_of(session: Session, invoice: Invoice) -> list[tuple[int, int, int, int, int]]:
    return [
        (line.product_id, line.unit_price_paise, line.quantity, line.amount_paise, line.tax_paise)
        for line in session.scalars(
            select(InvoiceLine)
            .where(InvoiceLine.invoice_id == invoice.id)
            .order_by(InvoiceLine.product_id, InvoiceLine.unit_price_paise)
        )
    ]


def test_a_draft_bills_what_was_delivered_subscription_and_one_time_alike(
    session: Session, dairy: Dairy
) -> None:
    subscription = factories.subscription(session, customer=dairy.asha, product=dairy.milk)
    a = dairy.asha.id
    admin = dairy.admin
    # Subscription milk: delivered, partial (1 of 2), not delivered, never marked.
    delivered = bf.order(
        session,
        customer_id=a,
        product_id=dairy.milk.id,
        day=day(1),
        subscription_id=subscription.id,
    )
    partial = bf.order(
        session,
        customer_id=a,
        product_id=dairy.milk.id,
        day=day(2),
        subscription_id=subscription.id,
    )
    missed = bf.order(
        session,
        customer_id=a,
        product_id=dairy.milk.id,
        day=day(3),
        subscription_id=subscription.id,
    )
    unmarked = bf.order(
        session,
        customer_id=a,
        product_id=dairy.milk.id,
        day=day(4),
        subscription_id=subscription.id,
    )
    # The price went up mid-month: the order captured ₹29.00.
    dearer = bf.order(
        session,
        customer_id=a,
        product_id=dairy.milk.id,
        day=day(20),
        price_paise=2900,
        subscription_id=subscription.id,
    )
    # One-time paneer (the kind of order the old system forgot to bill).
    paneer = bf.order(
        session, customer_id=a, product_id=dairy.paneer.id, day=day(7), quantity=3, price_paise=9000
    )
    # December is not November's business.
    december = bf.order(session, customer_id=a, product_id=dairy.milk.id, day=bf.DECEMBER)
    for made, quantity in ((delivered, None), (partial, 1), (missed, 0), (dearer, None)):
        bf.deliver(session, made, quantity, by=admin)
    bf.deliver(session, paneer, None, by=admin)
    bf.deliver(session, december, None, by=admin)

    bf.run(session)

    (invoice,) = bf.invoices_of(session, a)
    assert (invoice.status, invoice.month, invoice.number) == ("draft", NOV, None)
    assert lines_of(session, invoice) == [
        (dairy.milk.id, 2800, 3, 8400, 0),
        (dairy.milk.id, 2900, 2, 5800, 0),
        (dairy.paneer.id, 9000, 3, 25714, 1286),
    ]
    # Prices are tax-inclusive: the bill totals what was delivered at its prices.
    assert (invoice.subtotal_paise, invoice.tax_paise, invoice.total_paise) == (39914, 1286, 41200)
    # Nil-rated milk and 5 % paneer to a household: an invoice-cum-bill of supply.
    assert invoice.document_type == "invoice_bill_of_supply"
    # A draft's orders are derived: the run links none; finalizing links exactly those.
    on_draft = set(session.scalars(select(Order.id).where(queries.orders_on(invoice))))
    assert on_draft == {delivered.id, partial.id, dearer.id, paneer.id}
    assert session.scalars(select(Order.id).where(Order.invoice_id.is_not(None))).all() == []
    bf.close_month(session)
    service.finalize_invoice(session, invoice.id, factories.ACTOR, bf.SETTINGS, today=bf.TODAY)
    session.expire_all()
    billed = {o.id: o.invoice_id for o in session.scalars(select(Order))}
    assert billed[delivered.id] == billed[partial.id] == billed[dearer.id] == invoice.id
    assert billed[paneer.id] == invoice.id
    assert billed[missed.id] is None
    assert billed[unmarked.id] is None
    assert billed[december.id] is None
    assert set(session.scalars(select(Order.id).where(queries.orders_on(invoice)))) == on_draft
    # Nobody else got anything delivered, so nobody else gets a bill.
    assert bf.invoices_of(session, dairy.ravi.id) == []


def test_tax_is_per_line_rounded_half_up(session: Session, dairy: Dairy) -> None:
    # ₹28.10 at 5 % inclusive: taxable 2810 / 1.05 = 2676.19 -> 2676, CGST = SGST = 2.5 % of
    # it = 66.9 -> 67 each, tax 134, taxable 2810 - 134. Two lines of one product at two prices
    # round separately: ₹28.30 x 3 = 8490 -> 8085.71 -> 8086, 202.15 -> 202 each, tax 404.
    for n, price in ((1, 2810), (2, 2830), (3, 2830), (4, 2830)):
        made = bf.order(
            session,
            customer_id=dairy.ravi.id,
            product_id=dairy.paneer.id,
            day=day(n),
            quantity=1,
            price_paise=price,
        )
        bf.deliver(session, made, by=dairy.admin)

    bf.run(session)

    (invoice,) = bf.invoices_of(session, dairy.ravi.id)
    assert lines_of(session, invoice) == [
        (dairy.paneer.id, 2810, 1, 2676, 134),
        (dairy.paneer.id, 2830, 3, 8086, 404),
    ]
    assert tax.split_inclusive(2810, 500) == tax.Split(2676, 67, 67)
    assert tax.split_inclusive(8490, 500) == tax.Split(8086, 202, 202)
    assert invoice.tax_paise == 538
    assert invoice.total_paise == 2810 + 8490
    # Everything taxable: a tax invoice.
    assert invoice.document_type == "tax_invoice"


def test_running_twice_changes_nothing(session: Session, dairy: Dairy) -> None:
    for customer in (dairy.asha, dairy.ravi):
        for n in range(1, 11):
            made = bf.order(session, customer_id=customer.id, product_id=dairy.milk.id, day=day(n))
            bf.deliver(session, made, by=dairy.admin)

    first = service.run_billing(session, NOV, factories.ACTOR, bf.SETTINGS, today=bf.TODAY)
    before = {i.id: (i.customer_id, i.total_paise) for i in session.scalars(select(Invoice))}
    second = service.run_billing(session, NOV, factories.ACTOR, bf.SETTINGS, today=bf.TODAY)
    session.expire_all()
    after = {i.id: (i.customer_id, i.total_paise) for i in session.scalars(select(Invoice))}

    assert (first.invoices_created, first.invoices_updated, first.invoices) == (2, 0, 2)
    assert (second.invoices_created, second.invoices_updated, second.invoices) == (0, 2, 2)
    assert first.total == second.total == "1120.00"
    assert after == before  # the same drafts, rebuilt in place


def test_a_rerun_picks_up_late_marks_and_corrections_of_drafts(
    session: Session, dairy: Dairy
) -> None:
    early = bf.order(session, customer_id=dairy.asha.id, product_id=dairy.milk.id, day=day(1))
    late = bf.order(session, customer_id=dairy.asha.id, product_id=dairy.milk.id, day=day(30))
    bf.deliver(session, early, by=dairy.admin)
    bf.run(session)
    assert bf.invoices_of(session, dairy.asha.id)[0].total_paise == 5600

    bf.deliver(session, late, by=dairy.admin)  # marked after the run
    bf.correct(session, early, 1, admin=dairy.admin)  # 2 -> 1 while the invoice is a draft
    # The correction of a draft's order is recorded against the draft ...
    assert session.scalar(select(func.count(Adjustment.id))) == 1
    bf.run(session)

    (invoice,) = bf.invoices_of(session, dairy.asha.id)
    assert lines_of(session, invoice) == [(dairy.milk.id, 2800, 3, 8400, 0)]
    # ... and the rebuild absorbs it: the draft now bills what was delivered.
    assert session.scalar(select(func.count(Adjustment.id))) == 0


def stored_lines(session: Session) -> dict[int, set[tuple[int, int, int, int]]]:
    """Each invoice's lines as stored: (line id, product, quantity, amount)."""
    found: dict[int, set[tuple[int, int, int, int]]] = {}
    for line in session.scalars(select(InvoiceLine)):
        found.setdefault(line.invoice_id, set()).add(
            (line.id, line.product_id, line.quantity, line.amount_paise)
        )
    return found


def test_a_rerun_rewrites_only_the_drafts_that_changed(session: Session, dairy: Dairy) -> None:
    made = {
        customer.id: [
            bf.deliver(
                session,
                bf.order(session, customer_id=customer.id, product_id=dairy.milk.id, day=day(n)),
                by=dairy.admin,
            )
            for n in range(1, 4)
        ]
        for customer in (dairy.asha, dairy.ravi)
    }
    bf.run(session)
    (asha,) = bf.invoices_of(session, dairy.asha.id)
    (ravi,) = bf.invoices_of(session, dairy.ravi.id)
    before = stored_lines(session)
    stamped = {i.id: i.updated_at for i in (asha, ravi)}

    clock.freeze(dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC))
    bf.run(session)  # nothing changed: not one line or draft written
    session.expire_all()
    assert stored_lines(session) == before
    assert {i.id: i.updated_at for i in session.scalars(select(Invoice))} == stamped

    bf.correct(session, made[dairy.asha.id][0], 1, admin=dairy.admin)  # 2 -> 1
    bf.run(session)

    after = stored_lines(session)
    assert after[ravi.id] == before[ravi.id]  # the same rows, untouched
    ((_id, product, quantity, amount),) = after[asha.id]
    assert (product, quantity, amount) == (dairy.milk.id, 5, 5 * 2800)
    assert after[asha.id] != before[asha.id]
    (asha,) = bf.invoices_of(session, dairy.asha.id)
    (ravi,) = bf.invoices_of(session, dairy.ravi.id)
    assert (asha.total_paise, ravi.total_paise) == (5 * 2800, 6 * 2800)
    assert asha.updated_at != stamped[asha.id]
    assert ravi.updated_at == stamped[ravi.id]


def test_a_draft_with_nothing_left_to_bill_is_dropped(session: Session, dairy: Dairy) -> None:
    only = bf.order(session, customer_id=dairy.asha.id, product_id=dairy.milk.id, day=day(5))
    bf.deliver(session, only, by=dairy.admin)
    bf.run(session)
    bf.correct(session, only, 0, admin=dairy.admin)

    result = service.run_billing(session, NOV, factories.ACTOR, bf.SETTINGS, today=bf.TODAY)

    assert result.invoices_deleted == 1
    assert bf.invoices_of(session, dairy.asha.id) == []
    session.refresh(only)
    assert only.invoice_id is None


def test_a_finalized_month_keeps_one_bill_and_a_late_mark_is_carried_to_the_next(
    session: Session, dairy: Dairy
) -> None:
    first = bf.order(session, customer_id=dairy.asha.id, product_id=dairy.milk.id, day=day(1))
    late = bf.order(session, customer_id=dairy.asha.id, product_id=dairy.milk.id, day=day(2))
    bf.deliver(session, first, by=dairy.admin)
    bf.run(session, finalize=True)  # the close resolved ``late`` as not delivered
    (issued,) = bf.invoices_of(session, dairy.asha.id)
    frozen = (issued.number, issued.total_paise, lines_of(session, issued))

    # Found later: it was delivered after all.
    bf.correct(session, late, 2, admin=dairy.admin)
    bf.run(session)

    (issued_again,) = bf.invoices_of(session, dairy.asha.id)  # no second November bill
    assert (issued_again.number, issued_again.total_paise, lines_of(session, issued_again)) == (
        frozen
    )
    session.refresh(late)
    assert late.invoice_id == issued.id
    (adjustment,) = session.scalars(select(Adjustment).where(Adjustment.order_id == late.id))
    assert (adjustment.against_invoice_id, adjustment.invoice_id) == (issued.id, None)
    assert adjustment.amount_paise == 5600
    assert reconcile.reconcile(session, bf.NOVEMBER).clean

    # December's bill carries it.
    bf.run(session, bf.DECEMBER, today=dt.date(2027, 1, 2))
    december = bf.invoices_of(session, dairy.asha.id)[-1]
    assert (december.month, december.total_paise) == (bf.DECEMBER, 5600)


def test_each_run_writes_one_audit_event(session: Session, dairy: Dairy) -> None:
    made = bf.order(session, customer_id=dairy.asha.id, product_id=dairy.milk.id, day=day(1))
    bf.deliver(session, made, by=dairy.admin)
    bf.close_month(session)
    before = session.scalar(select(func.max(AuditEvent.id))) or 0

    bf.run(session, finalize=True)

    events = list(session.scalars(select(AuditEvent).where(AuditEvent.id > before)))
    assert [(e.action, e.entity_type) for e in events] == [("billing.run", "billing_month")]
    assert events[0].after is not None
    assert events[0].after["invoices_created"] == 1
    assert events[0].after["invoices_finalized"] == 1
    assert events[0].after["first_number"] == "BOS/2627/000001"


@pytest.mark.parametrize("month", [dt.date(2027, 1, 1), dt.date(2030, 6, 1)])
def test_a_month_that_has_not_begun_is_refused_and_nothing_changes(
    session: Session, dairy: Dairy, month: dt.date
) -> None:
    before = session.scalar(select(func.count(AuditEvent.id)))
    with pytest.raises(InvalidInput) as refused:
        service.run_billing(session, month, factories.ACTOR, bf.SETTINGS, today=bf.TODAY)
    assert refused.value.code == "month_in_future"
    assert session.scalar(select(func.count(Invoice.id))) == 0
    assert session.scalar(select(func.count(AuditEvent.id))) == before


def test_the_month_in_progress_can_be_billed_so_far(session: Session, dairy: Dairy) -> None:
    made = bf.order(session, customer_id=dairy.asha.id, product_id=dairy.milk.id, day=bf.DECEMBER)
    bf.deliver(session, made, by=dairy.admin)

    result = service.run_billing(session, bf.DECEMBER, factories.ACTOR, bf.SETTINGS, today=bf.TODAY)

    assert (result.month, result.invoices, result.total) == ("2026-12", 1, "56.00")
