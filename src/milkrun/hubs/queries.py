from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from milkrun.customers.models import Customer
from milkrun.hubs.models import Holiday, Hub
from milkrun.hubs.scope import HubScope
from milkrun.routing.models import Route


def list_hubs(session: Session, scope: HubScope) -> Sequence[Hub]:
    """The hubs in view, by name (a dairy has a handful)."""
    statement = select(Hub).where(Hub.is_active).order_by(Hub.name)
    if scope.hub_id is not None:
        statement = statement.where(Hub.id == scope.hub_id)
    return session.scalars(statement).all()


def hub_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Hub.id, Hub.name)).all())


@dataclass(frozen=True)
class HubFigures:
    routes: int
    customers: int


def figures(session: Session) -> dict[int | None, HubFigures]:
    """Active routes and active customers per hub (None: on no hub), in two grouped queries."""
    routes = dict(
        session.execute(
            select(Route.hub_id, func.count()).where(Route.is_active).group_by(Route.hub_id)
        ).all()
    )
    customers = dict(
        session.execute(
            select(Route.hub_id, func.count(Customer.id))
            .select_from(Customer)
            .outerjoin(Route, Route.id == Customer.route_id)
            .where(Customer.is_active)
            .group_by(Route.hub_id)
        ).all()
    )
    return {
        hub: HubFigures(routes.get(hub, 0), customers.get(hub, 0))
        for hub in set(routes) | set(customers)
    }


def holidays_from(session: Session, since: dt.date, scope: HubScope) -> Sequence[Holiday]:
    """The holidays on or after ``since`` that touch the hub in view (a dairy-wide one touches
    every hub), soonest first."""
    statement = select(Holiday).where(Holiday.holiday_date >= since)
    if scope.hub_id is not None:
        statement = statement.where(or_(Holiday.hub_id.is_(None), Holiday.hub_id == scope.hub_id))
    return session.scalars(statement.order_by(Holiday.holiday_date, Holiday.id)).all()


def holidays_on(session: Session, day: dt.date) -> list[str]:
    """What closes ``day``, in words: "Whole dairy: Diwali", "Jayanagar: water cut"."""
    rows = session.execute(
        select(Hub.name, Holiday.reason)
        .select_from(Holiday)
        .outerjoin(Hub, Hub.id == Holiday.hub_id)
        .where(Holiday.holiday_date == day)
        .order_by(Holiday.id)
    ).all()
    return [f"{name or 'Whole dairy'}: {reason}" for name, reason in rows]
