"""Finalizing (numbers from a gapless series per financial year), immutability, voiding."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit.models import AuditEvent
from milkrun.billing import numbering, service
from milkrun.billing.models import Invoice, InvoiceLine
from milkrun.config import Settings
from milkrun.errors import Conflict
from milkrun.orders.models import Order
from tests import factories
from tests.billing import factories as bf
from tests.billing.conftest import Dairy

NOV = bf.NOVEMBER


def delivered(session: Session, dairy: Dairy, customer_id: int, days: int = 3) -> list[Order]:
    made = [
        bf.order(session, customer_id=customer_id, product_id=dairy.milk.id, day=NOV.replace(day=n))
        for n in range(1, days + 1)
    ]
    for order in made:
        bf.deliver(session, order, by=dairy.admin)
    return made


def drafts(session: Session, dairy: Dairy) -> list[Invoice]:
    for customer in (dairy.asha, dairy.ravi, dairy.meera):
        delivered(session, dairy, customer.id)
    bf.close_month(session)
    bf.run(session)
    return list(session.scalars(select(Invoice).order_by(Invoice.id)))


def finalize(session: Session, invoice: Invoice, today: dt.date = bf.TODAY) -> Invoice:
    return service.finalize_invoice(session, invoice.id, factories.ACTOR, bf.SETTINGS, today=today)


def test_finalizing_numbers_dates_and_freezes(session: Session, dairy: Dairy) -> None:
    first, second, _ = drafts(session, dairy)

    issued = finalize(session, second)
    also = finalize(session, first)

    assert (issued.number, also.number) == ("BOS/2627/000001", "BOS/2627/000002")
    assert issued.status == "finalized"
    assert issued.issue_date == bf.TODAY
    assert issued.due_date == bf.TODAY + dt.timedelta(days=10)
    assert numbering.last_number(session, "BOS/2627") == 2


def test_the_due_days_and_prefix_are_settings(session: Session, dairy: Dairy) -> None:
    (draft, *_) = drafts(session, dairy)
    settings = Settings(
        env="test",
        secret_key=factories.SECRET,
        invoice_due_days=15,
        invoice_prefix="ND",
        bill_of_supply_prefix="NB",
    )

    issued = service.finalize_invoice(session, draft.id, factories.ACTOR, settings, today=bf.TODAY)

    assert issued.number == "NB/2627/000001"
    assert issued.due_date == dt.date(2026, 12, 18)


def test_finalizing_a_month_numbers_every_draft_in_order(session: Session, dairy: Dairy) -> None:
    invoices = drafts(session, dairy)
    finalize(session, invoices[0])

    result = service.finalize_month(session, NOV, factories.ACTOR, bf.SETTINGS, today=bf.TODAY)

    assert (result.invoices_finalized, result.first_number, result.last_number) == (
        2,
        "BOS/2627/000002",
        "BOS/2627/000003",
    )
    session.expire_all()
    assert [i.number for i in session.scalars(select(Invoice).order_by(Invoice.id))] == [
        "BOS/2627/000001",
        "BOS/2627/000002",
        "BOS/2627/000003",
    ]
    again = service.finalize_month(session, NOV, factories.ACTOR, bf.SETTINGS, today=bf.TODAY)
    assert again.invoices_finalized == 0


def test_a_new_financial_year_starts_a_new_series(session: Session, dairy: Dairy) -> None:
    march, april, _ = drafts(session, dairy)

    in_march = finalize(session, march, today=dt.date(2027, 3, 31))
    in_april = finalize(session, april, today=dt.date(2027, 4, 1))

    assert in_march.number == "BOS/2627/000001"
    assert in_april.number == "BOS/2728/000001"


def test_an_issued_invoice_cannot_be_finalized_again(session: Session, dairy: Dairy) -> None:
    (draft, *_) = drafts(session, dairy)
    issued = finalize(session, draft)
    events = session.scalar(select(func.count(AuditEvent.id)))

    with pytest.raises(Conflict) as refused:
        finalize(session, issued)

    assert refused.value.code == "invoice_finalized"
    session.refresh(issued)
    assert issued.number == "BOS/2627/000001"
    assert numbering.last_number(session, "BOS/2627") == 1
    assert session.scalar(select(func.count(AuditEvent.id))) == events


def test_voiding_keeps_the_number_and_releases_the_orders(session: Session, dairy: Dairy) -> None:
    orders = delivered(session, dairy, dairy.asha.id)
    bf.close_month(session)
    bf.run(session)
    (draft,) = bf.invoices_of(session, dairy.asha.id)
    issued = finalize(session, draft)

    voided = service.void_invoice(session, issued.id, factories.ACTOR, reason="wrong address")

    assert (voided.status, voided.number, voided.void_reason) == (
        "void",
        "BOS/2627/000001",
        "wrong address",
    )
    for order in orders:
        session.refresh(order)
        assert order.invoice_id is None
    # The next run bills the orders again; the new invoice gets the next number, never the old.
    bf.run(session, finalize=True)
    old, new = bf.invoices_of(session, dairy.asha.id)
    assert (old.status, old.number) == ("void", "BOS/2627/000001")
    assert (new.status, new.number, new.total_paise) == ("finalized", "BOS/2627/000002", 16800)


def test_a_void_invoice_cannot_be_finalized_or_voided_again(session: Session, dairy: Dairy) -> None:
    (draft, *_) = drafts(session, dairy)
    issued = finalize(session, draft)
    service.void_invoice(session, issued.id, factories.ACTOR)
    events = session.scalar(select(func.count(AuditEvent.id)))

    with pytest.raises(Conflict) as finalizing:
        finalize(session, issued)
    with pytest.raises(Conflict) as voiding:
        service.void_invoice(session, issued.id, factories.ACTOR)

    assert finalizing.value.code == "invoice_void"
    assert voiding.value.code == "invoice_void"
    session.refresh(issued)
    assert (issued.status, issued.number) == ("void", "BOS/2627/000001")
    assert numbering.last_number(session, "BOS/2627") == 1
    assert session.scalar(select(func.count(AuditEvent.id))) == events


def test_a_draft_is_not_voided(session: Session, dairy: Dairy) -> None:
    (draft, *_) = drafts(session, dairy)
    with pytest.raises(Conflict) as refused:
        service.void_invoice(session, draft.id, factories.ACTOR)
    assert refused.value.code == "invoice_draft"


def test_finalize_and_void_write_one_audit_event_each(session: Session, dairy: Dairy) -> None:
    (draft, *_) = drafts(session, dairy)
    before = session.scalar(select(func.max(AuditEvent.id))) or 0

    finalize(session, draft)
    service.void_invoice(session, draft.id, factories.ACTOR, reason="duplicate")

    events = list(
        session.scalars(select(AuditEvent).where(AuditEvent.id > before).order_by(AuditEvent.id))
    )
    assert [(e.action, e.entity_id) for e in events] == [
        ("invoice.finalize", draft.id),
        ("invoice.void", draft.id),
    ]
    assert events[0].before is not None
    assert events[0].after is not None
    assert (events[0].before["status"], events[0].after["status"]) == ("draft", "finalized")
    assert events[0].after["number"] == "BOS/2627/000001"
    assert events[1].after is not None
    assert events[1].after["status"] == "void"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE invoices SET total_paise = total_paise + 100, subtotal_paise = subtotal_paise"
        " + 100 WHERE id = :id",
        "UPDATE invoices SET number = 'MR/2627/999999' WHERE id = :id",
        "UPDATE invoices SET document_type = 'tax_invoice' WHERE id = :id",
        "UPDATE invoices SET customer_gstin = '29ABCDE1234F1Z5' WHERE id = :id",
        "UPDATE invoices SET is_prepaid = NOT is_prepaid WHERE id = :id",
        "UPDATE invoices SET status = 'draft', number = NULL, series = NULL, sequence = NULL,"
        " issue_date = NULL, due_date = NULL, finalized_at = NULL WHERE id = :id",
        "DELETE FROM invoices WHERE id = :id",
        "UPDATE invoice_lines SET quantity = quantity + 1,"
        " amount_paise = (quantity + 1) * unit_price_paise WHERE invoice_id = :id",
        "DELETE FROM invoice_lines WHERE invoice_id = :id",
        "INSERT INTO invoice_lines (invoice_id, product_id, description, quantity,"
        " unit_price_paise, amount_paise, tax_rate_bps, tax_paise)"
        " SELECT invoice_id, product_id, 'forged', 1, 1, 1, 0, 0 FROM invoice_lines"
        " WHERE invoice_id = :id LIMIT 1",
    ],
)
def test_postgresql_refuses_changes_to_an_issued_invoice(
    session: Session, dairy: Dairy, db_kind: str, statement: str
) -> None:
    if db_kind != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL; on SQLite the services are the guard")
    (draft, *_) = drafts(session, dairy)
    issued = finalize(session, draft)

    with pytest.raises(DBAPIError, match="immutable"), session.begin_nested():
        session.execute(text(statement), {"id": issued.id})

    session.expire_all()
    assert session.get(Invoice, issued.id) is not None
    assert (
        session.scalar(
            select(func.sum(InvoiceLine.quantity)).where(InvoiceLine.invoice_id == issued.id)
        )
        == 6
    )


def test_postgresql_lets_payment_state_change_and_freezes_a_void_invoice(
    session: Session, dairy: Dairy, db_kind: str
) -> None:
    if db_kind != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL")
    (draft, *_) = drafts(session, dairy)
    issued = finalize(session, draft)

    session.execute(
        update(Invoice)
        .where(Invoice.id == issued.id)
        .values(status="partially_paid", amount_paid_paise=100)
    )
    service.void_invoice(session, issued.id, factories.ACTOR)
    with pytest.raises(DBAPIError, match="immutable"), session.begin_nested():
        session.execute(
            text("UPDATE invoices SET void_reason = 'x' WHERE id = :id"), {"id": issued.id}
        )


def test_issued_at_uses_the_business_clock(session: Session, dairy: Dairy) -> None:
    """Without an explicit date, the issue date is today in the dairy's zone."""
    (draft, *_) = drafts(session, dairy)
    clock.freeze(dt.datetime(2026, 12, 31, 19, 0, tzinfo=dt.UTC))  # 1 Jan 2027, 00:30 IST

    issued = service.finalize_invoice(session, draft.id, factories.ACTOR, bf.SETTINGS)

    assert issued.issue_date == dt.date(2027, 1, 1)


