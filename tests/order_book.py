"""A small dairy for the subscription and order-book tests, and the clock positions they use.

The business date is Tuesday 2026-12-01 in Asia/Kolkata; the customers' cut-off for Wednesday
2026-12-02 is 22:00 that evening.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun import clock, cutoff
from milkrun.audit.models import AuditEvent
from milkrun.auth import tokens
from milkrun.auth.models import User
from milkrun.catalog import service as catalog_service
from milkrun.catalog.models import Product
from milkrun.catalog.schemas import PriceCreate
from milkrun.config import Settings
from milkrun.customers.models import Customer
from milkrun.cutoff import Window
from milkrun.orders.models import Order
from milkrun.routing.models import Route, Shift
from tests import factories

IST = ZoneInfo("Asia/Kolkata")
TODAY = dt.date(2026, 12, 1)  # a Tuesday
TOMORROW = TODAY + dt.timedelta(days=1)
PRICE_RISE = dt.date(2026, 12, 5)  # toned milk goes from 28.00 to 30.00


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=IST)


MORNING = local(TODAY, 10)
BEFORE_CUTOFF = local(TODAY, 21, 59)
AFTER_CUTOFF = local(TODAY, 22, 1)


def day(n: int) -> dt.date:
    """The date ``n`` days after TODAY."""
    return TODAY + dt.timedelta(days=n)


@dataclass
class Dairy:
    settings: Settings
    route: Route
    customer: Customer
    neighbour: Customer
    milk: Product  # 28.00, 30.00 from PRICE_RISE
    curd: Product  # 35.00

    def staff(self) -> Window:
        return cutoff.for_staff(self.settings)

    def customer_window(self) -> Window:
        return cutoff.for_customer(self.settings)


def make_dairy(session: Session, settings: Settings) -> Dairy:
    clock.freeze(MORNING)
    route = factories.route(session, shift=Shift.morning)
    customer = factories.customer(session, route=route)
    neighbour = factories.customer(session, route=route, name="Ravi Shankar")
    milk = factories.product(session, price="28.00")
    catalog_service.add_price(
        session,
        milk.id,
        PriceCreate(price=Decimal("30.00"), effective_from=PRICE_RISE),
        factories.ACTOR,
    )
    curd = factories.product(session, price="35.00")
    return Dairy(settings, route, customer, neighbour, milk, curd)


def orders_of(session: Session, on: dt.date, *, status: str | None = None) -> dict[int, int]:
    """{subscription_id: quantity} of the subscription orders of a date (any open status)."""
    statement = select(Order.subscription_id, Order.quantity).where(
        Order.delivery_date == on, Order.subscription_id.is_not(None)
    )
    statement = statement.where(Order.status == (status or "scheduled"))
    return {sid: qty for sid, qty in session.execute(statement) if sid is not None}


def audit_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


@dataclass
class Shop:
    """The dairy with logins: an admin, a customer (``me``) and another customer, with tokens
    that outlive any clock position the tests use."""

    dairy: Dairy
    admin: factories.Login
    me: factories.Login
    other: factories.Login

    @property
    def me_id(self) -> int:
        assert self.me.user.customer_id is not None
        return self.me.user.customer_id

    @property
    def other_id(self) -> int:
        assert self.other.user.customer_id is not None
        return self.other.user.customer_id


def _login(user: User) -> factories.Login:
    token = tokens.issue_token(user, secret=factories.SECRET, minutes=7 * 24 * 60)
    return factories.Login(user, token)


def make_shop(session: Session, settings: Settings) -> Shop:
    dairy = make_dairy(session, settings)
    return Shop(
        dairy=dairy,
        admin=_login(factories.admin_user(session)),
        me=_login(factories.customer_user(session, route=dairy.route)),
        other=_login(factories.customer_user(session, route=dairy.route, name="Meera Nair")),
    )
