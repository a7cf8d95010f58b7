from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict

from milkrun.date_window import BusinessDate
from milkrun.inputs.fields import RecordId, Text


class LinkCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    route_id: RecordId
    delivery_date: BusinessDate
    label: Annotated[str, Text(80)]
    expires_at: AwareDatetime | None = None
    # A substitute's phone: the link is also sent there as a message (WhatsApp or SMS).
    send_to: Annotated[str, Text(32, min_length=5)] | None = None


class LinkRead(BaseModel):
    """A link as the admin sees it later: never its token."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    route_id: int
    delivery_date: dt.date
    label: str
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    created_by_user_id: int
    created_at: dt.datetime


class LinkCreated(LinkRead):
    """The answer to creating a link: the only time its token and URL are shown."""

    url: str
    token: str


class LinkHolder(BaseModel):
    """What a link's page shows about the link itself."""

    label: str
    route_id: int
    delivery_date: dt.date
    expires_at: dt.datetime
