"""Customers' locations (proposed from a stop, approved, rejected, set) and the stop-order
suggestion from them: stops without a location keep their numbers, applying it renumbers the
route (audited), a suggestion made from a stale screen is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.audit.models import AuditEvent
from milkrun.audit.service import Actor
from milkrun.customers import locations, stop_suggestion, stops
from milkrun.customers.errors import (
    InvalidLocation,
    NoProposedLocation,
    StopNotInScope,
    StopsIncomplete,
)
from milkrun.customers.models import Customer
from milkrun.customers.schemas import LocationProposal, LocationSet
from milkrun.routing.models import Route
from tests import factories

OWNER = Actor(user_id=None, label="owner", channel="test")
DAIRY = (12.9387, 77.6036)
TODAY = dt.date(2026, 12, 7)
# Four doors east of the dairy along one road, 1 km apart: the shortest walk visits them in order.
EAST = [(12.9387, 77.6036 + 0.0092 * k) for k in (1, 2, 3, 4)]


def _route_with(
    session: Session, doors: list[tuple[float, float] | None]
) -> tuple[Route, list[Customer]]:
    route = factories.route(session)
    customers = []
    for n, door in enumerate(doors, start=1):
        customer = factories.customer(session, route=route, name=f"Stop {n}")
        customer.stop_sequence = n
        if door is not None:
            customer.latitude, customer.longitude = door
        customers.append(customer)
    session.flush()
    return route, customers


def test_a_scrambled_route_gets_the_shorter_order_and_the_distance_saved(session: Session) -> None:
    scrambled = [EAST[2], EAST[0], EAST[3], EAST[1]]
    route, customers = _route_with(session, list(scrambled))

    suggestion = stop_suggestion.suggest(session, route.id, DAIRY, time_limit=0.2)

    by_door = {tuple(d): c.id for d, c in zip(scrambled, customers, strict=True)}
    assert [s.customer_id for s in suggestion.after] == [by_door[d] for d in EAST]
    assert [s.customer_id for s in suggestion.before] == [c.id for c in customers]
    assert 3_900 < suggestion.after_m < 4_100  # 4 km out along the road
    assert suggestion.before_m > suggestion.after_m
    assert suggestion.saved_m == suggestion.before_m - suggestion.after_m
    assert suggestion.changes
    assert suggestion.unlocated == 0
    # Nothing changed until it is applied.
    assert [c.id for c in stops.stops_of(session, route.id)] == [c.id for c in customers]


def test_stops_without_a_location_keep_their_numbers(session: Session) -> None:
    route, customers = _route_with(session, [EAST[3], None, EAST[0], EAST[2], None, EAST[1]])

    suggestion = stop_suggestion.suggest(session, route.id, DAIRY, time_limit=0.2)

    after = [s.customer_id for s in suggestion.after]
    assert after[1] == customers[1].id
    assert after[4] == customers[4].id
    assert [after[i] for i in (0, 2, 3, 5)] == [customers[i].id for i in (2, 5, 3, 0)]
    assert suggestion.unlocated == 2
    assert [s.located for s in suggestion.after] == [True, False, True, True, False, True]


def test_an_order_already_shortest_is_left_alone(session: Session) -> None:
    route, _ = _route_with(session, list(EAST))

    suggestion = stop_suggestion.suggest(session, route.id, DAIRY, time_limit=0.2)

    assert not suggestion.changes
    assert suggestion.saved_m == 0


def test_applying_renumbers_the_route_and_is_audited(session: Session) -> None:
    route, customers = _route_with(session, [EAST[1], EAST[0]])
    suggestion = stop_suggestion.suggest(session, route.id, DAIRY, time_limit=0.2)

    stop_suggestion.apply(session, route.id, [s.customer_id for s in suggestion.after], OWNER)

    assert [c.id for c in stops.stops_of(session, route.id)] == [customers[1].id, customers[0].id]
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "route.stops").order_by(AuditEvent.id.desc())
    ).first()
    assert event is not None
    assert event.after == {"customer_ids": [customers[1].id, customers[0].id]}


def test_a_suggestion_from_before_a_customer_joined_is_refused(session: Session) -> None:
    route, _customers = _route_with(session, [EAST[1], EAST[0]])
    suggestion = stop_suggestion.suggest(session, route.id, DAIRY, time_limit=0.2)
    factories.customer(session, route=route, name="Joined meanwhile")

    with pytest.raises(StopsIncomplete):
        stop_suggestion.apply(session, route.id, [s.customer_id for s in suggestion.after], OWNER)


def test_a_proposed_location_counts_only_once_the_owner_approves_it(session: Session) -> None:
    boy = factories.delivery_boy_user(session)
    route = factories.route(session, delivery_boy=boy)
    customer = factories.customer(session, route=route)
    actor = Actor(user_id=boy.id, label="boy", channel="test")
    proposal = LocationProposal(
        customer_id=customer.id, latitude=12.93, longitude=77.62, accuracy_m=8
    )

    locations.propose(session, proposal, actor, walker_id=boy.id, today=TODAY)

    assert (customer.latitude, customer.proposed_latitude) == (None, 12.93)
    assert customer.proposed_by_user_id == boy.id
    assert customer.proposed_accuracy_m == 8
    assert list(locations.proposals(session, route.id)) == [customer]

    locations.approve(session, customer.id, OWNER)

    assert (customer.latitude, customer.longitude) == (12.93, 77.62)
    assert customer.proposed_latitude is None
    assert customer.proposed_at is None
    assert list(locations.proposals(session, route.id)) == []
    with pytest.raises(NoProposedLocation):
        locations.approve(session, customer.id, OWNER)
    actions = session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.customer_id == customer.id, AuditEvent.action.like("customer.location.%"))
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["customer.location.propose", "customer.location.approve"]


def test_a_rejected_proposal_leaves_the_location_as_it_was(session: Session) -> None:
    customer = factories.customer(session)
    locations.set_location(session, customer.id, LocationSet(latitude=12.9, longitude=77.6), OWNER)
    proposal = LocationProposal(customer_id=customer.id, latitude=13.0, longitude=77.7)
    locations.propose(session, proposal, OWNER, walker_id=None, today=TODAY)

    locations.reject(session, customer.id, OWNER)

    assert (customer.latitude, customer.longitude, customer.proposed_latitude) == (12.9, 77.6, None)
    with pytest.raises(NoProposedLocation):
        locations.reject(session, customer.id, OWNER)


def test_a_delivery_boy_proposes_only_for_the_routes_he_walks(session: Session) -> None:
    boy = factories.delivery_boy_user(session)
    factories.route(session, delivery_boy=boy)
    elsewhere = factories.customer(session, route=factories.route(session))
    actor = Actor(user_id=boy.id, label="boy", channel="test")

    with pytest.raises(StopNotInScope):
        locations.propose(
            session,
            LocationProposal(customer_id=elsewhere.id, latitude=12.9, longitude=77.6),
            actor,
            walker_id=boy.id,
            today=TODAY,
        )
    assert elsewhere.proposed_latitude is None


def test_a_location_needs_both_coordinates(session: Session) -> None:
    customer = factories.customer(session)
    with pytest.raises(InvalidLocation):
        locations.set_location(
            session, customer.id, LocationSet(latitude=12.9, longitude=None), OWNER
        )
