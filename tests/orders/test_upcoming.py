"""A customer's next days: orders where the date is materialized, the rules elsewhere."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from milkrun.orders import generate, queries
from milkrun.orders.models import Order
from tests import factories
from tests.factories import ACTOR
from tests.order_book import PRICE_RISE, TODAY, TOMORROW, Dairy, day


def test_upcoming_mixes_orders_and_what_the_schedule_will_make(
    session: Session, dairy: Dairy
) -> None:
    c = dairy.customer
    milk = factories.subscription(
        session, customer=c, product=dairy.milk, schedule={"kind": "alternate_days", "quantity": 2}
    )
    curd = factories.subscription(session, customer=c, product=dairy.curd, start=day(3))
    factories.override(session, subscription_id=milk.id, day=day(3), quantity=5)
    factories.override(session, subscription_id=milk.id, day=TOMORROW, quantity=3)
    factories.pause(session, customer_id=c.id, start=day(5), end=day(5))
    factories.one_time_order(session, customer_id=c.id, product_id=dairy.curd.id, day=day(2))
    factories.subscription(session, customer=dairy.neighbour, product=dairy.milk)
    generate.materialize(session, TODAY, ACTOR)
    generate.materialize(session, TOMORROW, ACTOR)
    # Today's milk order was cancelled by hand: it is not coming.
    session.execute(update(Order).where(Order.delivery_date == TODAY).values(status="cancelled"))

    upcoming = queries.upcoming(session, c.id, TODAY, 7)
    got = [
        (i.delivery_date, i.subscription_id, i.quantity, i.unit_price, i.materialized)
        for i in upcoming.items
    ]
    # Alternate days from 2026-01-01 deliver on Dec 1 (TODAY), 3, 5, 7.
    assert got == [
        (TOMORROW, milk.id, 3, "28.00", True),  # the override, materialized
        (day(2), None, 1, "35.00", True),  # the one-time order
        (day(2), milk.id, 2, "28.00", False),
        (day(3), milk.id, 5, "28.00", False),  # an override on an off day
        (day(3), curd.id, 1, "35.00", False),
        (PRICE_RISE, milk.id, 2, "30.00", False),
        (PRICE_RISE, curd.id, 1, "35.00", False),
        # day 5: everything paused
        (day(6), milk.id, 2, "30.00", False),
        (day(6), curd.id, 1, "35.00", False),
    ]
    assert (upcoming.start_date, upcoming.end_date) == (TODAY, day(6))
    assert upcoming.items[0].amount == "84.00"
    assert upcoming.items[3].product_name == dairy.milk.name
