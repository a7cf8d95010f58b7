from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict


class AuditEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    occurred_at: dt.datetime
    actor_user_id: int | None
    actor_link_id: int | None
    actor_label: str
    channel: str
    action: str
    entity_type: str
    entity_id: int | None
    customer_id: int | None
    order_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str | None
