"""Which customers a date's holidays leave out: the one predicate materialization adds.

A dairy-wide holiday (no hub) closes every customer; a hub's holiday closes the customers on the
routes of that hub. A customer on no route is on no hub and is closed only by a dairy-wide one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, Integer, exists, literal, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from milkrun.hubs.errors import NoDeliveryOnHoliday
from milkrun.hubs.models import Holiday
from milkrun.routing.models import Route


def delivers_on(
    day: dt.date, route_id: ColumnElement[Any] | InstrumentedAttribute[Any]
) -> ColumnElement[bool]:
    """True for a customer on ``route_id`` (a column: NULL is no route) who gets deliveries on
    ``day``: no dairy-wide holiday that day, and none for the hub of the route."""
    dairy_closed = exists().where(Holiday.holiday_date == day, Holiday.hub_id.is_(None))
    closed_routes = select(Route.id).where(
        Route.hub_id.in_(
            select(Holiday.hub_id).where(Holiday.holiday_date == day, Holiday.hub_id.is_not(None))
        )
    )
    return ~dairy_closed & or_(route_id.is_(None), route_id.not_in(closed_routes))


def closed_on(
    day: dt.date, route_id: ColumnElement[Any] | InstrumentedAttribute[Any]
) -> ColumnElement[bool]:
    """The customers on ``route_id`` whom ``day``'s holidays leave out (``delivers_on``
    negated, for the cancelling of orders already made)."""
    return ~delivers_on(day, route_id)


def ensure_delivers(session: Session, day: dt.date, route_id: int | None) -> None:
    """Refuse an order for a customer on ``route_id`` whom ``day``'s holidays leave out."""
    column = literal(route_id, Integer)
    if not session.scalar(select(delivers_on(day, column))):
        raise NoDeliveryOnHoliday(f"There is no delivery on {day.isoformat()}: it is a holiday")
