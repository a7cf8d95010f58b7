"""A shorter stop order for a route, suggested from its customers' locations and applied only
when the owner confirms it.

Rules: only customers with an approved location are reordered; a customer without one keeps
his stop number, and the located customers fill the other numbers in the shortest walk's order.
The walk starts at the dairy (when its location is known) and ends at the last stop
(``routing.tours``). Distances count located stops only, in metres. Applying names every stop
(``stops.set_stop_order``: a suggestion made from a stale screen is refused) and is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from milkrun.audit import service as audit
from milkrun.customers import stops
from milkrun.customers.models import Customer
from milkrun.routing import queries as routing_queries
from milkrun.routing import tours
from milkrun.routing.tours import Point


@dataclass(frozen=True)
class SuggestedStop:
    customer_id: int
    name: str
    address: str
    located: bool


@dataclass(frozen=True)
class Suggestion:
    route_id: int
    route_name: str
    before: list[SuggestedStop]
    after: list[SuggestedStop]
    before_m: int
    after_m: int
    unlocated: int

    @property
    def saved_m(self) -> int:
        return self.before_m - self.after_m

    @property
    def changes(self) -> bool:
        return [s.customer_id for s in self.before] != [s.customer_id for s in self.after]


def _stop(customer: Customer) -> SuggestedStop:
    return SuggestedStop(
        customer.id, customer.name, customer.address, customer.latitude is not None
    )


def _point(customer: Customer) -> Point:
    assert customer.latitude is not None
    assert customer.longitude is not None
    return Point(customer.latitude, customer.longitude)


def suggest(
    session: Session,
    route_id: int,
    dairy: tuple[float, float] | None,
    *,
    time_limit: float | None = None,
) -> Suggestion:
    """The route's stops now and in the suggested order, with the walk's length in metres;
    ``dairy`` is where the walk starts (unknown: at any stop)."""
    route = routing_queries.get_route(session, route_id)
    depot = Point(*dairy) if dairy is not None else None
    current = stops.stops_of(session, route_id)
    located = [c for c in current if c.latitude is not None and c.longitude is not None]
    points = [_point(c) for c in located]
    order = tours.shortest_walk(depot, points, time_limit=time_limit)
    matrix = tours.distance_matrix(depot, points)
    before_m = tours.walk_length(matrix, range(len(located)))
    after_m = tours.walk_length(matrix, order)
    if after_m >= before_m:  # the search found nothing shorter: keep the order people know
        order, after_m = list(range(len(located))), before_m
    walk = iter(located[i] for i in order)
    after = [c if c.latitude is None or c.longitude is None else next(walk) for c in current]
    return Suggestion(
        route_id=route_id,
        route_name=route.name,
        before=[_stop(c) for c in current],
        after=[_stop(c) for c in after],
        before_m=before_m,
        after_m=after_m,
        unlocated=len(current) - len(located),
    )


def apply(
    session: Session, route_id: int, customer_ids: list[int], actor: audit.Actor
) -> list[Customer]:
    """The suggested order, confirmed by the owner: the stops numbered in it (every active
    customer of the route, once), audited as a stop order change."""
    return stops.set_stop_order(session, route_id, customer_ids, actor)
