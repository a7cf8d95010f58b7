"""The JSON shapes of hubs and holidays (``/api/v1/hubs``, ``/api/v1/holidays``)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from milkrun.date_window import BusinessDate
from milkrun.inputs.fields import RecordId


class HubCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=80)


class HubChoice(BaseModel):
    """The hub a route is placed on, or an admin limited to; null: none (every hub)."""

    model_config = ConfigDict(extra="forbid")
    hub_id: RecordId | None


class HubRead(BaseModel):
    id: int
    name: str
    routes: int
    customers: int


class HubPlacement(BaseModel):
    """A route's or an admin's hub after the change."""

    id: int
    hub_id: int | None


class HolidayCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    holiday_date: BusinessDate
    hub_id: RecordId | None = None
    reason: str = Field(default="", max_length=200)


class HolidayRead(BaseModel):
    id: int
    holiday_date: dt.date
    hub_id: int | None
    reason: str


class HolidayDeclared(HolidayRead):
    customers_told: int
    orders_cancelled: int
