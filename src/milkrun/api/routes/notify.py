"""Messages: the outbox and its dead letters, the monthly count, the templates, customers'
channel opt-ins, and WhatsApp's delivery-status webhook."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse
from starlette.concurrency import run_in_threadpool

from milkrun.api.deps import (
    DEFAULT_LIMIT,
    ActorDep,
    AdminUser,
    Cursor,
    IdFilter,
    Limit,
    PathId,
    ScopeDep,
    SessionDep,
    SettingsDep,
)
from milkrun.db.pagination import Page
from milkrun.notify import consent, service, webhooks
from milkrun.notify.models import Channel, MessageStatus
from milkrun.notify.schemas import (
    ConsentRead,
    ConsentUpdate,
    MessageRead,
    TemplateRead,
    UsageRead,
)

router = APIRouter(tags=["messages"])
webhook = APIRouter(prefix="/webhooks/whatsapp", tags=["messages"])


def _page(messages: object, next_cursor: str | None) -> Page[MessageRead]:
    items = [MessageRead.model_validate(m) for m in messages]  # type: ignore[attr-defined]
    return Page[MessageRead](items=items, next_cursor=next_cursor)


@router.get("/outbox", response_model=Page[MessageRead])
def list_messages(
    _: AdminUser,
    scope: ScopeDep,
    session: SessionDep,
    status: MessageStatus | None = None,
    customer_id: IdFilter = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[MessageRead]:
    """Messages, newest first, where each stands (pending, sending, sent, skipped, dead)."""
    return _page(
        *service.list_messages(
            session,
            limit=limit,
            cursor=cursor,
            status=status,
            customer_id=customer_id,
            customers=scope.customer_filter,
        )
    )


@router.get("/outbox/dead-letters", response_model=Page[MessageRead])
def list_dead_letters(
    _: AdminUser,
    scope: ScopeDep,
    session: SessionDep,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[MessageRead]:
    """Messages the relay gave up on after its last attempt, with the last error."""
    return _page(
        *service.list_messages(
            session,
            limit=limit,
            cursor=cursor,
            status=MessageStatus.dead,
            customers=scope.customer_filter,
        )
    )


@router.get("/outbox/usage", response_model=UsageRead)
def usage(_: AdminUser, session: SessionDep, settings: SettingsDep) -> UsageRead:
    """Messages sent this month against the dairy's monthly cap."""
    found = consent.usage(session, settings)
    return UsageRead(month=found.month, sent=found.sent, cap=found.cap, remaining=found.remaining)


@router.get("/outbox/templates", response_model=list[TemplateRead])
def list_templates(_: AdminUser, settings: SettingsDep) -> list[TemplateRead]:
    """Every template in every language, with its DLT registration and a preview."""
    return service.templates(settings)


@router.get("/outbox/{message_id}", response_model=MessageRead)
def get_message(
    message_id: PathId, _: AdminUser, scope: ScopeDep, session: SessionDep
) -> MessageRead:
    return MessageRead.model_validate(
        service.get_message(session, message_id, scope.customer_filter)
    )


@router.post("/outbox/{message_id}/retry", response_model=MessageRead)
def retry_message(
    message_id: PathId, _: AdminUser, scope: ScopeDep, actor: ActorDep, session: SessionDep
) -> MessageRead:
    """Send a dead (or skipped) message again; anything else is 409."""
    return MessageRead.model_validate(
        service.retry(session, message_id, actor, scope.customer_filter)
    )


@router.get("/customers/{customer_id}/message-consents", response_model=list[ConsentRead])
def list_consents(customer_id: PathId, _: AdminUser, session: SessionDep) -> list[ConsentRead]:
    return [ConsentRead.model_validate(c) for c in consent.consents_of(session, customer_id)]


@router.put("/customers/{customer_id}/message-consents/{channel}", response_model=ConsentRead)
def record_consent(
    customer_id: PathId,
    channel: Channel,
    body: ConsentUpdate,
    _: AdminUser,
    actor: ActorDep,
    session: SessionDep,
) -> ConsentRead:
    """Record the customer's opt-in (or opt-out) for a channel, and how it was given."""
    found = consent.record_consent(
        session, customer_id, channel, opted_in=body.opted_in, source=body.source, actor=actor
    )
    return ConsentRead.model_validate(found)


@webhook.get("", response_class=PlainTextResponse)
def verify_webhook(
    settings: SettingsDep,
    mode: Annotated[str | None, Query(alias="hub.mode", max_length=40)] = None,
    token: Annotated[str | None, Query(alias="hub.verify_token", max_length=200)] = None,
    challenge: Annotated[str, Query(alias="hub.challenge", max_length=200)] = "",
) -> PlainTextResponse:
    """Meta's subscription handshake: the challenge back when the verify token is ours."""
    if not webhooks.verify_subscription(
        mode, token, settings.whatsapp_verify_token.get_secret_value()
    ):
        return PlainTextResponse("verification failed", status_code=403)
    return PlainTextResponse(challenge)


@webhook.post("")
async def receive_webhook(request: Request) -> dict[str, int]:
    """Delivery statuses (sent, delivered, read, failed) for messages sent on WhatsApp, signed
    with X-Hub-Signature-256; an unsigned or wrongly signed call is 403 and changes nothing."""
    settings = request.app.state.settings
    body = await request.body()
    webhooks.verify_signature(
        body,
        request.headers.get("x-hub-signature-256"),
        settings.whatsapp_app_secret.get_secret_value(),
    )
    database = request.app.state.database

    def apply() -> int:
        with database.session_scope(write=True) as session:
            return webhooks.apply_statuses(session, body)

    return {"updated": await run_in_threadpool(apply)}
