"""Proof of delivery: where the phone was when an order was marked, and how far that is from the
customer's door.

A mark that carries a location keeps it with each order it marks (one row per order; a later
mark with a location replaces it, a later mark without one leaves it). The distance is measured
from the customer's approved location when the route day is read, so a door located (or
corrected) later measures the marks made before it too. Set-based: one statement per mark.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.customers.models import Customer
from milkrun.db import upserts
from milkrun.deliveries.models import DeliveryProof
from milkrun.deliveries.schemas import WhereMarked
from milkrun.orders.models import Order
from milkrun.routing.tours import Point, haversine_m

PROOFS = cast(Table, DeliveryProof.__table__)


def keep(session: Session, order_ids: Sequence[int], where: WhereMarked) -> None:
    """Keep the mark's location with each of ``order_ids`` (nothing when it has none)."""
    if where.latitude is None or where.longitude is None or not order_ids:
        return
    now = clock.now()
    rows = [
        {
            "order_id": order_id,
            "latitude": where.latitude,
            "longitude": where.longitude,
            "accuracy_m": where.accuracy_m,
            "recorded_at": now,
        }
        for order_id in order_ids
    ]
    insert = upserts.insert(session, PROOFS)
    session.execute(
        insert.values(rows).on_conflict_do_update(
            index_elements=[PROOFS.c.order_id],
            set_={
                "latitude": insert.excluded.latitude,
                "longitude": insert.excluded.longitude,
                "accuracy_m": insert.excluded.accuracy_m,
                "recorded_at": insert.excluded.recorded_at,
            },
        )
    )


@dataclass(frozen=True)
class Proof:
    """Where one order was marked, and how far from the customer's door (None: the door's
    location is not known)."""

    order_id: int
    latitude: float
    longitude: float
    accuracy_m: int | None
    recorded_at: dt.datetime
    distance_m: int | None

    def far(self, threshold_m: int) -> bool:
        return self.distance_m is not None and self.distance_m > threshold_m


def proofs_of_day(session: Session, route_id: int, day: dt.date) -> dict[int, Proof]:
    """The proofs of a route's orders on ``day``, by order id."""
    rows = session.execute(
        select(
            DeliveryProof.order_id,
            DeliveryProof.latitude,
            DeliveryProof.longitude,
            DeliveryProof.accuracy_m,
            DeliveryProof.recorded_at,
            Customer.latitude,
            Customer.longitude,
        )
        .join(Order, Order.id == DeliveryProof.order_id)
        .join(Customer, Customer.id == Order.customer_id)
        .where(Order.route_id == route_id, Order.delivery_date == day)
    ).all()
    return {
        order_id: Proof(
            order_id,
            lat,
            lon,
            accuracy,
            at,
            haversine_m(Point(lat, lon), Point(door_lat, door_lon))
            if door_lat is not None and door_lon is not None
            else None,
        )
        for order_id, lat, lon, accuracy, at, door_lat, door_lon in rows
    }
