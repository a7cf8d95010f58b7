"""Where a customer's door is: proposed from a delivery boy's phone at the stop ("this stop is
here"), approved (or rejected) by the owner, or set by the owner directly.

Rules: a delivery boy proposes locations only for the customers of the routes he walks today;
a new proposal replaces one still waiting; only an approved location counts (the stop order
and the proof of delivery measure from it). Every change is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit import service as audit
from milkrun.customers import queries
from milkrun.customers.errors import (
    InvalidLocation,
    NoProposedLocation,
    StopNotInScope,
    UnknownCustomer,
)
from milkrun.customers.models import Customer
from milkrun.customers.schemas import LocationProposal, LocationSet
from milkrun.routing import queries as routing_queries

FIELDS = (
    "latitude",
    "longitude",
    "proposed_latitude",
    "proposed_longitude",
    "proposed_accuracy_m",
    "proposed_by_user_id",
    "proposed_at",
)


def _snapshot(customer: Customer) -> dict[str, Any]:
    return {name: getattr(customer, name) for name in FIELDS}


def _record(
    session: Session, actor: audit.Actor, action: str, customer: Customer, before: dict[str, Any]
) -> None:
    session.flush()
    audit.record(
        session,
        actor,
        action,
        "customer",
        customer.id,
        before=before,
        after=_snapshot(customer),
        customer_id=customer.id,
    )


def propose(
    session: Session,
    data: LocationProposal,
    actor: audit.Actor,
    *,
    walker_id: int | None,
    today: dt.date,
) -> Customer:
    """A location proposed for a customer's door. ``walker_id``: the delivery boy proposing, who
    may only do so for a customer of a route he walks ``today``; None for the owner."""
    customer = session.get(Customer, data.customer_id)
    if customer is None or not customer.is_active:
        raise UnknownCustomer(data.customer_id)
    if walker_id is not None:
        walked = {route.id for route in routing_queries.routes_walked_by(session, walker_id, today)}
        if customer.route_id not in walked:
            raise StopNotInScope(
                f"Customer {customer.id} is not on a route you walk today",
            )
    before = _snapshot(customer)
    customer.proposed_latitude = data.latitude
    customer.proposed_longitude = data.longitude
    customer.proposed_accuracy_m = data.accuracy_m
    customer.proposed_by_user_id = actor.user_id
    customer.proposed_at = clock.now()
    _record(session, actor, "customer.location.propose", customer, before)
    return customer


def _clear_proposal(customer: Customer) -> None:
    customer.proposed_latitude = None
    customer.proposed_longitude = None
    customer.proposed_accuracy_m = None
    customer.proposed_by_user_id = None
    customer.proposed_at = None


def approve(session: Session, customer_id: int, actor: audit.Actor) -> Customer:
    """The owner accepts the proposed location: it becomes the customer's location."""
    customer = queries.get_customer(session, customer_id)
    if customer.proposed_latitude is None or customer.proposed_longitude is None:
        raise NoProposedLocation(f"Customer {customer_id} has no location waiting for approval")
    before = _snapshot(customer)
    customer.latitude = customer.proposed_latitude
    customer.longitude = customer.proposed_longitude
    _clear_proposal(customer)
    _record(session, actor, "customer.location.approve", customer, before)
    return customer


def reject(session: Session, customer_id: int, actor: audit.Actor) -> Customer:
    """The owner turns the proposed location down; the customer's location stays as it was."""
    customer = queries.get_customer(session, customer_id)
    if customer.proposed_latitude is None:
        raise NoProposedLocation(f"Customer {customer_id} has no location waiting for approval")
    before = _snapshot(customer)
    _clear_proposal(customer)
    _record(session, actor, "customer.location.reject", customer, before)
    return customer


def set_location(
    session: Session, customer_id: int, data: LocationSet, actor: audit.Actor
) -> Customer:
    """The owner sets (or, with nulls, forgets) the customer's location; a proposal waiting
    stays waiting. Latitude and longitude go together."""
    customer = queries.get_customer(session, customer_id)
    if (data.latitude is None) != (data.longitude is None):
        raise InvalidLocation("Give both latitude and longitude, or neither")
    if (customer.latitude, customer.longitude) == (data.latitude, data.longitude):
        return customer
    before = _snapshot(customer)
    customer.latitude = data.latitude
    customer.longitude = data.longitude
    _record(session, actor, "customer.location.set", customer, before)
    return customer


def proposals(session: Session, route_id: int | None = None) -> Sequence[Customer]:
    """Active customers with a location waiting for approval (of one route), oldest first."""
    statement = select(Customer).where(Customer.is_active, Customer.proposed_latitude.is_not(None))
    if route_id is not None:
        statement = statement.where(Customer.route_id == route_id)
    return session.scalars(statement.order_by(Customer.proposed_at, Customer.id)).all()
