"""The owner's view of the outbox: list messages and dead letters, send one again."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, literal, select, update
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit import service as audit
from milkrun.config import Settings
from milkrun.db.pagination import paginate
from milkrun.notify import rendering
from milkrun.notify.errors import MessageNotFound, NotRetriable
from milkrun.notify.models import MessageStatus, OutboxMessage
from milkrun.notify.outbox import MESSAGES
from milkrun.notify.schemas import TemplateRead, TemplateVariant
from milkrun.notify.templates import LANGUAGES, REGISTRY, SAMPLES, Template

RETRIABLE = (MessageStatus.dead.value, MessageStatus.skipped.value)


def list_messages(
    session: Session,
    *,
    limit: int,
    cursor: str | None,
    status: MessageStatus | None = None,
    customer_id: int | None = None,
    customers: Select[Any] | None = None,
) -> tuple[Sequence[OutboxMessage], str | None]:
    """Messages newest first; ``status=dead`` is the dead-letter list; ``customers``: the
    customers in view (an admin limited to one hub sees the messages to its hub's customers)."""
    statement = select(OutboxMessage)
    if customers is not None:
        statement = statement.where(OutboxMessage.customer_id.in_(customers))
    if status is not None:
        statement = statement.where(OutboxMessage.status == status.value)
    if customer_id is not None:
        statement = statement.where(OutboxMessage.customer_id == customer_id)
    return paginate(
        session, statement, OutboxMessage.id, limit=limit, cursor=cursor, newest_first=True
    )


def latest_to(session: Session, customer_id: int, count: int = 5) -> Sequence[OutboxMessage]:
    """The last few messages written to a customer, newest first (the customer's page)."""
    return session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.customer_id == customer_id)
        .order_by(OutboxMessage.id.desc())
        .limit(count)
    ).all()


def counts_by_status(session: Session, customers: Select[Any] | None = None) -> dict[str, int]:
    """How many messages (to ``customers``, when given) are in each state (every state named,
    zero included)."""
    statement = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    if customers is not None:
        statement = statement.where(OutboxMessage.customer_id.in_(customers))
    found = dict(session.execute(statement).all())
    return {s.value: int(found.get(s.value, 0)) for s in MessageStatus}


def get_message(
    session: Session, message_id: int, customers: Select[Any] | None = None
) -> OutboxMessage:
    """The message; one to a customer outside ``customers`` (when given) is not found."""
    message = session.get(OutboxMessage, message_id)
    outside = (
        customers is not None
        and message is not None
        and not session.scalar(select(literal(message.customer_id).in_(customers)))
    )
    if message is None or outside:
        raise MessageNotFound(f"There is no message {message_id}")
    return message


def retry(
    session: Session, message_id: int, actor: audit.Actor, customers: Select[Any] | None = None
) -> OutboxMessage:
    """Send a dead letter (or a skipped message, after an opt-in) again: it is due now, with a
    fresh count of attempts and its own idempotency key, so a provider that took it after all
    does not deliver it twice. Anything else is 409."""
    message = get_message(session, message_id, customers)
    before = {"status": message.status, "attempts": message.attempts}
    moved = session.execute(
        update(MESSAGES)
        .where(MESSAGES.c.id == message_id, MESSAGES.c.status.in_(RETRIABLE))
        .values(
            status=MessageStatus.pending.value,
            attempts=0,
            next_attempt_at=clock.now(),
            dead_at=None,
            last_error=None,
        )
    )
    if int(moved.rowcount) != 1:  # type: ignore[attr-defined]
        raise NotRetriable(
            f"Message {message_id} is {message.status}; only a dead or skipped message is "
            "sent again"
        )
    session.refresh(message)
    audit.record(
        session,
        actor,
        "message.retry",
        "outbox_message",
        message_id,
        before=before,
        after={"status": message.status, "attempts": message.attempts},
        customer_id=message.customer_id,
    )
    return message


def templates(settings: Settings) -> list[TemplateRead]:
    """The registry, each template in each language with its preview on sample data."""
    return [
        TemplateRead(
            name=t.name,
            category=t.category,
            is_urgent=t.is_urgent,
            whatsapp_name=t.whatsapp_name,
            dlt_template_id=t.dlt_template_id,
            parameters=list(t.parameters),
            variants=[
                TemplateVariant(
                    language=language,
                    text=t.text(language),
                    dlt_registered_text=t.dlt_registered_text(language),
                    subject=t.subject(language),
                    preview=preview(t, language, SAMPLES[t.name], settings),
                )
                for language in LANGUAGES
            ],
        )
        for t in REGISTRY.values()
    ]


def preview(template: Template, language: str, params: dict[str, Any], settings: Settings) -> str:
    shown = template.prepare(language, params, settings.zone)
    return rendering.render(template.text(language), {**shown, "business": settings.business_name})
