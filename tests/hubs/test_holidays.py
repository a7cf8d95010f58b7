"""Holidays: generation leaves out the customers a holiday closes (one predicate of what is due),
declaring one for a generated date cancels its open orders and tells the customers, and the
refusals (a past date, a duplicate, no reason, another hub)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from milkrun.audit.models import AuditEvent
from milkrun.errors import MilkrunError
from milkrun.hubs.errors import (
    HolidayExists,
    HolidayInPast,
    HolidayReasonRequired,
    HubLimitedAdmin,
    HubNotFound,
    NoDeliveryOnHoliday,
)
from milkrun.hubs.scope import EVERY_HUB, HubScope
from milkrun.notify.models import OutboxMessage
from milkrun.orders import generate, holidays, preview
from milkrun.orders.models import Order
from tests import factories
from tests.factories import ACTOR
from tests.hubs.two_hubs import TwoHubs
from tests.order_book import TODAY, day


def _orders(session: Session, on: dt.date) -> dict[int, str]:
    """{customer_id: status} of the orders of a date."""
    rows = session.execute(select(Order.customer_id, Order.status).where(Order.delivery_date == on))
    return dict(rows.all())


def _declare(
    session: Session, on: dt.date, hub_id: int | None, scope: HubScope = EVERY_HUB
) -> holidays.Declared:
    return holidays.declare_holiday(
        session, on, hub_id, "Ganesha Chaturthi", ACTOR, scope, today=TODAY
    )


def test_a_hub_holiday_leaves_its_customers_out_of_generation(
    session: Session, hubs: TwoHubs
) -> None:
    on = day(3)
    _declare(session, on, hubs.jayanagar.id)
    dry = preview.breakdown(session, on)
    assert dry.holidays == ["Jayanagar: Ganesha Chaturthi"]
    assert dry.counts.created == 3
    report = generate.materialize(session, on, ACTOR, dry_run=True)
    assert report.holidays == ("Jayanagar: Ganesha Chaturthi",)
    generate.materialize(session, on, ACTOR)
    got = _orders(session, on)
    assert set(got) == {hubs.dairy.customer.id, hubs.dairy.neighbour.id, hubs.unrouted.id}
    # The day after is an ordinary day for everyone.
    generate.materialize(session, day(4), ACTOR)
    assert len(_orders(session, day(4))) == 4


def test_a_dairy_holiday_generates_nothing(session: Session, hubs: TwoHubs) -> None:
    _declare(session, day(3), None)
    assert generate.materialize(session, day(3), ACTOR).counts.created == 0
    assert _orders(session, day(3)) == {}


def test_declaring_for_a_generated_day_cancels_open_orders_and_tells_customers(
    session: Session, hubs: TwoHubs
) -> None:
    on = day(1)
    generate.materialize(session, on, ACTOR)
    extra = factories.one_time_order(
        session, customer_id=hubs.dairy.customer.id, product_id=hubs.dairy.curd.id, day=on
    )
    # Marked already (a holiday declared late in the day): it stays as marked.
    session.execute(
        update(Order)
        .where(Order.delivery_date == on, Order.customer_id == hubs.dairy.neighbour.id)
        .values(status="delivered")
    )
    declared = _declare(session, on, hubs.indiranagar.id)
    assert declared.orders_cancelled == 2  # the customer's milk and its one-time curd
    by_customer = session.execute(
        select(Order.id, Order.customer_id, Order.status).where(Order.delivery_date == on)
    ).all()
    assert {(c, s) for _, c, s in by_customer} == {
        (hubs.dairy.customer.id, "cancelled"),
        (hubs.dairy.neighbour.id, "delivered"),
        (hubs.south_customer.id, "scheduled"),
        (hubs.unrouted.id, "scheduled"),
    }
    assert {i: s for i, _, s in by_customer}[extra.id] == "cancelled"
    told = session.scalars(
        select(OutboxMessage.customer_id).where(OutboxMessage.template == "holiday")
    ).all()
    # Who had a scheduled delivery is told (the neighbour's was delivered already).
    assert told == [hubs.dairy.customer.id]
    assert declared.customers_told == 1
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "holiday.declare"))
    assert event is not None
    assert event.after is not None
    assert event.after["reason"] == "Ganesha Chaturthi"
    # Generating the day again changes nothing: the holiday holds.
    assert not generate.materialize(session, on, ACTOR).counts.changed_anything


def test_nothing_is_billed_for_a_holiday(session: Session, hubs: TwoHubs) -> None:
    generate.materialize(session, day(1), ACTOR)
    _declare(session, day(1), None)
    assert all(s == "cancelled" for s in _orders(session, day(1)).values())


def test_no_one_time_order_on_a_holiday(session: Session, hubs: TwoHubs) -> None:
    _declare(session, day(2), hubs.jayanagar.id)
    with pytest.raises(NoDeliveryOnHoliday):
        factories.one_time_order(
            session, customer_id=hubs.south_customer.id, product_id=hubs.dairy.milk.id, day=day(2)
        )
    # Another hub orders as usual.
    factories.one_time_order(
        session, customer_id=hubs.dairy.customer.id, product_id=hubs.dairy.milk.id, day=day(2)
    )


@pytest.mark.parametrize(
    ("on", "reason", "expected"),
    [(-1, "Flood", HolidayInPast), (2, "   ", HolidayReasonRequired)],
)
def test_refusals(
    session: Session, hubs: TwoHubs, on: int, reason: str, expected: type[MilkrunError]
) -> None:
    with pytest.raises(expected):
        holidays.declare_holiday(session, day(on), None, reason, ACTOR, EVERY_HUB, today=TODAY)
    assert session.scalar(select(OutboxMessage.id)) is None


def test_one_holiday_per_hub_per_date(session: Session, hubs: TwoHubs) -> None:
    _declare(session, day(2), None)
    with pytest.raises(HolidayExists):
        _declare(session, day(2), None)
    _declare(session, day(2), hubs.jayanagar.id)
    with pytest.raises(HolidayExists):
        _declare(session, day(2), hubs.jayanagar.id)


def test_an_admin_of_one_hub_declares_for_its_hub_only(session: Session, hubs: TwoHubs) -> None:
    mine = HubScope.of(hubs.south_admin)
    with pytest.raises(HubLimitedAdmin):
        _declare(session, day(2), None, mine)
    with pytest.raises(HubNotFound):
        _declare(session, day(2), hubs.indiranagar.id, mine)
    assert _declare(session, day(2), hubs.jayanagar.id, mine).holiday.hub_id == hubs.jayanagar.id
