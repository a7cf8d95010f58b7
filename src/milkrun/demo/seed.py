"""Seed the demo dairy through the same services the API uses, so it obeys every rule.

Idempotent: every record is found by its natural key (email, phone, SKU, route name) first, so
seeding twice leaves one dairy.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.audit.service import Actor
from milkrun.auth import queries as auth_queries
from milkrun.auth import service as auth_service
from milkrun.auth.models import User
from milkrun.auth.schemas import UserCreate
from milkrun.catalog import queries as catalog_queries
from milkrun.catalog import service as catalog_service
from milkrun.catalog.schemas import ProductCreate, TaxRateCreate
from milkrun.config import Settings, get_settings
from milkrun.customers import logins as customer_logins
from milkrun.customers import queries as customer_queries
from milkrun.customers.schemas import CustomerCreate
from milkrun.demo.billing import seed_billing
from milkrun.demo.counter import seed_counter
from milkrun.demo.deliveries import seed_delivery_day
from milkrun.demo.delivery_round import seed_delivery_round
from milkrun.demo.hubs import seed_hubs
from milkrun.demo.locations import seed_locations
from milkrun.demo.order_book import seed_order_book
from milkrun.demo.wallets import seed_wallets
from milkrun.routing import queries as routing_queries
from milkrun.routing import service as routing_service
from milkrun.routing.schemas import RouteCreate
from milkrun.wallets.generation import threshold_of

ADMIN_EMAIL = "admin@demo.milkrun.in"
ADMIN_PASSWORD = "demo-admin-2026"  # noqa: S105 (the demo's published login)
STAFF_PASSWORD = "demo-staff-2026"  # noqa: S105
CUSTOMER_PASSWORD = "demo-customer-2026"  # noqa: S105

DELIVERY_BOYS = [
    ("Ravi Kumar", "+919000000001"),
    ("Suresh Gowda", "+919000000002"),
    ("Manjunath R", "+919000000003"),
]
ROUTES = [
    ("Indiranagar North", "Indiranagar", "morning", 0),
    ("Koramangala East", "Koramangala", "morning", 1),
    ("HSR Evening", "HSR Layout", "evening", 2),
]
# (sku, name, unit, GST rate %, tax-inclusive price, HSN code): milk, loose curd, bread and
# eggs are nil-rated; paneer 5 %, ghee 12 %.
PRODUCTS = [
    ("TM500", "Toned milk", "500 ml pouch", "0.00", "28.00", "0401"),
    ("FC1000", "Full cream milk", "1 l glass bottle", "0.00", "68.00", "0401"),
    ("CURD500", "Curd", "500 g cup", "0.00", "35.00", "0403"),
    ("PANEER200", "Paneer", "200 g pack", "5.00", "90.00", "0406"),
    ("BREAD400", "Whole wheat bread", "400 g loaf", "0.00", "45.00", "1905"),
    ("EGG6", "Farm eggs", "pack of 6", "0.00", "48.00", "0407"),
    ("GHEE500", "Cow ghee", "500 ml jar", "12.00", "340.00", "0405"),
]
GHEE_GST_CUT = "5.00"
# Demo customers who run a business and gave their GSTIN (their bills are B2B).
REGISTERED = {3: "29AAGFU5055K1ZO", 14: "29AAJCS2318M1Z2"}
FIRST_NAMES = [
    "Asha",
    "Priya",
    "Rahul",
    "Kiran",
    "Deepa",
    "Arjun",
    "Lakshmi",
    "Vikram",
    "Meera",
    "Anil",
    "Sunita",
    "Rohan",
    "Kavya",
    "Sanjay",
    "Divya",
    "Nikhil",
    "Pooja",
    "Harish",
    "Revathi",
    "Manoj",
]
LAST_NAMES = [
    "Iyer",
    "Sharma",
    "Reddy",
    "Nair",
    "Rao",
    "Gowda",
    "Menon",
    "Patil",
    "Hegde",
    "Kulkarni",
    "Shetty",
    "Pillai",
    "Bhat",
    "Desai",
    "Joshi",
]
STREETS = {
    "Indiranagar": ["12th Main", "CMH Road", "100 Feet Road", "Double Road", "HAL 2nd Stage"],
    "Koramangala": ["80 Feet Road", "5th Block", "Jyoti Nivas Road", "1st Cross", "Sony Signal"],
    "HSR Layout": ["27th Main", "Sector 2", "Agara Road", "14th Cross", "Sector 7"],
}
CUSTOMERS = 60
# The languages customers read their page, bill and messages in: about half English, the rest
# Hindi or Kannada (the first three, whose logins the README gives, start in English).
DEMO_LANGUAGES = ("en", "kn", "hi", "en", "kn", "en")


def _language_of(n: int) -> str:
    return "en" if n < 3 else DEMO_LANGUAGES[n % len(DEMO_LANGUAGES)]


@dataclass
class Logins:
    admin: tuple[str, str]
    delivery_boys: list[tuple[str, str, str]] = field(default_factory=list)
    customers: list[tuple[str, str, str]] = field(default_factory=list)
    # The token of today's shared delivery link for the first route (its URL: /l/<token>).
    link_token: str | None = None
    # The manager limited to the Jayanagar hub (milkrun.demo.hubs).
    hub_admin: tuple[str, str] | None = None


def _staff(session: Session, actor: Actor, name: str, phone: str) -> User:
    user = auth_queries.user_by_username(session, phone)
    if user is None:
        user = auth_service.create_staff(
            session,
            UserCreate(role="delivery_boy", name=name, phone=phone, password=STAFF_PASSWORD),
            actor,
        )
    return user


def seed(session: Session, *, today: dt.date, settings: Settings | None = None) -> Logins:
    settings = settings or get_settings()
    actor = Actor.system("demo seed", channel="cli")
    if auth_queries.user_by_username(session, ADMIN_EMAIL) is None:
        auth_service.create_admin(
            session,
            name="Priya (owner)",
            email=ADMIN_EMAIL,
            phone="+919000000000",
            password=ADMIN_PASSWORD,
            actor=actor,
        )
    logins = Logins(admin=(ADMIN_EMAIL, ADMIN_PASSWORD))

    boys = [_staff(session, actor, name, phone) for name, phone in DELIVERY_BOYS]
    for user in boys:
        logins.delivery_boys.append((user.name, user.phone or "", STAFF_PASSWORD))

    routes = []
    for name, area, shift, boy in ROUTES:
        route = routing_queries.route_by_name(session, name)
        if route is None:
            route = routing_service.create_route(
                session,
                RouteCreate(name=name, area=area, shift=shift, delivery_boy_id=boys[boy].id),
                actor,
            )
        routes.append(route)

    for sku, name, unit, tax, price, hsn in PRODUCTS:
        if catalog_queries.product_by_sku(session, sku) is None:
            catalog_service.create_product(
                session,
                ProductCreate(
                    sku=sku,
                    name=name,
                    unit=unit,
                    tax_rate=Decimal(tax),
                    hsn_code=hsn,
                    price=Decimal(price),
                    effective_from=today - dt.timedelta(days=365),
                ),
                actor,
                today=today,
            )
    ghee = catalog_queries.product_by_sku(session, "GHEE500")
    if ghee is not None and not catalog_queries.tax_rate_history(session, ghee.id):
        # The GST cut on ghee, entered ahead of the month it starts in (the product page).
        next_month = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        catalog_service.add_tax_rate(
            session,
            ghee.id,
            TaxRateCreate(tax_rate=Decimal(GHEE_GST_CUT), effective_from=next_month),
            actor,
        )

    rng = random.Random(2026)
    for n in range(CUSTOMERS):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        route = routes[n % len(routes)]
        phone = f"+9198450{10001 + n:05d}"
        street = rng.choice(STREETS[route.area])
        address = f"{rng.randint(1, 240)}, {street}, {route.area}, Bengaluru"
        if customer_queries.active_customer_with_phone(session, phone) is None:
            customer_logins.register_customer(
                session,
                CustomerCreate(
                    name=f"{first} {last}",
                    phone=phone,
                    address=address,
                    area=route.area,
                    email=f"{first}.{last}{n + 1}@example.in".lower(),
                    route_id=route.id,
                    gstin=REGISTERED.get(n),
                ),
                CUSTOMER_PASSWORD,
                actor,
                language=_language_of(n),
            )
        if n < 3:
            logins.customers.append((f"{first} {last}", phone, CUSTOMER_PASSWORD))
    session.flush()
    _number_stops(session)
    seed_locations(session, actor, today)
    seed_order_book(session, today=today, settings=settings)
    logins.hub_admin = seed_hubs(
        session,
        today=today,
        settings=settings,
        first_customer_phone=logins.customers[0][1] if logins.customers else None,
    )
    # Last: the delivery day needs the customers, their stops and their subscriptions.
    owner = auth_queries.user_by_username(session, ADMIN_EMAIL)
    assert owner is not None
    logins.link_token = seed_delivery_day(
        session,
        today=today,
        admin=owner,
        secret=settings.secret_key.get_secret_value(),
        zone=settings.zone,
        settings=settings,
    )
    # Last month billed and paid: the first demo customer has credit, the second arrears.
    demo_customers = [
        customer_queries.active_customer_with_phone(session, phone)
        for _name, phone, _password in logins.customers[:2]
    ]
    credit, arrears = (c.id if c is not None else None for c in demo_customers)
    seed_billing(
        session,
        today=today,
        admin=owner,
        settings=settings,
        credit_customer_id=credit,
        arrears_customer_id=arrears,
    )
    # Bottles out with customers, cash at the door, yesterday's handover.
    no_cash = frozenset(c for c in (credit, arrears) if c is not None)
    seed_delivery_round(
        session,
        today=today,
        owner=owner,
        threshold_paise=threshold_of(settings),
        no_cash=no_cash,
    )
    # Three prepaid households, one running low (its tomorrow is held).
    seed_wallets(session, today=today, settings=settings)
    # A few walk-in sales at the counter today, one voided.
    seed_counter(session, today=today, settings=settings, actor=actor)
    return logins


def _number_stops(session: Session) -> None:
    """Give customers without a stop number the next numbers on their route, in id order."""
    from milkrun.customers.models import Customer

    customers = session.scalars(
        select(Customer)
        .where(Customer.route_id.is_not(None))
        .order_by(Customer.route_id, Customer.id)
    ).all()
    last: dict[int, int] = {}
    for customer in customers:
        assert customer.route_id is not None
        if customer.stop_sequence is not None:
            last[customer.route_id] = max(last.get(customer.route_id, 0), customer.stop_sequence)
    for customer in customers:
        assert customer.route_id is not None
        if customer.stop_sequence is None:
            last[customer.route_id] = last.get(customer.route_id, 0) + 1
            customer.stop_sequence = last[customer.route_id]
    session.flush()
