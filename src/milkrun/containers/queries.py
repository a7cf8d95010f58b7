"""Reading the container ledger: what a customer holds, a route's day, the report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun.catalog.models import Product
from milkrun.containers.errors import ContainerTypeNotFound
from milkrun.containers.models import ContainerMovement, ContainerType
from milkrun.containers.schemas import Holding, MovementRead, RouteDayCount
from milkrun.customers.models import Customer
from milkrun.routing.models import Route

HELD = func.sum(ContainerMovement.given - ContainerMovement.returned - ContainerMovement.lost)


def container_types(session: Session) -> Sequence[ContainerType]:
    return session.scalars(select(ContainerType).order_by(ContainerType.name)).all()


@dataclass(frozen=True)
class TypeSummary:
    """A container type with how many products come in it, how many all customers hold and the
    deposit held on them."""

    kind: ContainerType
    products: int
    held: int
    deposit_paise: int


def type_summaries(
    session: Session, *, offset: int = 0, limit: int | None = 50
) -> tuple[list[TypeSummary], int]:
    """A page of the types (active first, by name) with their totals, and how many in all."""
    held = (
        select(
            ContainerMovement.container_type_id.label("type_id"),
            HELD.label("held"),
            func.sum(ContainerMovement.deposit_paise).label("deposit"),
        )
        .group_by(ContainerMovement.container_type_id)
        .subquery("held")
    )
    products = (
        select(Product.container_type_id.label("type_id"), func.count().label("n"))
        .where(Product.container_type_id.is_not(None))
        .group_by(Product.container_type_id)
        .subquery("products")
    )
    statement = (
        select(ContainerType, products.c.n, held.c.held, held.c.deposit)
        .outerjoin(held, held.c.type_id == ContainerType.id)
        .outerjoin(products, products.c.type_id == ContainerType.id)
        .order_by(ContainerType.is_active.desc(), ContainerType.name, ContainerType.id)
        .offset(offset)
    )
    if limit is not None:
        statement = statement.limit(limit)
    rows = [
        TypeSummary(kind=kind, products=int(n or 0), held=int(h or 0), deposit_paise=int(d or 0))
        for kind, n, h, d in session.execute(statement)
    ]
    count = session.scalar(select(func.count()).select_from(ContainerType)) or 0
    return rows, int(count)


def get_type(session: Session, type_id: int) -> ContainerType:
    found = session.get(ContainerType, type_id)
    if found is None:
        raise ContainerTypeNotFound(f"Container type {type_id} does not exist")
    return found


def returnable_products(session: Session) -> dict[int, ContainerType]:
    """product id → the container it comes in, for the products that come in one."""
    rows = session.execute(
        select(Product.id, ContainerType).join(
            ContainerType, ContainerType.id == Product.container_type_id
        )
    ).all()
    return {row[0]: row[1] for row in rows}


def holdings_of(session: Session, customer_ids: Sequence[int]) -> dict[int, list[Holding]]:
    """What each customer holds, per container type (types never held are left out)."""
    if not customer_ids:
        return {}
    rows = session.execute(
        select(
            ContainerMovement.customer_id,
            ContainerType.id,
            ContainerType.name,
            HELD,
            func.sum(ContainerMovement.deposit_paise),
        )
        .join(ContainerType, ContainerType.id == ContainerMovement.container_type_id)
        .where(ContainerMovement.customer_id.in_(sorted(set(customer_ids))))
        .group_by(ContainerMovement.customer_id, ContainerType.id, ContainerType.name)
        .order_by(ContainerMovement.customer_id, ContainerType.name)
    ).all()
    found: dict[int, list[Holding]] = {}
    for customer_id, type_id, name, held, deposit in rows:
        found.setdefault(customer_id, []).append(
            Holding(
                container_type_id=type_id,
                container=name,
                held=int(held or 0),
                deposit_paise=int(deposit or 0),
            )
        )
    return found


def holdings(session: Session, customer_id: int) -> list[Holding]:
    return holdings_of(session, [customer_id]).get(customer_id, [])


def movements_of(session: Session, customer_id: int, *, limit: int = 50) -> list[MovementRead]:
    """A customer's container ledger, newest first."""
    rows = session.scalars(
        select(ContainerMovement)
        .where(ContainerMovement.customer_id == customer_id)
        .order_by(ContainerMovement.movement_date.desc(), ContainerMovement.id.desc())
        .limit(limit)
    ).all()
    return [MovementRead.model_validate(row) for row in rows]