def test_finalizing_rewrites_only_the_drafts_that_changed_since_the_run(
    session: Session, dairy: Dairy
) -> None:
    made = {
        customer.id: delivered(session, dairy, customer.id)
        for customer in (dairy.asha, dairy.ravi, dairy.meera)
    }
    bf.close_month(session)
    bf.run(session)
    before = {
        line.id: (line.invoice_id, line.quantity, line.amount_paise)
        for line in session.scalars(select(InvoiceLine))
    }
    # A correction after the run, before the close: Asha's bill must bill it.
    bf.correct(session, made[dairy.asha.id][0], 1, admin=dairy.admin)

    service.finalize_month(session, NOV, factories.ACTOR, bf.SETTINGS, today=bf.TODAY)

    session.expire_all()
    after = {
        line.id: (line.invoice_id, line.quantity, line.amount_paise)
        for line in session.scalars(select(InvoiceLine))
    }
    (asha,) = bf.invoices_of(session, dairy.asha.id)
    untouched = {i: line for i, line in before.items() if line[0] != asha.id}
    assert {i: line for i, line in after.items() if line[0] != asha.id} == untouched
    assert [line for line in after.values() if line[0] == asha.id] == [(asha.id, 5, 5 * 2800)]
    assert (asha.status, asha.total_paise) == ("finalized", 5 * 2800)
    linked = session.scalars(select(Order).where(Order.customer_id == dairy.asha.id))
    assert {order.invoice_id for order in linked} == {asha.id}
    for customer in (dairy.ravi, dairy.meera):
        (invoice,) = bf.invoices_of(session, customer.id)
        assert (invoice.status, invoice.total_paise) == ("finalized", 6 * 2800)
