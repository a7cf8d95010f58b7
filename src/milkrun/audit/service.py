"""Writing the trail. Every state-changing use case calls ``record`` exactly once."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, insert, inspect
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit.models import AuditEvent

# A plain INSERT, built once: an event is never read back or changed by the use case that
# writes it, so it need not be an ORM object.
EVENTS = cast(Table, AuditEvent.__table__)
APPEND = insert(EVENTS)

SECRET_FIELDS = frozenset({"password_hash", "token_hash", "password", "token"})


@dataclass(frozen=True)
class Actor:
    """Who is acting: a user, a shared delivery link, or the system (a scheduled job, the CLI)."""

    user_id: int | None
    label: str
    channel: str = "api"
    request_id: str | None = None
    link_id: int | None = None

    @classmethod
    def system(cls, label: str = "system", channel: str = "cli") -> Actor:
        return cls(user_id=None, label=label, channel=channel)


def jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items() if k not in SECRET_FIELDS}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def snapshot(obj: object) -> dict[str, Any]:
    """The column values of an ORM object, JSON-safe, without secrets."""
    mapper = inspect(obj).mapper
    return {
        attr.key: jsonable(getattr(obj, attr.key))
        for attr in mapper.column_attrs
        if attr.key not in SECRET_FIELDS
    }


def changed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in after.items() if before.get(k) != v}


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: int | None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    customer_id: int | None = None,
    **refs: Any,
) -> None:
    """Append one event in the caller's transaction."""
    # What the event describes goes to the database first: the event may reference it.
    session.flush()
    session.execute(
        APPEND, _event(actor, action, entity_type, entity_id, before, after, customer_id, refs)
    )


def record_many(
    session: Session,
    actor: Actor,
    action: str,
    entity_type: str,
    events: list[tuple[int | None, int | None, dict[str, Any]]],
) -> None:
    """Append one event per (entity_id, customer_id, after) of a bulk use case, in one
    executemany (a day's holds: thousands of events, not thousands of statements)."""
    if not events:
        return
    session.flush()
    session.execute(
        APPEND,
        [
            _event(actor, action, entity_type, entity_id, None, after, customer_id, {})
            for entity_id, customer_id, after in events
        ],
    )


def _event(
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: int | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    customer_id: int | None,
    refs: dict[str, Any],
) -> dict[str, Any]:
    return {
        "occurred_at": clock.now(),
        "actor_user_id": actor.user_id,
        "actor_link_id": actor.link_id,
        "actor_label": actor.label,
        "channel": actor.channel,
        "action": action,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "customer_id": customer_id,
        "before": jsonable(before) if before is not None else None,
        "after": jsonable(after) if after is not None else None,
        "request_id": actor.request_id,
        **refs,
    }