def route_day_counts(session: Session, day: dt.date) -> list[RouteDayCount]:
    """Each route's containers of ``day``: out (given), back (taken back), and missing (went
    out and did not come back that day: out less back, never below zero)."""
    rows = session.execute(
        select(
            Route.id,
            Route.name,
            ContainerType.id,
            ContainerType.name,
            func.sum(ContainerMovement.given),
            func.sum(ContainerMovement.returned),
        )
        .join(Route, Route.id == ContainerMovement.route_id)
        .join(ContainerType, ContainerType.id == ContainerMovement.container_type_id)
        .where(ContainerMovement.movement_date == day, ContainerMovement.kind == "stop")
        .group_by(Route.id, Route.name, ContainerType.id, ContainerType.name)
        .order_by(Route.name, ContainerType.name)
    ).all()
    return [
        RouteDayCount(
            route_id=route_id,
            route=route,
            container_type_id=type_id,
            container=container,
            out=int(out or 0),
            back=int(back or 0),
            missing=max(0, int(out or 0) - int(back or 0)),
        )
        for route_id, route, type_id, container, out, back in rows
    ]


@dataclass(frozen=True)
class ReportRow:
    customer_id: int
    customer: str
    route: str | None
    container: str
    held: int
    deposit_paise: int


@dataclass(frozen=True)
class Report:
    rows: list[ReportRow]
    count: int
    held: int
    deposit_paise: int


def report(
    session: Session, *, route_id: int | None = None, offset: int = 0, limit: int | None = 50
) -> Report:
    """Who holds containers (customers holding at least one, or with a deposit left), by route
    then customer: a page of rows, how many in all, and the totals of all of them."""
    held = HELD.label("held")
    deposit = func.sum(ContainerMovement.deposit_paise).label("deposit")
    grouped = (
        select(
            ContainerMovement.customer_id.label("customer_id"),
            ContainerMovement.container_type_id.label("type_id"),
            held,
            deposit,
        )
        .group_by(ContainerMovement.customer_id, ContainerMovement.container_type_id)
        .having((HELD != 0) | (func.sum(ContainerMovement.deposit_paise) != 0))
    )
    if route_id is not None:
        grouped = grouped.where(
            ContainerMovement.customer_id.in_(
                select(Customer.id).where(Customer.route_id == route_id)
            )
        )
    sums = grouped.subquery("holdings")
    count, total_held, total_deposit = session.execute(
        select(func.count(), func.sum(sums.c.held), func.sum(sums.c.deposit))
    ).one()
    statement = (
        select(
            Customer.id,
            Customer.name,
            Route.name,
            ContainerType.name,
            sums.c.held,
            sums.c.deposit,
        )
        .join(Customer, Customer.id == sums.c.customer_id)
        .join(ContainerType, ContainerType.id == sums.c.type_id)
        .outerjoin(Route, Route.id == Customer.route_id)
        .order_by(Route.name, Customer.name, Customer.id, ContainerType.name)
        .offset(offset)
    )
    if limit is not None:
        statement = statement.limit(limit)
    rows = [
        ReportRow(
            customer_id=cid,
            customer=name,
            route=route,
            container=container,
            held=int(h or 0),
            deposit_paise=int(d or 0),
        )
        for cid, name, route, container, h, d in session.execute(statement)
    ]
    return Report(
        rows=rows,
        count=int(count or 0),
        held=int(total_held or 0),
        deposit_paise=int(total_deposit or 0),
    )


def for_delivery_page(session: Session, customer_ids: Sequence[int]) -> dict[str, Any]:
    """What the delivery page needs to record containers at its stops, as JSON: the container
    types, which product comes in which, and what each customer holds now."""
    types = {
        str(t.id): {"name": t.name, "deposit_paise": t.deposit_paise}
        for t in container_types(session)
    }
    products = {str(pid): kind.id for pid, kind in returnable_products(session).items()}
    held = {
        str(cid): {str(h.container_type_id): h.held for h in found}
        for cid, found in holdings_of(session, customer_ids).items()
    }
    return {"types": types, "products": products, "held": held}
