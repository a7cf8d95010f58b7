from __future__ import annotations

import datetime as dt
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from milkrun.patching import Patch
from milkrun.routing.models import Shift


class RouteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=80)
    area: str = Field(min_length=1, max_length=80)
    shift: Shift
    delivery_boy_id: int | None = None


class RouteUpdate(Patch):
    nullable: ClassVar[frozenset[str]] = frozenset({"delivery_boy_id"})
    name: str | None = Field(default=None, min_length=1, max_length=80)
    area: str | None = Field(default=None, min_length=1, max_length=80)
    shift: Shift | None = None
    delivery_boy_id: int | None = None
    is_active: bool | None = None


class RouteRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    area: str
    shift: Shift
    delivery_boy_id: int | None
    is_active: bool
    created_at: dt.datetime
