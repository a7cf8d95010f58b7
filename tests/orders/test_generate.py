"""Materializing a date: prices, routes and shifts of that date, who gets nothing, idempotency,
the dry run, re-syncing a generated date after a change, and orders that are never touched."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from milkrun import clock, cutoff
from milkrun.audit.models import AuditEvent
from milkrun.catalog import service as catalog_service
from milkrun.catalog.schemas import ProductUpdate
from milkrun.customers import service as customer_service
from milkrun.customers.schemas import CustomerUpdate
from milkrun.orders import changes as change_service
from milkrun.orders import generate
from milkrun.orders.generate import Counts
from milkrun.orders.models import MaterializationRun, Order
from milkrun.routing.models import Shift
from milkrun.subscriptions.models import Pause
from milkrun.subscriptions.schemas import PauseCreate, PauseUpdate, SubscriptionUpdate
from tests import factories
from tests.factories import ACTOR
from tests.order_book import (
    BEFORE_CUTOFF,
    PRICE_RISE,
    TOMORROW,
    Dairy,
    audit_count,
    day,
    orders_of,
)


def materialize(session: Session, on: dt.date, *, dry_run: bool = False) -> Counts:
    return generate.materialize(session, on, ACTOR, dry_run=dry_run).counts


def order_of(session: Session, subscription_id: int, on: dt.date) -> Order:
    order = session.scalar(
        select(Order).where(Order.subscription_id == subscription_id, Order.delivery_date == on)
    )
    assert order is not None
    return order


def test_orders_carry_the_price_route_and_shift_of_the_date(session: Session, dairy: Dairy) -> None:
    evening = factories.subscription(
        session,
        customer=dairy.customer,
        product=dairy.milk,
        shift=Shift.evening,
        schedule={"kind": "daily", "quantity": 2},
    )
    assert materialize(session, day(3)) == Counts(created=1)
    assert materialize(session, PRICE_RISE) == Counts(created=1)
    before, after = order_of(session, evening.id, day(3)), order_of(session, evening.id, PRICE_RISE)
    assert (before.unit_price_paise, after.unit_price_paise) == (2800, 3000)
    assert (after.quantity, after.shift, after.route_id, after.customer_id) == (
        2,
        "evening",
        dairy.route.id,
        dairy.customer.id,
    )
    assert (after.status, after.invoice_id, after.product_id) == ("scheduled", None, dairy.milk.id)


def test_due_subscriptions_only(session: Session, dairy: Dairy) -> None:
    """Not yet started, ended, off-schedule, paused, skipped, inactive customer or product:
    no order. An override on an off day: an order."""
    c, m = dairy.customer, dairy.milk
    on = day(4)  # a Saturday
    daily = factories.subscription(session, customer=c, product=m)
    later = factories.subscription(session, customer=c, product=m, start=day(5))
    ended = factories.subscription(session, customer=c, product=m, end=day(3))
    weekdays = factories.subscription(
        session, customer=c, product=m, schedule={"kind": "weekdays", "quantities": {"mon": 1}}
    )
    extra = factories.subscription(
        session, customer=c, product=m, schedule={"kind": "weekdays", "quantities": {"mon": 1}}
    )
    factories.override(session, subscription_id=extra.id, day=on, quantity=3)
    skipped = factories.subscription(session, customer=c, product=m)
    factories.override(session, subscription_id=skipped.id, day=on, quantity=0)
    paused = factories.subscription(session, customer=c, product=m)
    factories.pause(session, customer_id=c.id, subscription_id=paused.id, start=day(2))
    away = factories.subscription(session, customer=dairy.neighbour, product=m)
    factories.override(session, subscription_id=away.id, day=on, quantity=5)
    factories.pause(session, customer_id=dairy.neighbour.id, start=on, end=on)  # wins
    gone = factories.subscription(session, customer=factories.customer(session), product=m)
    curd = factories.subscription(session, customer=c, product=dairy.curd)
    customer_service.update_customer(
        session, gone.customer_id, CustomerUpdate(is_active=False), ACTOR
    )
    catalog_service.update_product(session, dairy.curd.id, ProductUpdate(is_active=False), ACTOR)

    assert materialize(session, on) == Counts(created=2)
    assert orders_of(session, on) == {daily.id: 1, extra.id: 3}
    _ = (later, ended, weekdays, curd)


def test_twice_creates_nothing_and_a_dry_run_changes_nothing(
    session: Session, dairy: Dairy
) -> None:
    subs = [
        factories.subscription(session, customer=dairy.customer, product=dairy.milk)
        for _ in range(3)
    ]
    events = audit_count(session)
    assert materialize(session, TOMORROW, dry_run=True) == Counts(created=3)
    assert orders_of(session, TOMORROW) == {}
    assert session.scalars(select(MaterializationRun)).all() == []
    assert audit_count(session) == events  # a dry run is not a change

    assert materialize(session, TOMORROW) == Counts(created=3)
    assert materialize(session, TOMORROW) == Counts(unchanged=3)
    assert audit_count(session) == events + 2  # one event per run
    runs = session.scalars(select(MaterializationRun)).all()
    assert [(r.delivery_date, r.created, r.unchanged) for r in runs] == [
        (TOMORROW, 3, 0),
        (TOMORROW, 0, 3),
    ]

    # Orders changed behind the generator's back (written directly, so no re-sync) show up in
    # the next dry run, and the run puts them right.
    session.execute(update(Order).where(Order.subscription_id == subs[0].id).values(quantity=7))
    session.execute(
        update(Order).where(Order.subscription_id == subs[1].id).values(status="cancelled")
    )
    assert materialize(session, TOMORROW, dry_run=True) == Counts(updated=2, unchanged=1)
    assert materialize(session, TOMORROW) == Counts(updated=2, unchanged=1)
    assert orders_of(session, TOMORROW) == {s.id: 1 for s in subs}


def test_a_change_before_the_cutoff_resyncs_a_generated_date(
    session: Session, dairy: Dairy
) -> None:
    """Tomorrow was generated early; the customer changes it before the cut-off: the orders
    follow in the same transaction (quantity changed, cancelled, added)."""
    c = dairy.customer
    more = factories.subscription(session, customer=c, product=dairy.milk)
    fewer = factories.subscription(session, customer=c, product=dairy.milk)
    away = factories.subscription(session, customer=c, product=dairy.curd)
    extra = factories.subscription(
        session,
        customer=c,
        product=dairy.milk,
        schedule={"kind": "every_n_days", "n": 7, "quantity": 1},
    )
    other = factories.subscription(session, customer=dairy.neighbour, product=dairy.milk)
    assert materialize(session, TOMORROW) == Counts(created=4)

    clock.freeze(BEFORE_CUTOFF)
    window = cutoff.for_customer(dairy.settings)
    change_service.change_subscription(
        session, more.id, SubscriptionUpdate(quantity=3), ACTOR, window, customer_id=c.id
    )
    change_service.set_override(session, fewer.id, TOMORROW, 0, ACTOR, window, customer_id=c.id)
    change_service.create_pause(
        session,
        PauseCreate(start_date=TOMORROW),
        ACTOR,
        window,
        customer_id=c.id,
        subscription_id=away.id,
    )
    change_service.set_override(session, extra.id, TOMORROW, 2, ACTOR, window, customer_id=c.id)

    assert orders_of(session, TOMORROW) == {more.id: 3, extra.id: 2, other.id: 1}
    assert orders_of(session, TOMORROW, status="cancelled") == {fewer.id: 1, away.id: 1}
    last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert last is not None
    assert last.after is not None
    assert last.after["orders_resynced"] == {TOMORROW.isoformat(): {"created": 1}}

    # Back on: the cancelled order is scheduled again (counted as updated).
    pause = change_service.update_pause(
        session,
        session.scalars(select(Pause).where(Pause.subscription_id == away.id)).one().id,
        PauseUpdate(start_date=day(2)),
        ACTOR,
        window,
    )
    assert pause.start_date == day(2)
    assert orders_of(session, TOMORROW)[away.id] == 1
    assert materialize(session, TOMORROW) == Counts(unchanged=4)


def test_a_customer_wide_pause_and_a_new_subscription_resync(
    session: Session, dairy: Dairy
) -> None:
    c = dairy.customer
    milk = factories.subscription(session, customer=c, product=dairy.milk)
    curd = factories.subscription(session, customer=c, product=dairy.curd)
    materialize(session, TOMORROW)
    window = dairy.customer_window()
    pause = change_service.create_pause(
        session, PauseCreate(start_date=TOMORROW, end_date=day(3)), ACTOR, window, customer_id=c.id
    )
    assert orders_of(session, TOMORROW) == {}
    change_service.delete_pause(session, pause.id, ACTOR, window)
    assert orders_of(session, TOMORROW) == {milk.id: 1, curd.id: 1}
    bread = factories.subscription(session, customer=c, product=dairy.curd, start=TOMORROW)
    assert orders_of(session, TOMORROW)[bread.id] == 1


def test_marked_orders_are_never_changed(session: Session, dairy: Dairy) -> None:
    c = dairy.customer
    delivered = factories.subscription(session, customer=c, product=dairy.milk)
    missed = factories.subscription(session, customer=c, product=dairy.milk)
    materialize(session, TOMORROW)
    session.execute(
        update(Order).where(Order.subscription_id == delivered.id).values(status="delivered")
    )
    session.execute(
        update(Order).where(Order.subscription_id == missed.id).values(status="not_delivered")
    )
    window = dairy.staff()
    change_service.set_override(session, delivered.id, TOMORROW, 4, ACTOR, window)
    change_service.create_pause(
        session,
        PauseCreate(start_date=TOMORROW),
        ACTOR,
        window,
        customer_id=c.id,
        subscription_id=missed.id,
    )
    assert materialize(session, TOMORROW) == Counts(unchanged=1)
    assert orders_of(session, TOMORROW, status="delivered") == {delivered.id: 1}
    assert orders_of(session, TOMORROW, status="not_delivered") == {missed.id: 1}


def test_the_past_is_not_resynced(session: Session, dairy: Dairy) -> None:
    subscription = factories.subscription(session, customer=dairy.customer, product=dairy.milk)
    materialize(session, day(-1))
    factories.pause(session, customer_id=dairy.customer.id, start=day(-1))  # history window
    assert orders_of(session, day(-1)) == {subscription.id: 1}


@contextmanager
def statements(session: Session) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(args[2])

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_the_number_of_statements_does_not_grow_with_subscriptions(
    session: Session, dairy: Dairy
) -> None:
    def run(n: int, on: dt.date) -> int:
        for _ in range(n):
            factories.subscription(session, customer=dairy.customer, product=dairy.milk)
        session.flush()
        with statements(session) as seen:
            materialize(session, on)  # first run
            materialize(session, on)  # idempotent run
        return len(seen)

    assert run(2, day(2)) == run(40, day(3))
