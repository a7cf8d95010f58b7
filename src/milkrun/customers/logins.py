"""A customer's login: sign-up (a customer and its login together), an admin adding a login to a
customer, and linking or unlinking one.

The login is an auth user; auth writes it. This module checks the customer side and audits the
whole, so auth never needs to know what a customer is.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from milkrun import languages
from milkrun.audit import service as audit
from milkrun.auth import service as auth_service
from milkrun.auth.models import User
from milkrun.customers import queries, service
from milkrun.customers.models import Customer
from milkrun.customers.schemas import CustomerCreate, RegisterRequest
from milkrun.routing import queries as routing_queries


def _login_of(session: Session, customer: Customer, password: str) -> User:
    """The customer's login: its usernames are the customer's phone and email."""
    return auth_service.new_customer_login(
        session,
        customer.id,
        name=customer.name,
        phone=customer.phone,
        email=customer.email,
        password=password,
    )


def register_customer(
    session: Session,
    data: CustomerCreate,
    password: str,
    actor: audit.Actor,
    *,
    language: str = languages.DEFAULT,
) -> tuple[User, Customer]:
    """A customer and its login, created together (self sign-up, or an admin with a login)."""
    customer = service.new_customer(session, data)
    customer.language = languages.supported(language) or languages.DEFAULT
    user = _login_of(session, customer, password)
    audit.record(
        session,
        actor,
        "customer.register" if actor.user_id is None else "customer.create",
        "customer",
        customer.id,
        after={**audit.snapshot(customer), "login": audit.snapshot(user)},
        customer_id=customer.id,
    )
    return user, customer


def self_register(
    session: Session, data: RegisterRequest, actor: audit.Actor, *, language: str = "en"
) -> tuple[User, Customer]:
    """Sign-up: placed on the route that serves its area or PIN code (``route_for_area``), or
    waiting for the owner to place it; in the language the sign-up page was read in."""
    route = routing_queries.route_for_area(session, data.area)
    customer = CustomerCreate(
        name=data.name,
        phone=data.phone,
        email=data.email,
        address=data.address,
        area=data.area,
        route_id=route.id if route is not None else None,
    )
    return register_customer(session, customer, data.password, actor, language=language)


def create_login(session: Session, customer_id: int, password: str, actor: audit.Actor) -> User:
    """A new login for a customer that has none."""
    customer = queries.get_customer(session, customer_id)
    user = _login_of(session, customer, password)
    audit.record(
        session,
        actor,
        "login.create",
        "user",
        user.id,
        after=audit.snapshot(user),
        customer_id=customer.id,
    )
    return user


def link_login(session: Session, customer_id: int, user_id: int, actor: audit.Actor) -> User:
    """Link an unlinked customer login to a customer that has none; linking enables it."""
    customer = queries.get_customer(session, customer_id)
    return auth_service.attach_to_customer(session, user_id, customer.id, actor)


def unlink_login(session: Session, customer_id: int, actor: audit.Actor) -> User:
    """Detach a customer's login; the detached login is disabled until linked again."""
    queries.get_customer(session, customer_id)
    return auth_service.detach_from_customer(session, customer_id, actor)
