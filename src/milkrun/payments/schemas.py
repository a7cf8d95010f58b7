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


class CashAtDoorRequest(BaseModel):
    """Cash taken at a stop (POST /delivery-boy/cash): it stays with the delivery boy until the
    owner confirms his handover."""

    model_config = ConfigDict(extra="forbid")
    customer_id: RecordId
    delivery_date: dt.date
    amount: Amount


class CashCollectionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    customer_id: int
    route_id: int | None
    collection_date: dt.date
    amount_paise: int
    collected_by_user_id: int
    collected_at: dt.datetime
    handover_id: int | None
    payment_id: int | None


class HandoverConfirm(BaseModel):
    """The owner's count of a delivery boy's cash for a day (POST /cash-handovers)."""

    model_config = ConfigDict(extra="forbid")
    delivery_boy_id: RecordId
    date: dt.date
    handed_over: Amount
    note: Annotated[str, Text(200)] | None = None


class HandoverLine(BaseModel):
    """A delivery boy's cash for a day: collected (not yet handed over, or confirmed), what he
    handed over, the difference (handed over less collected), and who confirmed it when."""

    delivery_boy_id: int
    delivery_boy: str
    date: dt.date
    collections: int
    collected_paise: int
    handed_over_paise: int | None
    difference_paise: int | None
    handover_id: int | None
    confirmed_by: str | None
    confirmed_at: dt.datetime | None
    note: str | None
