"""The demo dairy's subscriptions and order book: every kind of schedule, a few vacations and
day changes, one-time orders, and the orders of the last 30 days and of tomorrow.

Idempotent: a customer that has a subscription already is left as it is, and a date that has
been materialized is not materialized again. Written through the services (the history window:
the demo reaches into the past), so it obeys every rule.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from milkrun import cutoff
from milkrun.audit.service import Actor
from milkrun.catalog import queries as catalog_queries
from milkrun.config import Settings
from milkrun.customers.models import Customer
from milkrun.orders import changes, generate
from milkrun.orders import service as order_service
from milkrun.orders.schemas import OrderCreate
from milkrun.routing.models import Route
from milkrun.subscriptions.models import Subscription
from milkrun.subscriptions.schemas import PauseCreate, SubscriptionCreate, SubscriptionUpdate

HISTORY_DAYS = 30


def _product(session: Session, sku: str) -> int:
    product = catalog_queries.product_by_sku(session, sku)
    assert product is not None, sku
    return product.id


def _schedule(n: int, rng: random.Random) -> dict[str, Any]:
    """Every kind of schedule, in turn."""
    quantity = rng.choice((1, 1, 2))
    kind = n % 4
    if kind == 0:
        return {"kind": "daily", "quantity": quantity}
    if kind == 1:
        return {"kind": "alternate_days", "quantity": quantity}
    if kind == 2:
        return {"kind": "every_n_days", "n": rng.choice((3, 4)), "quantity": quantity}
    days = rng.sample(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), rng.randint(3, 5))
    return {"kind": "weekdays", "quantities": {d: rng.choice((1, 1, 2)) for d in days}}


class _Seeder:
    """Writes one customer's subscriptions, pauses, day changes and one-time orders."""

    def __init__(self, session: Session, today: dt.date, settings: Settings) -> None:
        self.session = session
        self.today = today
        self.actor = Actor.system("demo seed", channel="cli")
        self.window = cutoff.for_history(settings)
        self.start = today - dt.timedelta(days=HISTORY_DAYS + 15)

    def on(self, offset: int) -> dt.date:
        return self.today + dt.timedelta(days=offset)

    def subscribe(
        self,
        customer: Customer,
        shift: str,
        product_id: int,
        schedule: dict[str, Any],
        *,
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> int:
        data = SubscriptionCreate.model_validate(
            {
                "customer_id": customer.id,
                "product_id": product_id,
                "shift": shift,
                "start_date": start or self.start,
                "end_date": end,
                "schedule": schedule,
            }
        )
        return changes.create_subscription(self.session, data, self.actor, self.window).id

    def switch(self, subscription_id: int, product_id: int, offset: int) -> None:
        changes.change_subscription(
            self.session,
            subscription_id,
            SubscriptionUpdate(effective_from=self.on(offset), product_id=product_id),
            self.actor,
            self.window,
        )

    def pause(
        self, customer: Customer, first: int, last: int | None, subscription_id: int | None = None
    ) -> None:
        changes.create_pause(
            self.session,
            PauseCreate(
                start_date=self.on(first),
                end_date=self.on(last) if last is not None else None,
                reason="vacation" if subscription_id is None else "not needed for now",
            ),
            self.actor,
            self.window,
            customer_id=customer.id,
            subscription_id=subscription_id,
        )

    def override(self, subscription_id: int, offset: int, quantity: int) -> None:
        changes.set_override(
            self.session, subscription_id, self.on(offset), quantity, self.actor, self.window
        )

    def order(self, customer: Customer, product_id: int, offset: int, quantity: int = 1) -> None:
        data = OrderCreate(
            customer_id=customer.id,
            product_id=product_id,
            delivery_date=self.on(offset),
            quantity=quantity,
        )
        order_service.create_one_time_order(self.session, data, self.actor, self.window)


def seed_order_book(session: Session, *, today: dt.date, settings: Settings) -> None:
    seeder = _Seeder(session, today, settings)
    rng = random.Random(303)
    milk, full_cream = _product(session, "TM500"), _product(session, "FC1000")
    curd, bread = _product(session, "CURD500"), _product(session, "BREAD400")
    paneer, eggs = _product(session, "PANEER200"), _product(session, "EGG6")
    ghee = _product(session, "GHEE500")

    customers = session.execute(
        select(Customer, Route.shift)
        .join(Route, Route.id == Customer.route_id)
        .where(Customer.is_active, ~exists().where(Subscription.customer_id == Customer.id))
        .order_by(Customer.id)
    ).all()
    for n, (customer, shift) in enumerate(customers):
        main = seeder.subscribe(
            customer, shift, full_cream if n % 6 == 5 else milk, _schedule(n, rng)
        )
        if n % 5 == 0:
            seeder.subscribe(
                customer, shift, curd, {"kind": "weekdays", "quantities": {"sat": 1, "sun": 1}}
            )
        if n % 9 == 4:  # starts later this week
            seeder.subscribe(
                customer,
                shift,
                bread,
                {"kind": "alternate_days", "quantity": 1},
                start=seeder.on(3),
            )
        if n % 13 == 7:  # stopped a while ago
            seeder.subscribe(
                customer, shift, eggs, {"kind": "daily", "quantity": 1}, end=seeder.on(-10)
            )
        if n % 10 == 7:  # switching to full cream next week
            seeder.switch(main, full_cream, 7)
        if n % 12 == 5:
            seeder.pause(customer, -12, -8)  # a vacation last week and a half
        if n % 15 == 2:
            seeder.pause(customer, 2, 6)  # a vacation coming up
        if n == 9:
            seeder.pause(customer, -3, None, main)  # paused until resumed
        if n % 7 == 3:
            seeder.override(main, 1, 3)  # guests tomorrow
        if n % 9 == 1:
            seeder.override(main, -5, 0)  # skipped a day last week
        if n % 8 == 1:
            seeder.order(customer, paneer, 1)
        if n % 11 == 3:  # a jar of ghee every Sunday (12 % GST)
            seeder.subscribe(customer, shift, ghee, {"kind": "weekdays", "quantities": {"sun": 1}})
        if n % 8 == 3:  # paneer for a party two weeks ago (5 % GST)
            seeder.order(customer, paneer, -16, 2)
        if n % 10 == 6:
            seeder.order(customer, eggs, -7, 2)

    # The order book: the last 30 days, today and tomorrow (what the scheduler would have made).
    for offset in range(-HISTORY_DAYS, 2):
        generate.materialize_if_missing(session, seeder.on(offset), seeder.actor, trigger="demo")
