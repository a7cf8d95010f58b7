from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class BillLinkCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # How long the link works; MILKRUN_BILL_LINK_DAYS when not given.
    days: Annotated[int, Field(ge=1, le=365)] | None = None


class BillLinkRead(BaseModel):
    """A bill link as the admin sees it later: never its token."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    invoice_id: int
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    created_by_user_id: int
    created_at: dt.datetime


class BillLinkCreated(BillLinkRead):
    """The answer to creating a link: the only time its token and URL are shown."""

    url: str
    token: str
