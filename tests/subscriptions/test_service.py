"""Subscriptions, pauses and overrides through their use cases: the rules, the refusals (which
change nothing), future-dated changes that leave the past alone, and the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun import clock, cutoff
from milkrun.audit.models import AuditEvent
from milkrun.catalog import service as catalog_service
from milkrun.catalog.schemas import ProductUpdate
from milkrun.customers import service as customer_service
from milkrun.customers.schemas import CustomerUpdate
from milkrun.errors import MilkrunError
from milkrun.orders import changes as change_service
from milkrun.subscriptions import queries
from milkrun.subscriptions.models import Override, Pause, Subscription, SubscriptionTerms
from milkrun.subscriptions.schedule import day_number, due_quantity
from milkrun.subscriptions.schemas import (
    PauseCreate,
    PauseUpdate,
    SubscriptionCreate,
    SubscriptionUpdate,
)
from tests import factories
from tests.factories import ACTOR
from tests.order_book import AFTER_CUTOFF, TODAY, TOMORROW, Dairy, audit_count, day


def new(dairy: Dairy, **overrides: Any) -> SubscriptionCreate:
    body: dict[str, Any] = {
        "customer_id": dairy.customer.id,
        "product_id": dairy.milk.id,
        "shift": "morning",
        "start_date": TOMORROW,
        "schedule": {"kind": "daily", "quantity": 2},
    }
    body.update(overrides)
    return SubscriptionCreate.model_validate(body)


def count(session: Session, model: type[Any]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def terms(session: Session, subscription: Subscription) -> list[SubscriptionTerms]:
    return queries.terms_of(session, [subscription.id])[subscription.id]


def plan_quantities(session: Session, subscription: Subscription, first: int, n: int) -> list[int]:
    plan = queries.plan_of(subscription, terms(session, subscription))
    return [due_quantity(plan, day(first + i)) for i in range(n)]


def refused(code: str, call: Any, *args: Any, **kwargs: Any) -> MilkrunError:
    with pytest.raises(MilkrunError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value.detail
    return caught.value


# --- creating -------------------------------------------------------------------------------


def test_create_records_first_terms_anchored_on_the_start(session: Session, dairy: Dairy) -> None:
    before = audit_count(session)
    subscription = change_service.create_subscription(
        session,
        new(dairy, schedule={"kind": "every_n_days", "n": 3, "quantity": 1}),
        ACTOR,
        dairy.staff(),
    )
    [first] = terms(session, subscription)
    assert (subscription.start_date, subscription.end_date) == (TOMORROW, None)
    assert (first.effective_from, first.kind, first.interval_days, first.quantity) == (
        TOMORROW,
        "every_n_days",
        3,
        1,
    )
    assert (first.anchor_date, first.anchor_day) == (TOMORROW, day_number(TOMORROW))
    assert first.mon_quantity is None
    assert audit_count(session) == before + 1
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event is not None
    assert (event.action, event.entity_id, event.customer_id) == (
        "subscription.create",
        subscription.id,
        dairy.customer.id,
    )
    assert event.after is not None
    assert event.after["terms"][0]["schedule"] == {"kind": "every_n_days", "n": 3, "quantity": 1}


def test_weekdays_are_stored_one_column_per_day(session: Session, dairy: Dairy) -> None:
    subscription = change_service.create_subscription(
        session,
        new(dairy, schedule={"kind": "weekdays", "quantities": {"mon": 1, "sat": 2}}),
        ACTOR,
        dairy.staff(),
    )
    [row] = terms(session, subscription)
    assert row.quantity is None
    assert [row.mon_quantity, row.tue_quantity, row.sat_quantity, row.sun_quantity] == [1, 0, 2, 0]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"end_date": TODAY}, "end_before_start"),
        ({"product_id": 999_999}, "product_not_found"),
        ({"customer_id": 999_999}, "customer_not_found"),
    ],
)
def test_create_refusals_change_nothing(
    session: Session, dairy: Dairy, changes: dict[str, Any], code: str
) -> None:
    subscriptions, events = count(session, Subscription), audit_count(session)
    refused(
        code,
        change_service.create_subscription,
        session,
        new(dairy, **changes),
        ACTOR,
        dairy.staff(),
    )
    assert (count(session, Subscription), audit_count(session)) == (subscriptions, events)


def test_an_inactive_product_or_customer_is_refused(session: Session, dairy: Dairy) -> None:
    catalog_service.update_product(session, dairy.curd.id, ProductUpdate(is_active=False), ACTOR)
    refused(
        "product_inactive",
        change_service.create_subscription,
        session,
        new(dairy, product_id=dairy.curd.id),
        ACTOR,
        dairy.staff(),
    )
    customer_service.update_customer(
        session, dairy.neighbour.id, CustomerUpdate(is_active=False), ACTOR
    )
    refused(
        "customer_inactive",
        change_service.create_subscription,
        session,
        new(dairy, customer_id=dairy.neighbour.id),
        ACTOR,
        dairy.staff(),
    )
    assert count(session, Subscription) == 0


def test_a_product_without_a_price_on_the_start_date_is_refused(
    session: Session, dairy: Dairy
) -> None:
    later = factories.product(session, since=day(30))
    error = refused(
        "product_not_priced",
        change_service.create_subscription,
        session,
        new(dairy, product_id=later.id),
        ACTOR,
        dairy.staff(),
    )
    assert str(TOMORROW) in error.detail


@pytest.mark.parametrize(
    "schedule",
    [
        {"kind": "daily", "quantity": 0},
        {"kind": "alternate_days", "quantity": -1},
        {"kind": "every_n_days", "n": 1, "quantity": 1},
        {"kind": "every_n_days", "quantity": 1},
        {"kind": "weekdays", "quantities": {}},
        {"kind": "weekdays", "quantities": {"mon": 0, "tue": 0}},
        {"kind": "weekdays", "quantities": {"funday": 1}},
        {"kind": "weekdays", "quantity": 1},
        {"kind": "fortnightly", "quantity": 1},
    ],
)
def test_malformed_schedules_do_not_parse(dairy: Dairy, schedule: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        new(dairy, schedule=schedule)


def test_customers_cannot_start_on_a_locked_date(session: Session, dairy: Dairy) -> None:
    clock.freeze(AFTER_CUTOFF)
    error = refused(
        "cutoff_passed",
        change_service.create_subscription,
        session,
        new(dairy),
        ACTOR,
        cutoff.for_customer(dairy.settings),
    )
    assert "22:00" in error.detail
    # Staff still can; the event says it came after the cut-off.
    change_service.create_subscription(session, new(dairy), ACTOR, cutoff.for_staff(dairy.settings))
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event is not None
    assert event.after is not None
    assert event.after["after_cutoff"] is True


def test_staff_cannot_start_in_the_past(session: Session, dairy: Dairy) -> None:
    refused(
        "date_in_past",
        change_service.create_subscription,
        session,
        new(dairy, start_date=day(-1)),
        ACTOR,
        dairy.staff(),
    )


# --- changing -------------------------------------------------------------------------------


def started(session: Session, dairy: Dairy, schedule: dict[str, Any]) -> Subscription:
    return factories.subscription(
        session, customer=dairy.customer, product=dairy.milk, start=day(-10), schedule=schedule
    )


def change(session: Session, dairy: Dairy, subscription: Subscription, **body: Any) -> Subscription:
    return change_service.change_subscription(
        session, subscription.id, SubscriptionUpdate.model_validate(body), ACTOR, dairy.staff()
    )


def test_a_future_change_keeps_the_past_terms(session: Session, dairy: Dairy) -> None:
    subscription = started(session, dairy, {"kind": "daily", "quantity": 1})
    change(
        session,
        dairy,
        subscription,
        effective_from=day(5).isoformat(),
        schedule={"kind": "alternate_days", "quantity": 3},
        product_id=dairy.curd.id,
    )
    old, new_terms = terms(session, subscription)
    assert (old.effective_from, old.kind, old.quantity, old.product_id) == (
        day(-10),
        "daily",
        1,
        dairy.milk.id,
    )
    assert (new_terms.effective_from, new_terms.kind, new_terms.quantity) == (
        day(5),
        "alternate_days",
        3,
    )
    assert new_terms.product_id == dairy.curd.id
    # The new rhythm counts from the day it takes effect.
    assert new_terms.anchor_date == day(5)
    assert plan_quantities(session, subscription, 3, 6) == [1, 1, 3, 0, 3, 0]


def test_without_effective_from_a_change_starts_on_the_first_open_date(
    session: Session, dairy: Dairy
) -> None:
    subscription = started(session, dairy, {"kind": "daily", "quantity": 1})
    change_service.change_subscription(
        session,
        subscription.id,
        SubscriptionUpdate(quantity=4),
        ACTOR,
        cutoff.for_customer(dairy.settings),
        customer_id=dairy.customer.id,
    )
    assert [t.effective_from for t in terms(session, subscription)] == [day(-10), TOMORROW]
    clock.freeze(AFTER_CUTOFF)
    change_service.change_subscription(
        session,
        subscription.id,
        SubscriptionUpdate(quantity=5),
        ACTOR,
        cutoff.for_customer(dairy.settings),
    )
    assert [t.effective_from for t in terms(session, subscription)] == [day(-10), TOMORROW, day(2)]


def test_a_quantity_change_keeps_the_rhythm_a_schedule_change_restarts_it(
    session: Session, dairy: Dairy
) -> None:
    # Alternate days from day -10: delivers on even offsets from TODAY.
    subscription = started(session, dairy, {"kind": "alternate_days", "quantity": 1})
    assert plan_quantities(session, subscription, 0, 4) == [1, 0, 1, 0]
    change(session, dairy, subscription, effective_from=day(1).isoformat(), quantity=2)
    assert plan_quantities(session, subscription, 0, 4) == [1, 0, 2, 0]
    change(
        session,
        dairy,
        subscription,
        effective_from=day(3).isoformat(),
        schedule={"kind": "alternate_days", "quantity": 2},
    )
    assert plan_quantities(session, subscription, 0, 6) == [1, 0, 2, 2, 0, 2]


def test_a_quantity_alone_cannot_change_a_weekdays_schedule(session: Session, dairy: Dairy) -> None:
    subscription = started(session, dairy, {"kind": "weekdays", "quantities": {"mon": 1}})
    refused("quantity_needs_schedule", change, session, dairy, subscription, quantity=2)
    assert len(terms(session, subscription)) == 1


def test_a_change_reaches_terms_planned_after_it(session: Session, dairy: Dairy) -> None:
    """A product switch planned for day 10, then a quantity change from day 5: from day 10 on
    the customer gets the new product in the new quantity."""
    subscription = started(session, dairy, {"kind": "daily", "quantity": 1})
    change(
        session, dairy, subscription, effective_from=day(10).isoformat(), product_id=dairy.curd.id
    )
    change(session, dairy, subscription, effective_from=day(5).isoformat(), quantity=3)
    rows = terms(session, subscription)
    assert [(r.effective_from, r.product_id, r.quantity) for r in rows] == [
        (day(-10), dairy.milk.id, 1),
        (day(5), dairy.milk.id, 3),
        (day(10), dairy.curd.id, 3),
    ]
    # Changing the product back from day 5 makes the day-10 terms no change at all.
    change(
        session, dairy, subscription, effective_from=day(5).isoformat(), product_id=dairy.milk.id
    )
    assert [(r.effective_from, r.product_id) for r in terms(session, subscription)] == [
        (day(-10), dairy.milk.id),
        (day(5), dairy.milk.id),
    ]


def test_change_refusals(session: Session, dairy: Dairy) -> None:
    subscription = started(session, dairy, {"kind": "daily", "quantity": 1})
    customer = cutoff.for_customer(dairy.settings)

    def as_customer(**body: Any) -> None:
        change_service.change_subscription(
            session, subscription.id, SubscriptionUpdate.model_validate(body), ACTOR, customer
        )

    events = audit_count(session)
    refused("cutoff_passed", as_customer, effective_from=TODAY.isoformat(), quantity=2)
    refused("cutoff_passed", as_customer, end_date=day(-1).isoformat())
    refused("end_before_start", as_customer, end_date=day(-11).isoformat())
    refused("nothing_to_change", as_customer, effective_from=day(3).isoformat())
    change(session, dairy, subscription, end_date=day(3).isoformat())
    refused("effective_after_end", as_customer, effective_from=day(4).isoformat(), quantity=2)
    refused("product_not_found", as_customer, product_id=424242)
    refused(
        "subscription_not_found",
        change_service.change_subscription,
        session,
        subscription.id,
        SubscriptionUpdate(quantity=2),
        ACTOR,
        customer,
        customer_id=dairy.neighbour.id,
    )
    assert audit_count(session) == events + 1  # only the end date change
    with pytest.raises(ValidationError):
        SubscriptionUpdate.model_validate({"quantity": 0})
    with pytest.raises(ValidationError):
        SubscriptionUpdate.model_validate(
            {"quantity": 2, "schedule": {"kind": "daily", "quantity": 1}}
        )


def test_ending_and_moving_the_start(session: Session, dairy: Dairy) -> None:
    subscription = factories.subscription(
        session,
        customer=dairy.customer,
        product=dairy.milk,
        start=day(5),
        schedule={"kind": "every_n_days", "n": 3, "quantity": 1},
    )
    change(
        session, dairy, subscription, start_date=day(7).isoformat(), end_date=day(20).isoformat()
    )
    [row] = terms(session, subscription)
    assert (subscription.start_date, subscription.end_date) == (day(7), day(20))
    assert (row.effective_from, row.anchor_date) == (day(7), day(7))
    change(session, dairy, subscription, end_date=None)
    assert subscription.end_date is None


# --- pauses ---------------------------------------------------------------------------------


def pause(
    session: Session,
    dairy: Dairy,
    start: int,
    end: int | None,
    subscription: Subscription | None = None,
    window: cutoff.Window | None = None,
) -> Pause:
    return change_service.create_pause(
        session,
        PauseCreate(
            start_date=day(start), end_date=day(end) if end is not None else None, reason="away"
        ),
        ACTOR,
        window or dairy.staff(),
        customer_id=dairy.customer.id,
        subscription_id=subscription.id if subscription else None,
    )


def test_pauses_of_the_same_deliveries_never_overlap(session: Session, dairy: Dairy) -> None:
    milk = started(session, dairy, {"kind": "daily", "quantity": 1})
    curd = factories.subscription(
        session, customer=dairy.customer, product=dairy.curd, start=day(-3)
    )
    pause(session, dairy, 3, 6, milk)
    pause(session, dairy, 4, 5, curd)  # another subscription: fine
    pause(session, dairy, 7, 8, milk)  # right after: fine
    pauses, events = count(session, Pause), audit_count(session)
    refused("pause_overlaps", pause, session, dairy, 6, 9, milk)  # shares day 6
    refused("pause_overlaps", pause, session, dairy, 1, None, milk)  # open-ended over it
    refused("pause_overlaps", pause, session, dairy, 5, 5)  # customer-wide over both
    pause(session, dairy, 9, None)  # customer-wide from day 9, until resumed
    refused("pause_overlaps", pause, session, dairy, 30, 31, curd)
    refused("end_before_start", pause, session, dairy, 3, 2, curd)
    assert (count(session, Pause), audit_count(session)) == (pauses + 1, events + 1)


def test_resume_by_setting_the_end_date(session: Session, dairy: Dairy) -> None:
    started(session, dairy, {"kind": "daily", "quantity": 1})
    clock.freeze(clock.now() - dt.timedelta(days=5))
    vacation = pause(session, dairy, -3, None)  # since day -3, open-ended
    clock.freeze(clock.now() + dt.timedelta(days=5))
    customer = cutoff.for_customer(dairy.settings)
    # Resuming so that today is delivered is too late for the customer ...
    refused(
        "cutoff_passed",
        change_service.update_pause,
        session,
        vacation.id,
        PauseUpdate(end_date=day(-1)),
        ACTOR,
        customer,
    )
    # ... deliveries from tomorrow on are fine.
    change_service.update_pause(session, vacation.id, PauseUpdate(end_date=TODAY), ACTOR, customer)
    assert vacation.end_date == TODAY
    refused("pause_started", change_service.delete_pause, session, vacation.id, ACTOR, customer)
    planned = pause(session, dairy, 4, 6)
    change_service.delete_pause(session, planned.id, ACTOR, customer)
    assert session.get(Pause, planned.id) is None


def test_a_customer_cannot_pause_from_a_locked_date(session: Session, dairy: Dairy) -> None:
    started(session, dairy, {"kind": "daily", "quantity": 1})
    clock.freeze(AFTER_CUTOFF)
    error = refused(
        "cutoff_passed", pause, session, dairy, 1, 3, window=cutoff.for_customer(dairy.settings)
    )
    assert "22:00" in error.detail
    assert str(day(2).day) in error.detail


# --- overrides ------------------------------------------------------------------------------


def test_overrides_set_replace_and_clear(session: Session, dairy: Dairy) -> None:
    subscription = started(session, dairy, {"kind": "alternate_days", "quantity": 1})
    window = dairy.staff()
    change_service.set_override(session, subscription.id, day(1), 3, ACTOR, window)  # an off day
    change_service.set_override(session, subscription.id, day(2), 0, ACTOR, window)  # skip
    change_service.set_override(session, subscription.id, day(1), 2, ACTOR, window)  # replace
    assert {
        (o.delivery_date, o.quantity) for o in queries.list_overrides(session, subscription.id)
    } == {
        (day(1), 2),
        (day(2), 0),
    }
    change_service.clear_override(session, subscription.id, day(2), ACTOR, window)
    refused(
        "override_not_found",
        change_service.clear_override,
        session,
        subscription.id,
        day(2),
        ACTOR,
        window,
    )
    assert count(session, Override) == 1


def test_override_refusals(session: Session, dairy: Dairy) -> None:
    subscription = factories.subscription(
        session, customer=dairy.customer, product=dairy.milk, start=day(1), end=day(9)
    )
    window = cutoff.for_customer(dairy.settings)
    refused(
        "date_outside_subscription",
        change_service.set_override,
        session,
        subscription.id,
        day(0),
        2,
        ACTOR,
        window,
    )
    refused(
        "date_outside_subscription",
        change_service.set_override,
        session,
        subscription.id,
        day(10),
        2,
        ACTOR,
        window,
    )
    clock.freeze(AFTER_CUTOFF)
    refused(
        "cutoff_passed",
        change_service.set_override,
        session,
        subscription.id,
        day(1),
        2,
        ACTOR,
        cutoff.for_customer(dairy.settings),
    )
    assert count(session, Override) == 0
