from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from milkrun.date_window import BusinessDate
from milkrun.fields import Text
from milkrun.money import Rupees
from milkrun.patching import Patch

TaxRate = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]


class ProductCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sku: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
    name: Annotated[str, Text(120)]
    unit: Annotated[str, Text(60)]
    tax_rate: TaxRate = Decimal(0)
    price: Rupees
    effective_from: BusinessDate | None = None


class ProductUpdate(Patch):
    name: Annotated[str, Text(120)] | None = None
    unit: Annotated[str, Text(60)] | None = None
    tax_rate: TaxRate | None = None
    is_active: bool | None = None


class ProductRead(BaseModel):
    id: int
    sku: str
    name: str
    unit: str
    tax_rate: str
    price: str | None = Field(description="The price effective today; null before the first one")
    is_active: bool


class PriceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    price: Rupees
    effective_from: BusinessDate


class PriceRead(BaseModel):
    id: int
    product_id: int
    price: str
    effective_from: BusinessDate
    created_at: dt.datetime
