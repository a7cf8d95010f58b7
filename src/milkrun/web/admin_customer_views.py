"""What the owner's page of one customer shows, read from the domains: the audit trail in words
(who did what when, before → after), the pauses and subscriptions, the week (``customer_views``)
and the money (``customer_bills``). Reads only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from milkrun.audit import queries as audit_queries
from milkrun.audit.models import AuditEvent

EVENTS_PER_PAGE = 20
HIDDEN = frozenset(
    {
        "updated_at",
        "created_at",
        "id",
        "customer_id",
        "created_by_user_id",
        "orders_resynced",
        "after_cutoff",
        "late_reason",
        "password_hash",
    }
)
ACTIONS = {
    "customer.create": "Customer added",
    "customer.register": "Signed up",
    "customer.update": "Customer changed",
    "login.create": "Login created",
    "subscription.create": "Subscription started",
    "subscription.change": "Subscription changed",
    "pause.create": "Deliveries paused",
    "pause.update": "Pause changed",
    "pause.delete": "Pause called off",
    "override.set": "One day changed",
    "override.clear": "One day back to usual",
    "order.create": "One-time order",
    "order.cancel": "Order cancelled",
}


@dataclass(frozen=True)
class Event:
    when: dt.datetime
    who: str
    what: str
    changes: list[str]
    late: bool
    reason: str | None


def _short(value: Any) -> str:
    if value is None or value == "":
        return "—"
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    before, after = before or {}, after or {}
    keys = [k for k in after if k not in HIDDEN]
    keys += [k for k in before if k not in after and k not in HIDDEN]
    words = []
    for key in keys:
        old, new = before.get(key), after.get(key)
        if before and old == new:
            continue
        name = key.replace("_", " ")
        if isinstance(new, dict | list) or isinstance(old, dict | list):
            words.append(f"{name}: changed" if before else f"{name}: set")
        elif before:
            words.append(f"{name}: {_short(old)} → {_short(new)}")
        else:
            words.append(f"{name}: {_short(new)}")
    return words[:6]


def _event(row: AuditEvent, zone: ZoneInfo) -> Event:
    after = row.after or {}
    return Event(
        when=row.occurred_at.astimezone(zone),
        who=row.actor_label,
        what=ACTIONS.get(row.action, row.action.replace(".", " ").capitalize()),
        changes=_changes(row.before, row.after),
        late=bool(after.get("after_cutoff")),
        reason=after.get("late_reason"),
    )


def trail(
    session: Session, customer_id: int, zone: ZoneInfo, cursor: str | None
) -> tuple[list[Event], str | None]:
    """The customer's audit trail, newest first, a page at a time."""
    rows, next_cursor = audit_queries.list_events(
        session, limit=EVENTS_PER_PAGE, cursor=cursor, customer_id=customer_id
    )
    return [_event(row, zone) for row in rows], next_cursor
