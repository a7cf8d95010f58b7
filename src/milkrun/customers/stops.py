"""The stop order of a route: the sequence in which its delivery boy visits its customers."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import case, select, update
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit import service as audit
from milkrun.customers import errors
from milkrun.customers.errors import CustomerNotOnRoute, DuplicateStops, StopsIncomplete
from milkrun.customers.models import Customer
from milkrun.routing import queries as routing_queries


def stops_of(session: Session, route_id: int) -> list[Customer]:
    """The route's active customers in stop order (customers without a number last)."""
    return list(
        session.scalars(
            select(Customer)
            .where(Customer.route_id == route_id, Customer.is_active)
            .order_by(Customer.stop_sequence.is_(None), Customer.stop_sequence, Customer.id)
        )
    )


def set_stop_order(
    session: Session, route_id: int, customer_ids: list[int], actor: audit.Actor
) -> list[Customer]:
    """Number the route's stops 1, 2, 3 ... in the order given.

    The list names every active customer of the route exactly once and no one else, so that a
    reorder made from a stale screen cannot silently drop a customer added meanwhile.
    """
    routing_queries.get_route(session, route_id)
    duplicates = sorted(i for i, n in Counter(customer_ids).items() if n > 1)
    if duplicates:
        raise DuplicateStops(
            f"Customers listed more than once: {', '.join(map(str, duplicates))}",
        )
    current = stops_of(session, route_id)
    on_route = {c.id for c in current}
    strangers = [i for i in customer_ids if i not in on_route]
    if strangers:
        raise CustomerNotOnRoute(
            f"Not active customers of route {route_id}: {', '.join(map(str, strangers))}",
        )
    missing = sorted(on_route - set(customer_ids))
    if missing:
        raise StopsIncomplete(
            f"The stop order leaves out customers of route {route_id}: "
            f"{', '.join(map(str, missing))}; list every active customer of the route",
        )
    before = [c.id for c in current]
    if before == customer_ids and all(c.stop_sequence == n for n, c in enumerate(current, start=1)):
        return current
    sequence = {customer_id: n for n, customer_id in enumerate(customer_ids, start=1)}
    session.execute(
        update(Customer)
        .where(Customer.id.in_(customer_ids))
        .values(stop_sequence=case(sequence, value=Customer.id), updated_at=clock.now()),
        execution_options={"synchronize_session": False},
    )
    for customer in current:
        session.expire(customer, ["stop_sequence", "updated_at"])
    audit.record(
        session,
        actor,
        "route.stops",
        "route",
        route_id,
        before={"customer_ids": before},
        after={"customer_ids": customer_ids},
    )
    return stops_of(session, route_id)


def move_stop(
    session: Session, route_id: int, customer_id: int, steps: int, actor: audit.Actor
) -> list[Customer]:
    """One stop moved ``steps`` places later (negative: earlier) in the route's order, stopping
    at either end; the rest keep their order."""
    routing_queries.get_route(session, route_id)
    order = [c.id for c in stops_of(session, route_id)]
    if customer_id not in order:
        raise errors.CustomerNotOnRoute(
            f"Customer {customer_id} is not an active customer of route {route_id}"
        )
    at = order.index(customer_id)
    order.pop(at)
    order.insert(max(0, min(len(order), at + steps)), customer_id)
    return set_stop_order(session, route_id, order, actor)


def place_at(
    session: Session, route_id: int, customer_id: int, position: int, actor: audit.Actor
) -> list[Customer]:
    """An active customer put on the route (moved from another, or from none) at stop number
    ``position`` (1 is first; past the end is last); the stops after it move down one."""
    routing_queries.get_active_route(session, route_id)
    customer = session.get(Customer, customer_id)
    if customer is None or not customer.is_active:
        raise errors.UnknownCustomer(f"There is no active customer {customer_id}")
    if position < 1:
        raise errors.InvalidPosition("Stop numbers start at 1")
    if customer.route_id != route_id:
        before = audit.snapshot(customer)
        customer.route_id = route_id
        customer.stop_sequence = None
        session.flush()
        audit.record(
            session,
            actor,
            "customer.update",
            "customer",
            customer.id,
            before=before,
            after=audit.snapshot(customer),
            customer_id=customer.id,
        )
    order = [c.id for c in stops_of(session, route_id) if c.id != customer_id]
    order.insert(min(position - 1, len(order)), customer_id)
    return set_stop_order(session, route_id, order, actor)
