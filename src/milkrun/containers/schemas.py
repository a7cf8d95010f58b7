from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from milkrun.inputs.fields import RecordId, Text
from milkrun.inputs.patching import Patch
from milkrun.money import Rupees


class ContainerCount(BaseModel):
    """Containers of one type handed over at a stop: full ones given, empty ones taken back."""

    model_config = ConfigDict(extra="forbid")
    container_type_id: RecordId
    given: int = Field(default=0, ge=0, le=1000)
    returned: int = Field(default=0, ge=0, le=1000)


class StopContainersRequest(BaseModel):
    """What a stop gave and took back (POST /delivery-boy/containers)."""

    model_config = ConfigDict(extra="forbid")
    customer_id: RecordId
    delivery_date: dt.date
    containers: list[ContainerCount] = Field(min_length=1, max_length=20)


class LostContainersRequest(BaseModel):
    """Containers a customer will not give back: written off, the deposit kept."""

    model_config = ConfigDict(extra="forbid")
    customer_id: RecordId
    container_type_id: RecordId
    lost: int = Field(ge=1, le=1000)
    date: dt.date | None = None


class MovementRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    customer_id: int
    route_id: int | None
    container_type_id: int
    movement_date: dt.date
    kind: str
    given: int
    returned: int
    lost: int
    deposit_paise: int = Field(description="Charged (positive) or refunded (negative)")
    recorded_at: dt.datetime


class Holding(BaseModel):
    """What a customer holds of one container type, and the deposit paid on them."""

    container_type_id: int
    container: str
    held: int
    deposit_paise: int


class StopContainersResult(BaseModel):
    customer_id: int
    delivery_date: dt.date
    movements: list[MovementRead]
    holdings: list[Holding]


class CustomerContainers(BaseModel):
    customer_id: int
    holdings: list[Holding]
    movements: list[MovementRead]


class RouteDayCount(BaseModel):
    """A route's containers of a day: out (given), back (taken back), missing (out, not back)."""

    route_id: int
    route: str
    container_type_id: int
    container: str
    out: int
    back: int
    missing: int


class ContainerTypeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    deposit_paise: int
    is_active: bool


class ContainerTypeCreate(BaseModel):
    """A new kind of returnable container and the deposit on each, in rupees."""

    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, Text(80)]
    deposit: Rupees


class ContainerTypeUpdate(Patch):
    """A type's new name, deposit (for containers given from now on) or ``is_active``."""

    name: Annotated[str, Text(80)] | None = None
    deposit: Rupees | None = None
    is_active: bool | None = None


class ProductContainer(BaseModel):
    """The container a product comes in; ``null``: in none (not returnable)."""

    model_config = ConfigDict(extra="forbid")
    container_type_id: RecordId | None


class ProductContainerRead(BaseModel):
    product_id: int
    container_type_id: int | None
