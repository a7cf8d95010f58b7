"""The audit trail for the owner: narrowed by period, who acted, customer, order and action,
newest first, a page at a time with how many match; each event's change in words."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import Response

from milkrun.audit import queries as audit_queries
from milkrun.db.pagination import InvalidCursor
from milkrun.db.session import mark_failed
from milkrun.errors import MilkrunError
from milkrun.reports.errors import InvalidRange
from milkrun.reports.months import start_instant
from milkrun.web.audit_words import ACTIONS, changes
from milkrun.web.forms import form_date, record_id
from milkrun.web.pages import AdminVisit

router = APIRouter(prefix="/admin/audit")
PAGE = 50


@router.get("", response_model=None)
def audit_trail(
    visit: AdminVisit,
    start: str = "",
    end: str = "",
    actor: str = "",
    customer: str = "",
    order: str = "",
    action: str = "",
    cursor: str | None = None,
) -> Response:
    typed = {
        "start": start,
        "end": end,
        "actor": actor,
        "customer": customer,
        "order": order,
        "action": action,
    }
    zone, error, status = visit.settings.zone, None, 200
    try:
        since = form_date(start, "The first day is not a date") if start else None
        until = form_date(end, "The last day is not a date") if end else None
        if since and until and until < since:
            raise InvalidRange("The last day comes before the first")
        filters = audit_queries.Filters(
            since=start_instant(since, zone) if since else None,
            until=start_instant(until + dt.timedelta(days=1), zone) if until else None,
            actor=actor.strip() or None,
            customer_id=record_id(customer, "customer") if customer.strip() else None,
            order_id=record_id(order, "order") if order.strip() else None,
            action=action.strip() or None,
            in_view=visit.scope.has_event(),
        )
        try:
            events, next_cursor, total = audit_queries.search_events(
                visit.session, filters, limit=PAGE, cursor=cursor
            )
        except InvalidCursor:
            error = (
                "That page link is not valid (it may have been cut short); this is the first page."
            )
            events, next_cursor, total = audit_queries.search_events(
                visit.session, filters, limit=PAGE, cursor=None
            )
    except MilkrunError as exc:
        mark_failed(visit.session, exc)
        events, next_cursor, total, error, status = [], None, 0, exc.detail, exc.status
    kept = {k: v for k, v in typed.items() if v}
    return visit.render(
        "admin/audit/trail.html",
        status_code=status,
        typed=typed,
        error=error,
        actions=ACTIONS,
        total=total,
        events=[
            {
                "event": e,
                "when": e.occurred_at.astimezone(zone),
                "changes": changes(e.before, e.after, zone),
            }
            for e in events
        ],
        next_url=f"?{urlencode({**kept, 'cursor': next_cursor})}" if next_cursor else None,
        first_url=f"?{urlencode(kept)}" if cursor else None,
    )
