from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun.customers.errors import CustomerNotFound
from milkrun.customers.models import Customer
from milkrun.pagination import paginate


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
) -> tuple[Sequence[Customer], str | None]:
    statement = select(Customer)
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


def count_active(session: Session) -> int:
    return int(session.scalar(select(func.count()).where(Customer.is_active)) or 0)


def active_per_route(session: Session) -> dict[int | None, int]:
    """How many active customers each route has (None: those on no route)."""
    rows = session.execute(
        select(Customer.route_id, func.count())
        .where(Customer.is_active)
        .group_by(Customer.route_id)
    )
    return dict(rows.all())
