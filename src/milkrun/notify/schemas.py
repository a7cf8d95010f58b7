from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict

from milkrun.inputs.fields import Text
from milkrun.notify.models import Channel


class MessageRead(BaseModel):
    """A message as the owner sees it: where it stands, not its parameters (a link's token)."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    idempotency_key: str
    template: str
    is_urgent: bool
    customer_id: int | None
    recipient: str | None
    entity_type: str | None
    entity_id: int | None
    status: str
    channel: str | None
    language: str | None
    attempts: int
    next_attempt_at: dt.datetime
    last_error: str | None
    provider_message_id: str | None
    delivery_status: str | None
    delivery_status_at: dt.datetime | None
    created_at: dt.datetime
    sent_at: dt.datetime | None
    dead_at: dt.datetime | None


class UsageRead(BaseModel):
    month: str
    sent: int
    cap: int | None
    remaining: int | None


class ConsentUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    opted_in: bool
    # How the customer said so: "web", "paper form", "whatsapp reply", "phone call"...
    source: Annotated[str, Text(40)]


class ConsentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    customer_id: int
    channel: Channel
    is_opted_in: bool
    source: str
    recorded_at: dt.datetime
    recorded_by_user_id: int | None


class TemplateVariant(BaseModel):
    language: str
    text: str
    dlt_registered_text: str
    subject: str
    preview: str


class TemplateRead(BaseModel):
    name: str
    category: str
    is_urgent: bool
    whatsapp_name: str
    dlt_template_id: str
    parameters: list[str]
    variants: list[TemplateVariant]
