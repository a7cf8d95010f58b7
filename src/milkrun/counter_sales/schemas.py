from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from milkrun.counter_sales.models import SaleMethod
from milkrun.inputs.fields import RecordId


class SaleLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    product_id: RecordId
    quantity: int = Field(gt=0, le=999)


class CounterSaleCreate(BaseModel):
    """A walk-in sale: the products and quantities, and how it was paid (in full)."""

    model_config = ConfigDict(extra="forbid")

    lines: list[SaleLineIn] = Field(min_length=1, max_length=50)
    method: SaleMethod
    reference: str | None = Field(default=None, max_length=80)


class CounterSaleVoid(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=200)


class SaleLineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    product_id: int
    product_name: str
    quantity: int
    unit_price_paise: int
    amount_paise: int
    tax_rate_bps: int
    hsn_code: str | None
    taxable_paise: int
    cgst_paise: int
    sgst_paise: int


class CounterSaleRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    number: str
    sale_date: dt.date
    method: str
    reference: str | None
    status: str
    total_paise: int
    taxable_paise: int
    cgst_paise: int
    sgst_paise: int
    void_reason: str | None
    voided_at: dt.datetime | None
    recorded_at: dt.datetime
    lines: list[SaleLineRead]


class DayTotals(BaseModel):
    """A day's counter sales: live (not void) sales and their money, per method, and the voids."""

    day: dt.date
    sales: int
    total_paise: int
    cash_paise: int
    upi_paise: int
    tax_paise: int
    voided: int
