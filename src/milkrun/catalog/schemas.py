from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from milkrun.date_window import BusinessDate
from milkrun.inputs.fields import RecordId, Text
from milkrun.inputs.patching import Patch
from milkrun.money import Rupees

TaxRate = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]
# A Harmonised System code: 4, 6 or 8 digits (0401 milk, 0405 ghee).
HsnCode = Annotated[str, Field(pattern=r"^[0-9]{4}([0-9]{2}){0,2}$")]


class ProductCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sku: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
    name: Annotated[str, Text(120)]
    unit: Annotated[str, Text(60)]
    tax_rate: TaxRate = Decimal(0)
    hsn_code: HsnCode | None = None
    price: Rupees
    effective_from: BusinessDate | None = None


class ProductUpdate(Patch):
    """``hsn_code: null`` clears the HSN code."""

    nullable: ClassVar[frozenset[str]] = frozenset({"hsn_code"})
    name: Annotated[str, Text(120)] | None = None
    unit: Annotated[str, Text(60)] | None = None
    tax_rate: TaxRate | None = None
    hsn_code: HsnCode | None = None
    is_active: bool | None = None


class ProductRead(BaseModel):
    id: int
    sku: str
    name: str
    unit: str
    tax_rate: str
    hsn_code: str | None = None
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


class BulkPriceChange(BaseModel):
    """New prices for many products at once, from one date: each product's price on that date
    raised (or lowered) by ``rupees`` or by ``percent`` (exactly one of the two)."""

    model_config = ConfigDict(extra="forbid")
    product_ids: list[RecordId] = Field(min_length=1, max_length=500)
    rupees: Decimal | None = Field(
        default=None,
        ge=-10_000,
        le=10_000,
        max_digits=7,
        decimal_places=2,
        description="Add this many rupees to each price (negative lowers it)",
    )
    percent: Decimal | None = Field(
        default=None,
        gt=-100,
        le=1000,
        max_digits=6,
        decimal_places=2,
        description="Change each price by this percentage, rounded to the paisa",
    )
    effective_from: dt.date
    dry_run: bool = Field(default=False, description="Say what would change; change nothing")

    @model_validator(mode="after")
    def _one_change(self) -> BulkPriceChange:
        if (self.rupees is None) == (self.percent is None):
            raise ValueError("give either rupees or percent")
        return self


class BulkPriceLine(BaseModel):
    product_id: int
    sku: str
    name: str
    price_before: str
    price_after: str


class PriceReach(BaseModel):
    """Who a price change reaches: active subscriptions (and their customers) to the products on
    the day, and the change of their monthly bill at their current schedules."""

    subscriptions: int
    customers: int
    monthly_change: str = Field(description="Rupees a month, all reached customers together")


class BulkPriceRead(BaseModel):
    effective_from: dt.date
    dry_run: bool
    changes: list[BulkPriceLine]
    reach: PriceReach


class TaxRateCreate(BaseModel):
    """A product's GST rate from a date on (until its next dated rate)."""

    model_config = ConfigDict(extra="forbid")
    tax_rate: TaxRate
    effective_from: BusinessDate


class TaxRateRead(BaseModel):
    id: int
    product_id: int
    tax_rate: str
    effective_from: dt.date
    created_at: dt.datetime
