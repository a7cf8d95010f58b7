"""Messages for the owner: the outbox (/admin/messages) — every message with its state, the
dead letters to send again, the month's count against the dairy's cap — and the preview of the
message templates, each in each language, on sample data (/admin/messages/templates)."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from milkrun.customers import queries as customer_queries
from milkrun.db.session import mark_failed
from milkrun.errors import MilkrunError
from milkrun.http.deps import PathId
from milkrun.notify import consent
from milkrun.notify import service as notify_service
from milkrun.notify.models import MessageStatus
from milkrun.web.pages import AdminVisit, PageVisit

router = APIRouter(prefix="/admin")
PAGE = 50
LANGUAGE_NAMES = {"en": "English", "hi": "हिन्दी (Hindi)", "kn": "ಕನ್ನಡ (Kannada)"}
STATES = {
    MessageStatus.pending.value: "Waiting",
    MessageStatus.sending.value: "Sending",
    MessageStatus.sent.value: "Sent",
    MessageStatus.skipped.value: "Not sent (no channel)",
    MessageStatus.dead.value: "Failed (dead letter)",
}


def show(
    visit: PageVisit,
    *,
    status: str = "",
    cursor: str | None = None,
    status_code: int = 200,
    error: str | None = None,
    retried: int | None = None,
) -> Response:
    session, customers = visit.session, visit.scope.customer_filter
    chosen = MessageStatus(status) if status in STATES else None
    try:
        messages, next_cursor = notify_service.list_messages(
            session, limit=PAGE, cursor=cursor, status=chosen, customers=customers
        )
    except MilkrunError as exc:  # a cursor this page did not give out: the first page
        messages, next_cursor = notify_service.list_messages(
            session, limit=PAGE, cursor=None, status=chosen, customers=customers
        )
        status_code, error = exc.status, exc.detail
    counts = notify_service.counts_by_status(session, customers)
    next_link = (
        "/admin/messages?" + urlencode({"status": chosen or "", "cursor": next_cursor})
        if next_cursor
        else None
    )
    return visit.render(
        "admin/messages/outbox.html",
        status_code=status_code,
        messages=messages,
        names=customer_queries.names_of(
            session, [m.customer_id for m in messages if m.customer_id is not None]
        ),
        counts=counts,
        total=counts[chosen.value] if chosen else sum(counts.values()),
        chosen=chosen.value if chosen else "",
        states=STATES,
        retriable=notify_service.RETRIABLE,
        usage=consent.usage(session, visit.settings),
        first_page=cursor is None,
        next_link=next_link,
        error=error,
        retried=retried,
        zone=visit.settings.zone,
    )


@router.get("/messages", response_model=None)
def outbox(
    visit: AdminVisit, status: str = "", cursor: str | None = None, retried: str = ""
) -> Response:
    return show(
        visit,
        status=status,
        cursor=cursor,
        retried=int(retried) if retried.isdigit() else None,
    )


@router.post("/messages/{message_id}/retry", response_model=None)
def retry(visit: AdminVisit, message_id: PathId) -> Response:
    """Send a dead letter (or a skipped message) again; anything else re-renders the outbox
    with the reason and changes nothing."""
    try:
        notify_service.retry(visit.session, message_id, visit.actor, visit.scope.customer_filter)
    except MilkrunError as exc:
        mark_failed(visit.session, exc)
        return show(visit, status_code=exc.status, error=exc.detail)
    return RedirectResponse(f"/admin/messages?retried={message_id}", status_code=303)


@router.get("/messages/templates", response_model=None)
def message_templates(visit: AdminVisit) -> Response:
    return visit.render(
        "admin/message_templates.html",
        templates=notify_service.templates(visit.settings),
        language_names=LANGUAGE_NAMES,
    )
