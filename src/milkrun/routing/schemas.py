from __future__ import annotations

import datetime as dt
from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from milkrun.inputs.fields import RecordId, Text
from milkrun.inputs.patching import Patch
from milkrun.routing.models import Shift


class RouteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, Text(80)]
    area: Annotated[str, Text(80)]
    shift: Shift
    delivery_boy_id: RecordId | None = None


class RouteUpdate(Patch):
    nullable: ClassVar[frozenset[str]] = frozenset({"delivery_boy_id"})
    name: Annotated[str, Text(80)] | None = None
    area: Annotated[str, Text(80)] | None = None
    shift: Shift | None = None
    delivery_boy_id: RecordId | None = None
    is_active: bool | None = None


class RouteRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    area: str
    shift: Shift
    delivery_boy_id: int | None
    hub_id: int | None
    is_active: bool
    created_at: dt.datetime


class StopOrder(BaseModel):
    """Every active customer of the route, in the order the delivery boy visits them."""

    model_config = ConfigDict(extra="forbid")
    customer_ids: list[RecordId] = Field(min_length=1, max_length=2000)


class Stop(BaseModel):
    sequence: int
    customer_id: int
    name: str
    address: str


class StopsRead(BaseModel):
    route_id: int
    stops: list[Stop]


class SubstituteSet(BaseModel):
    model_config = ConfigDict(extra="forbid")
    delivery_boy_id: RecordId


class SubstituteRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    route_id: int
    delivery_date: dt.date
    delivery_boy_id: int
    created_at: dt.datetime
