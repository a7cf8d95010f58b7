"""Reading payments."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun.db.pagination import paginate
from milkrun.hubs.scope import EVERY_HUB, HubScope
from milkrun.payments.models import Payment


def list_payments(
    session: Session,
    *,
    limit: int,
    cursor: str | None,
    customer_id: int | None = None,
    scope: HubScope = EVERY_HUB,
) -> tuple[Sequence[Payment], str | None]:
    """Payments, newest first (of one customer, when given), of the customers in view."""
    statement = select(Payment).where(scope.has_customer(Payment.customer_id))
    if customer_id is not None:
        statement = statement.where(Payment.customer_id == customer_id)
    return paginate(session, statement, Payment.id, limit=limit, cursor=cursor, newest_first=True)


def count_payments(
    session: Session, customer_id: int | None = None, scope: HubScope = EVERY_HUB
) -> int:
    statement = select(func.count(Payment.id)).where(scope.has_customer(Payment.customer_id))
    if customer_id is not None:
        statement = statement.where(Payment.customer_id == customer_id)
    return int(session.scalar(statement) or 0)
