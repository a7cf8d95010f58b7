"""Deposits charged and refunded reach the bill as deposit lines; balances carry them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.billing import dues
from milkrun.billing.models import InvoiceLine
from milkrun.containers import service
from milkrun.containers.schemas import StopContainersRequest
from milkrun.deliveries.markers import Marker
from tests import factories
from tests.billing import factories as bills
from tests.containers.conftest import Round


def _stop(session: Session, walk: Round, day: dt.date, given: int, returned: int) -> None:
    marker = Marker.for_user(walk.admin.user, factories.ACTOR)
    request = StopContainersRequest.model_validate(
        {**walk.stop(walk.asha, given, returned), "delivery_date": day.isoformat()}
    )
    service.record_at_stop(session, marker, request, today=bills.TODAY)


def _lines(session: Session, invoice_id: int) -> list[tuple[str, int, int]]:
    return [
        (line.description, line.quantity, line.amount_paise)
        for line in session.scalars(
            select(InvoiceLine).where(InvoiceLine.invoice_id == invoice_id).order_by(InvoiceLine.id)
        )
    ]


def test_the_months_net_deposit_is_a_line_charged_then_refunded(
    session: Session, walk: Round
) -> None:
    milk = factories.product(session, sku="COW1")
    made = bills.order(
        session, customer_id=walk.asha.id, product_id=milk.id, day=dt.date(2026, 11, 5)
    )
    bills.deliver(session, made, by=walk.admin.user)
    _stop(session, walk, dt.date(2026, 11, 5), 2, 0)
    _stop(session, walk, dt.date(2026, 11, 6), 1, 1)
    bills.run(session, bills.NOVEMBER, finalize=True)
    [november] = bills.invoices_of(session, walk.asha.id)
    assert _lines(session, november.id) == [
        ("Toned milk · 500 ml pouch", 2, 5600),
        ("Deposit · 1 L glass bottle", 1, 10000),
    ]
    assert november.total_paise == 15600
    assert dues.balances_of(session, [walk.asha.id]) == {walk.asha.id: 15600}

    # December: both bottles come back; the refund is the December bill's line.
    _stop(session, walk, dt.date(2026, 12, 2), 0, 2)
    bills.run(session, bills.DECEMBER, today=dt.date(2026, 12, 3))
    december = bills.invoices_of(session, walk.asha.id)[-1]
    assert _lines(session, december.id) == [("Deposit refunded · 1 L glass bottle", -1, -10000)]
    assert december.total_paise == -10000
    # A rerun rebuilds the same line, not a second one.
    bills.run(session, bills.DECEMBER, today=dt.date(2026, 12, 3))
    assert _lines(session, december.id) == [("Deposit refunded · 1 L glass bottle", -1, -10000)]
