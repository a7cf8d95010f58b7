from __future__ import annotations

from fastapi import APIRouter

from milkrun.api.deps import (
    DEFAULT_LIMIT,
    AdminUser,
    Cursor,
    IdFilter,
    Limit,
    ScopeDep,
    SessionDep,
)
from milkrun.audit import queries
from milkrun.audit.schemas import AuditEventRead
from milkrun.db.pagination import Page

router = APIRouter(prefix="/audit-events", tags=["audit"])


@router.get("", response_model=Page[AuditEventRead])
def list_audit_events(
    _: AdminUser,
    scope: ScopeDep,
    session: SessionDep,
    customer_id: IdFilter = None,
    order_id: IdFilter = None,
    entity_type: str | None = None,
    entity_id: IdFilter = None,
    action: str | None = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[AuditEventRead]:
    """Who did what, newest first. ``order_id`` answers "who delivered this order, when, through
    which channel (a login, or a shared link and its label), and what changed". An admin limited
    to one hub sees the events of its hub's customers and routes only."""
    events, next_cursor = queries.list_events(
        session,
        limit=limit,
        cursor=cursor,
        customer_id=customer_id,
        order_id=order_id,
        entity_type=entity_type,
        entity_id=entity_id,
        action=action,
        in_view=scope.has_event(),
    )
    return Page[AuditEventRead](
        items=[AuditEventRead.model_validate(e) for e in events], next_cursor=next_cursor
    )
