"""Plain typed factories, one per kind of record; they flush, never commit."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from milkrun import cutoff
from milkrun.audit.service import Actor
from milkrun.auth import service as auth_service
from milkrun.auth import tokens
from milkrun.auth.models import User
from milkrun.auth.schemas import UserCreate
from milkrun.catalog import service as catalog_service
from milkrun.catalog.models import Product
from milkrun.catalog.schemas import ProductCreate
from milkrun.config import Settings
from milkrun.customers import logins as customer_logins
from milkrun.customers.models import Customer
from milkrun.customers.schemas import CustomerCreate
from milkrun.cutoff import Window
from milkrun.orders import changes
from milkrun.orders import service as order_service
from milkrun.orders.models import Order
from milkrun.orders.schemas import OrderCreate
from milkrun.routing import service as routing_service
from milkrun.routing.models import Route, Shift
from milkrun.routing.schemas import RouteCreate
from milkrun.subscriptions.models import Override, Pause, Subscription
from milkrun.subscriptions.schemas import PauseCreate, SubscriptionCreate

PASSWORD = "correct-horse-battery"
SECRET = "test-secret-key-that-is-long-enough-0123456789"
ACTOR = Actor.system("tests", channel="test")
_serial = itertools.count(1)


def phone() -> str:
    return f"+91987{next(_serial):07d}"


@dataclass
class Login:
    user: User
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def login(session: Session, user: User) -> Login:
    """A token for ``user`` that outlives any clock position of a day's tests (a test that
    freezes the clock on today's morning in Bengaluru may run late in the UTC evening, hours
    after the token was issued). Expiry itself is tested with tokens of its own."""
    return Login(user, tokens.issue_token(user, secret=SECRET, minutes=7 * 24 * 60))


def admin_user(session: Session, **kw: str) -> User:
    data = UserCreate(
        role="admin",
        name=kw.get("name", "Admin"),
        phone=kw.get("phone", phone()),
        password=PASSWORD,
    )
    return auth_service.create_staff(session, data, ACTOR)


def delivery_boy_user(session: Session, **kw: str) -> User:
    data = UserCreate(
        role="delivery_boy",
        name=kw.get("name", "Ravi"),
        phone=kw.get("phone", phone()),
        password=PASSWORD,
    )
    return auth_service.create_staff(session, data, ACTOR)


def route(
    session: Session,
    *,
    delivery_boy: User | None = None,
    shift: Shift = Shift.morning,
    name: str | None = None,
) -> Route:
    data = RouteCreate(
        name=name or f"Route {next(_serial)}",
        area="Indiranagar",
        shift=shift,
        delivery_boy_id=delivery_boy.id if delivery_boy else None,
    )
    return routing_service.create_route(session, data, ACTOR)


def customer(
    session: Session,
    *,
    route: Route | None = None,
    name: str = "Asha Iyer",
    phone_number: str | None = None,
) -> Customer:
    from milkrun.customers import service as customer_service

    data = CustomerCreate(
        name=name,
        phone=phone_number or phone(),
        address="12 MG Road",
        area="Indiranagar",
        route_id=route.id if route else None,
    )
    return customer_service.create_customer(session, data, ACTOR)


def customer_user(
    session: Session,
    *,
    route: Route | None = None,
    name: str = "Asha Iyer",
    phone_number: str | None = None,
) -> User:
    data = CustomerCreate(
        name=name,
        phone=phone_number or phone(),
        address="12 MG Road",
        area="Indiranagar",
        route_id=route.id if route else None,
    )
    user, _customer = customer_logins.register_customer(session, data, PASSWORD, ACTOR)
    return user


def product(
    session: Session,
    *,
    sku: str | None = None,
    price: str = "28.00",
    tax_rate: str = "0.00",
    since: dt.date = dt.date(2026, 1, 1),
) -> Product:
    data = ProductCreate(
        sku=sku or f"SKU{next(_serial)}",
        name="Toned milk",
        unit="500 ml pouch",
        tax_rate=Decimal(tax_rate),
        price=Decimal(price),
        effective_from=since,
    )
    return catalog_service.create_product(session, data, ACTOR, today=since)


# --- subscriptions and orders (issue 3) -------------------------------------------------------


def _history_window() -> Window:
    """Factories may write any date, past ones included (the cut-off is tested on its own)."""
    return cutoff.for_history(Settings(env="test", secret_key=SECRET))


def subscription(
    session: Session,
    *,
    customer: Customer | int,
    product: Product | int,
    start: dt.date = dt.date(2026, 1, 1),
    end: dt.date | None = None,
    schedule: dict[str, Any] | None = None,
    shift: Shift = Shift.morning,
) -> Subscription:
    """A subscription (daily, 1 unit unless ``schedule`` says), e.g.
    ``schedule={"kind": "weekdays", "quantities": {"mon": 2}}``."""
    data = SubscriptionCreate.model_validate(
        {
            "customer_id": customer if isinstance(customer, int) else customer.id,
            "product_id": product if isinstance(product, int) else product.id,
            "shift": shift,
            "start_date": start,
            "end_date": end,
            "schedule": schedule or {"kind": "daily", "quantity": 1},
        }
    )
    return changes.create_subscription(session, data, ACTOR, _history_window())


def pause(
    session: Session,
    *,
    customer_id: int,
    start: dt.date,
    end: dt.date | None = None,
    subscription_id: int | None = None,
    reason: str | None = "vacation",
) -> Pause:
    return changes.create_pause(
        session,
        PauseCreate(start_date=start, end_date=end, reason=reason),
        ACTOR,
        _history_window(),
        customer_id=customer_id,
        subscription_id=subscription_id,
    )


def override(session: Session, *, subscription_id: int, day: dt.date, quantity: int) -> Override:
    return changes.set_override(session, subscription_id, day, quantity, ACTOR, _history_window())


def one_time_order(
    session: Session,
    *,
    customer_id: int,
    product_id: int,
    day: dt.date,
    quantity: int = 1,
) -> Order:
    data = OrderCreate(
        customer_id=customer_id, product_id=product_id, delivery_date=day, quantity=quantity
    )
    return order_service.create_one_time_order(session, data, ACTOR, _history_window())
