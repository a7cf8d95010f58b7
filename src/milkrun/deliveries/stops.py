"""Who may record something at a stop (containers, cash) other than a mark of an order."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.customers.errors import UnknownCustomer
from milkrun.customers.models import Customer
from milkrun.deliveries.errors import CustomerNotInScope, StopNotDue
from milkrun.deliveries.markers import Marker
from milkrun.routing import queries as routing_queries


def route_of_stop(
    session: Session, marker: Marker, customer_id: int, day: dt.date, *, today: dt.date
) -> int | None:
    """The route of the customer's stop, once the caller may record at it: a delivery boy at
    the stops of the routes he walks on ``day``, an admin at any customer's; never a later day.
    Locks the customer's row (PostgreSQL) so that a customer's records happen one at a time."""
    route_id = session.scalar(
        select(Customer.route_id).where(Customer.id == customer_id).with_for_update()
    )
    exists = route_id is not None or session.get(Customer, customer_id) is not None
    if not exists:
        raise UnknownCustomer(f"Customer {customer_id} does not exist")
    if day > today:
        raise StopNotDue(f"The stop of {day.isoformat()} cannot be recorded before that day")
    if marker.link_id is not None:
        if route_id != marker.route_id or day != marker.delivery_date:
            raise CustomerNotInScope("This customer is not on this link's route and date")
    elif marker.walks_routes and (
        route_id is None
        or routing_queries.delivery_boy_on(session, route_id, day) != marker.user_id
    ):
        raise CustomerNotInScope(
            f"Customer {customer_id} is not on a route you walk on {day.isoformat()}"
        )
    return route_id
