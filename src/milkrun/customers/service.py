"""Creating and changing customers."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from milkrun.audit import service as audit
from milkrun.customers import queries
from milkrun.customers.errors import PhoneTaken
from milkrun.customers.models import Customer
from milkrun.customers.schemas import CustomerCreate, CustomerUpdate
from milkrun.phones import normalize_phone
from milkrun.routing import queries as routing_queries


def _ensure_phone_free(session: Session, phone: str, *, except_id: int | None = None) -> None:
    """A phone is unique among active customers."""
    holder = queries.active_customer_with_phone(session, phone)
    if holder is not None and holder.id != except_id:
        raise PhoneTaken(
            f"Another active customer (#{holder.id}) already has the phone {phone}",
        )


def new_customer(session: Session, data: CustomerCreate) -> Customer:
    """Add a customer without auditing it: for use cases that audit the whole (registration)."""
    phone = normalize_phone(data.phone)
    _ensure_phone_free(session, phone)
    if data.route_id is not None:
        routing_queries.get_active_route(session, data.route_id)
    customer = Customer(
        name=data.name.strip(),
        phone=phone,
        email=str(data.email).lower() if data.email else None,
        address=data.address.strip(),
        area=data.area.strip(),
        route_id=data.route_id,
        gstin=data.gstin,
    )
    session.add(customer)
    session.flush()
    return customer


def create_customer(session: Session, data: CustomerCreate, actor: audit.Actor) -> Customer:
    customer = new_customer(session, data)
    audit.record(
        session,
        actor,
        "customer.create",
        "customer",
        customer.id,
        after=audit.snapshot(customer),
        customer_id=customer.id,
    )
    return customer


def update_customer(
    session: Session, customer_id: int, data: CustomerUpdate, actor: audit.Actor
) -> Customer:
    customer = queries.get_customer(session, customer_id)
    before = audit.snapshot(customer)
    changes: dict[str, Any] = data.changes()
    if "phone" in changes:
        changes["phone"] = normalize_phone(changes["phone"])
    if changes.get("email"):
        changes["email"] = str(changes["email"]).lower()
    becomes_active = changes.get("is_active", customer.is_active)
    phone = changes.get("phone") or customer.phone
    if becomes_active and (phone != customer.phone or not customer.is_active):
        _ensure_phone_free(session, phone, except_id=customer.id)
    if "route_id" in changes and changes["route_id"] != customer.route_id:
        if changes["route_id"] is not None:
            routing_queries.get_active_route(session, changes["route_id"])
        customer.stop_sequence = None
    for field, value in changes.items():
        setattr(customer, field, value.strip() if isinstance(value, str) else value)
    session.flush()
    after = audit.snapshot(customer)
    audit.record(
        session,
        actor,
        "customer.update",
        "customer",
        customer.id,
        before=before,
        after=after,
        customer_id=customer.id,
    )
    return customer
