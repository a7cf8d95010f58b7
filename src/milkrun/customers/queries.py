from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from milkrun.customers.errors import CustomerNotFound
from milkrun.customers.models import Customer
from milkrun.db.pagination import paginate


def get_customer(session: Session, customer_id: int) -> Customer:
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise CustomerNotFound(customer_id)
    return customer


def active_customer_with_phone(session: Session, phone: str) -> Customer | None:
    return session.scalar(select(Customer).where(Customer.phone == phone, Customer.is_active))


def list_customers(
    session: Session,
    *,
    limit: int,
    cursor: str | None,
    area: str | None = None,
    route_id: int | None = None,
    search: str | None = None,
    is_active: bool | None = None,
    routes: Select[Any] | None = None,
) -> tuple[Sequence[Customer], str | None]:
    statement = select(Customer)
    if routes is not None:
        statement = statement.where(Customer.route_id.in_(routes))
    if area is not None:
        statement = statement.where(Customer.area == area)
    if route_id is not None:
        statement = statement.where(Customer.route_id == route_id)
    if is_active is not None:
        statement = statement.where(Customer.is_active == is_active)
    if search:
        pattern = f"%{search.lower()}%"
        statement = statement.where(
            Customer.name.ilike(pattern) | Customer.phone.contains(search.strip())
        )
    return paginate(session, statement, Customer.id, limit=limit, cursor=cursor)


def waiting_for_a_route(session: Session, *, limit: int = 50) -> Sequence[Customer]:
    """Active customers on no route yet (new sign-ups the owner still has to place), oldest
    first."""
    return session.scalars(
        select(Customer)
        .where(Customer.is_active, Customer.route_id.is_(None))
        .order_by(Customer.id)
        .limit(limit)
    ).all()


@dataclass(frozen=True)
class CustomerFilter:
    """Which customers a list shows: ``search`` in the name, phone (any format) or address;
    ``waiting``: not placed on a route yet; ``among``: a query of ids (those who owe, say)."""

    search: str | None = None
    route_id: int | None = None
    waiting: bool = False
    is_active: bool | None = None
    among: Select[tuple[int]] | None = None
    # Only the customers on these routes (the routes of an admin's hub); None: everyone.
    routes: Select[Any] | None = None

    def statement(self) -> Select[Customer]:
        statement = select(Customer)
        if self.route_id is not None:
            statement = statement.where(Customer.route_id == self.route_id)
        if self.waiting:
            statement = statement.where(Customer.route_id.is_(None))
        if self.is_active is not None:
            statement = statement.where(Customer.is_active == self.is_active)
        if self.routes is not None:
            statement = statement.where(Customer.route_id.in_(self.routes))
        if self.among is not None:
            statement = statement.where(Customer.id.in_(self.among))
        text = (self.search or "").strip()
        if text:
            pattern = f"%{text.lower()}%"
            matches = [
                func.lower(Customer.name).like(pattern),
                func.lower(Customer.address).like(pattern),
                Customer.phone.contains(text),
            ]
            digits = re.sub(r"\D", "", text)
            if len(digits) >= 3 and digits != text:
                # "98450 12345" or "098450-12345": the digits, without a leading trunk 0.
                matches.append(Customer.phone.contains(digits.lstrip("0") or digits))
            statement = statement.where(or_(*matches))
        return statement


def find_customers(
    session: Session, which: CustomerFilter, *, limit: int, cursor: str | None
) -> tuple[Sequence[Customer], str | None, int]:
    """One page of the customers ``which`` selects, the next page's cursor, and how many there
    are in all."""
    statement = which.statement()
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    rows, next_cursor = paginate(session, statement, Customer.id, limit=limit, cursor=cursor)
    return rows, next_cursor, total


def count_active(session: Session) -> int:
    return int(session.scalar(select(func.count()).where(Customer.is_active)) or 0)


def active_per_route(
    session: Session, route_ids: Iterable[int] | None = None
) -> dict[int | None, int]:
    """How many active customers each route has (None: those on no route), of ``route_ids``
    when given."""
    statement = (
        select(Customer.route_id, func.count())
        .where(Customer.is_active)
        .group_by(Customer.route_id)
    )
    if route_ids is not None:
        statement = statement.where(Customer.route_id.in_(list(route_ids)))
    rows = session.execute(statement)
    return dict(rows.all())


def names_of(session: Session, customer_ids: Iterable[int]) -> dict[int, str]:
    """The names of the customers a page lists (one query)."""
    ids = sorted(set(customer_ids))
    if not ids:
        return {}
    return dict(
        session.execute(select(Customer.id, Customer.name).where(Customer.id.in_(ids))).all()
    )
