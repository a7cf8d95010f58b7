from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.audit.models import AuditEvent
from milkrun.pagination import paginate


def list_events(
    session: Session,
    *,
    limit: int,
    cursor: str | None,
    customer_id: int | None = None,
    order_id: int | None = None,
    entity_type: str | None = None,
    entity_id: int | None = None,
    action: str | None = None,
) -> tuple[Sequence[AuditEvent], str | None]:
    """The trail, newest first."""
    statement = select(AuditEvent)
    if customer_id is not None:
        statement = statement.where(AuditEvent.customer_id == customer_id)
    if order_id is not None:
        statement = statement.where(AuditEvent.order_id == order_id)
    if entity_type is not None:
        statement = statement.where(AuditEvent.entity_type == entity_type)
    if entity_id is not None:
        statement = statement.where(AuditEvent.entity_id == entity_id)
    if action is not None:
        statement = statement.where(AuditEvent.action == action)
    return paginate(
        session, statement, AuditEvent.id, limit=limit, cursor=cursor, newest_first=True
    )
