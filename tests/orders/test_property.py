"""Materialization (set-based SQL) agrees with the rules (plain Python) on random dairies.

Hypothesis draws subscriptions of every kind with future-dated changes, pauses (of one
subscription or customer-wide, ranges or open-ended) and overrides over 90 days. They are
written through the services; a few dates are materialized *before* the changes (so the changes
re-sync them) and the rest after. Every date's scheduled orders must then be exactly what
``subscriptions.schedule.due_quantity`` says, evaluated on a plan the test builds on its own,
with the product, price, shift and route of that date. Materializing again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun import clock, cutoff
from milkrun.catalog import service as catalog_service
from milkrun.catalog.schemas import PriceCreate
from milkrun.config import Settings
from milkrun.errors import Conflict
from milkrun.orders import changes as change_service
from milkrun.orders import generate
from milkrun.orders.models import Order
from milkrun.routing.models import Shift
from milkrun.subscriptions.models import WEEKDAYS, ScheduleKind
from milkrun.subscriptions.schedule import PauseSpan, Plan, Schedule, Terms, due_quantity
from milkrun.subscriptions.schemas import PauseCreate, SubscriptionCreate, SubscriptionUpdate
from tests import factories
from tests.factories import ACTOR
from tests.order_book import IST

START = dt.date(2026, 12, 1)
DAYS = 90
MATERIALIZED_BEFORE_CHANGES = (0, 1, 2, 31, 60)


def on(offset: int) -> dt.date:
    return START + dt.timedelta(days=offset)


# --- what hypothesis draws --------------------------------------------------------------------

quantities = st.integers(1, 3)
schedules = st.one_of(
    st.builds(lambda q: {"kind": "daily", "quantity": q}, quantities),
    st.builds(lambda q: {"kind": "alternate_days", "quantity": q}, quantities),
    st.builds(
        lambda n, q: {"kind": "every_n_days", "n": n, "quantity": q}, st.integers(2, 9), quantities
    ),
    st.builds(
        lambda qs: {"kind": "weekdays", "quantities": dict(zip(WEEKDAYS, qs, strict=True))},
        st.lists(st.integers(0, 2), min_size=7, max_size=7).filter(any),
    ),
)
changes = st.tuples(
    st.integers(0, DAYS - 1),
    st.one_of(
        st.tuples(st.just("schedule"), schedules),
        st.tuples(st.just("quantity"), st.integers(1, 4)),
        st.tuples(st.just("product"), st.integers(0, 1)),
    ),
)
subscriptions = st.fixed_dictionaries(
    {
        "customer": st.integers(0, 1),
        "product": st.integers(0, 1),
        "shift": st.sampled_from(["morning", "evening"]),
        "start": st.integers(0, 60),
        "length": st.none() | st.integers(0, DAYS),
        "schedule": schedules,
        "changes": st.lists(changes, max_size=3),
        "overrides": st.lists(st.tuples(st.integers(0, DAYS - 1), st.integers(0, 3)), max_size=4),
    }
)
pauses = st.tuples(
    st.integers(0, 1),  # customer
    st.none() | st.integers(0, 3),  # which of its subscriptions (None: all of them)
    st.integers(0, DAYS - 1),  # first day
    st.none() | st.integers(0, 20),  # length (None: until resumed)
)


# --- the test's own account of what was asked -------------------------------------------------


def schedule_value(raw: dict[str, Any]) -> Schedule:
    kind = ScheduleKind(raw["kind"])
    if kind == ScheduleKind.weekdays:
        return Schedule(kind, None, 1, tuple(raw["quantities"][d] for d in WEEKDAYS))
    interval = {"daily": 1, "alternate_days": 2}.get(raw["kind"], raw.get("n", 1))
    return Schedule(kind, raw["quantity"], interval)


@dataclass
class Expected:
    plans: dict[int, Plan] = field(default_factory=dict)
    pauses: list[PauseSpan] = field(default_factory=list)
    overrides: dict[int, dict[dt.date, int]] = field(default_factory=dict)


@dataclass
class World:
    settings: Settings
    customers: list[int]
    routes: dict[int, int]
    products: list[int]
    prices: dict[int, list[tuple[dt.date, int]]]

    def price(self, product_id: int, day: dt.date) -> int:
        return [paise for since, paise in self.prices[product_id] if since <= day][-1]


@pytest.fixture
def world(session: Session, settings: Settings) -> World:
    clock.freeze(dt.datetime.combine(START - dt.timedelta(days=1), dt.time(9), IST))
    routes = [factories.route(session, shift=Shift.morning), factories.route(session)]
    customers = [
        factories.customer(session, route=routes[0]),
        factories.customer(session, route=routes[1]),
    ]
    milk = factories.product(session, price="28.00")
    curd = factories.product(session, price="35.00")
    catalog_service.add_price(
        session, milk.id, PriceCreate(price=Decimal("31.00"), effective_from=on(20)), ACTOR
    )
    catalog_service.add_price(
        session, curd.id, PriceCreate(price=Decimal("40.00"), effective_from=on(45)), ACTOR
    )
    return World(
        settings=settings,
        customers=[c.id for c in customers],
        routes={c.id: r.id for c, r in zip(customers, routes, strict=True)},
        products=[milk.id, curd.id],
        prices={
            milk.id: [(dt.date(2026, 1, 1), 2800), (on(20), 3100)],
            curd.id: [(dt.date(2026, 1, 1), 3500), (on(45), 4000)],
        },
    )


def build(
    session: Session, world: World, drawn: list[dict[str, Any]], drawn_pauses: list[Any]
) -> Expected:
    window = cutoff.for_staff(world.settings)
    expected = Expected()
    created: list[tuple[int, dict[str, Any]]] = []
    for sub in drawn:
        start = on(sub["start"])
        end = start + dt.timedelta(days=sub["length"]) if sub["length"] is not None else None
        customer_id = world.customers[sub["customer"]]
        subscription = change_service.create_subscription(
            session,
            SubscriptionCreate.model_validate(
                {
                    "customer_id": customer_id,
                    "product_id": world.products[sub["product"]],
                    "shift": sub["shift"],
                    "start_date": start,
                    "end_date": end,
                    "schedule": sub["schedule"],
                }
            ),
            ACTOR,
            window,
        )
        first = Terms(
            start,
            world.products[sub["product"]],
            sub["shift"],
            schedule_value(sub["schedule"]),
            start,
        )
        expected.plans[subscription.id] = Plan(subscription.id, customer_id, start, end, (first,))
        created.append((subscription.id, sub))

    for offset in MATERIALIZED_BEFORE_CHANGES:
        generate.materialize(session, on(offset), ACTOR)

    # Future-dated changes, in date order; each builds on the terms in force before it.
    for subscription_id, sub in created:
        plan = expected.plans[subscription_id]
        terms = list(plan.terms)
        for offset, (what, value) in sorted(sub["changes"], key=lambda c: c[0]):
            effective = max(on(offset), plan.start_date)
            if plan.end_date is not None and effective > plan.end_date:
                continue
            current = [t for t in terms if t.effective_from <= effective][-1]
            if what == "schedule":
                new = Terms(
                    effective, current.product_id, current.shift, schedule_value(value), effective
                )
                body: dict[str, Any] = {"schedule": value}
            elif what == "quantity":
                if current.schedule.kind == ScheduleKind.weekdays:
                    continue
                schedule = Schedule(current.schedule.kind, value, current.schedule.interval_days)
                new = Terms(
                    effective, current.product_id, current.shift, schedule, current.anchor_date
                )
                body = {"quantity": value}
            else:
                product_id = world.products[value]
                new = Terms(
                    effective, product_id, current.shift, current.schedule, current.anchor_date
                )
                body = {"product_id": product_id}
            change_service.change_subscription(
                session,
                subscription_id,
                SubscriptionUpdate.model_validate({"effective_from": effective, **body}),
                ACTOR,
                window,
            )
            terms = [t for t in terms if t.effective_from < effective] + [new]
        expected.plans[subscription_id] = Plan(
            plan.subscription_id, plan.customer_id, plan.start_date, plan.end_date, tuple(terms)
        )

        for offset, quantity in sub["overrides"]:
            day = on(offset)
            if not plan.runs_on(day):
                continue
            change_service.set_override(session, subscription_id, day, quantity, ACTOR, window)
            expected.overrides.setdefault(subscription_id, {})[day] = quantity

    ids = list(expected.plans)
    for customer, which, first, length in drawn_pauses:
        customer_id = world.customers[customer]
        mine = [i for i in ids if expected.plans[i].customer_id == customer_id]
        paused_id = mine[which % len(mine)] if which is not None and mine else None
        start = on(first)
        end = start + dt.timedelta(days=length) if length is not None else None
        try:
            change_service.create_pause(
                session,
                PauseCreate(start_date=start, end_date=end),
                ACTOR,
                window,
                customer_id=customer_id,
                subscription_id=paused_id,
            )
        except Conflict:
            continue  # overlaps an earlier pause: refused, so not expected either
        expected.pauses.append(PauseSpan(customer_id, paused_id, start, end))
    return expected


def orders_on(session: Session, day: dt.date) -> dict[int, tuple[int, int, int, str, int | None]]:
    rows = session.execute(
        select(
            Order.subscription_id,
            Order.quantity,
            Order.product_id,
            Order.unit_price_paise,
            Order.shift,
            Order.route_id,
        ).where(Order.delivery_date == day, Order.status == "scheduled")
    )
    return {row[0]: tuple(row[1:]) for row in rows if row[0] is not None}  # type: ignore[misc]


def due_on(
    world: World, expected: Expected, day: dt.date
) -> dict[int, tuple[int, int, int, str, int | None]]:
    due: dict[int, tuple[int, int, int, str, int | None]] = {}
    for subscription_id, plan in expected.plans.items():
        quantity = due_quantity(
            plan, day, pauses=expected.pauses, overrides=expected.overrides.get(subscription_id)
        )
        if quantity > 0:
            terms = plan.terms_on(day)
            assert terms is not None
            due[subscription_id] = (
                quantity,
                terms.product_id,
                world.price(terms.product_id, day),
                terms.shift,
                world.routes[plan.customer_id],
            )
    return due


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    drawn=st.lists(subscriptions, min_size=1, max_size=4), drawn_pauses=st.lists(pauses, max_size=4)
)
def test_materialization_matches_the_rules(
    session: Session, world: World, drawn: list[dict[str, Any]], drawn_pauses: list[Any]
) -> None:
    savepoint = session.begin_nested()
    try:
        expected = build(session, world, drawn, drawn_pauses)
        for offset in range(DAYS):
            if offset not in MATERIALIZED_BEFORE_CHANGES:
                generate.materialize(session, on(offset), ACTOR)
        for offset in range(DAYS):
            day = on(offset)
            assert orders_on(session, day) == due_on(world, expected, day), day
        for offset in (0, 31, 89):
            again = generate.materialize(session, on(offset), ACTOR).counts
            assert not again.changed_anything, (on(offset), again)
    finally:
        savepoint.rollback()
