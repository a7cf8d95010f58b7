from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from milkrun.date_window import ReceivedAt
from milkrun.inputs.fields import RecordId, Text
from milkrun.payments.models import PaymentMethod

# Any amount that fits a paise column is read; zero and negative ones are refused by the
# service with a clear 400 (a business refusal), not a 422.
Amount = Annotated[Decimal, Field(max_digits=9, decimal_places=2)]


class PaymentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    customer_id: RecordId
    amount: Amount
    method: PaymentMethod
    reference: Annotated[str, Text(80)] | None = None
    received_at: Annotated[AwareDatetime, ReceivedAt] | None = None


class PaymentRead(BaseModel):
    id: int
    customer_id: int
    amount: str
    method: PaymentMethod
    reference: str | None
    received_at: dt.datetime
    created_at: dt.datetime
    # Where the money went: {"invoice_id", "number", "amount"}, oldest invoice first.
    allocations: list[AllocationRead] = []
    unallocated: str


class AllocationRead(BaseModel):
    invoice_id: int
    number: str | None
    amount: str


PaymentRead.model_rebuild()
