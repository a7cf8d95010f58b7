from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from milkrun.audit.models import AuditEvent
from milkrun.db.pagination import paginate


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
    in_view: ColumnElement[bool] | None = None,
) -> tuple[Sequence[AuditEvent], str | None]:
    """The trail, newest first; ``in_view``: the events the reader may see (an admin limited to
    one hub: ``HubScope.has_event``)."""
    statement = select(AuditEvent)
    if in_view is not None:
        statement = statement.where(in_view)
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


@dataclass(frozen=True)
class Filters:
    """What the owner narrows the trail to (every part optional): a period of instants, who
    acted (a name or part of it), a customer, an order, an action; and what the reader may see
    at all (``in_view``: an admin limited to one hub sees its hub's events, ``HubScope.has_event``).
    """

    since: dt.datetime | None = None
    until: dt.datetime | None = None
    actor: str | None = None
    customer_id: int | None = None
    order_id: int | None = None
    action: str | None = None
    in_view: ColumnElement[bool] | None = None

    def where(self) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if self.in_view is not None:
            conditions.append(self.in_view)
        if self.since is not None:
            conditions.append(AuditEvent.occurred_at >= self.since)
        if self.until is not None:
            conditions.append(AuditEvent.occurred_at < self.until)
        if self.actor:
            conditions.append(
                func.lower(AuditEvent.actor_label).contains(self.actor.lower(), autoescape=True)
            )
        if self.customer_id is not None:
            conditions.append(AuditEvent.customer_id == self.customer_id)
        if self.order_id is not None:
            conditions.append(AuditEvent.order_id == self.order_id)
        if self.action:
            conditions.append(AuditEvent.action == self.action)
        return conditions


def search_events(
    session: Session, filters: Filters, *, limit: int, cursor: str | None
) -> tuple[Sequence[AuditEvent], str | None, int]:
    """One page of the trail narrowed by ``filters``, newest first, and how many match."""
    conditions = filters.where()
    total = session.scalar(select(func.count()).select_from(AuditEvent).where(*conditions)) or 0
    rows, next_cursor = paginate(
        session,
        select(AuditEvent).where(*conditions),
        AuditEvent.id,
        limit=limit,
        cursor=cursor,
        newest_first=True,
    )
    return rows, next_cursor, total
