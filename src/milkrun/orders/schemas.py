from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from milkrun.date_window import BusinessDate
from milkrun.inputs.fields import RecordId, Text
from milkrun.routing.models import Shift

Quantity = Annotated[int, Field(ge=1, le=99)]


class MyOrderCreate(BaseModel):
    """A customer's own one-time order (POST /me/orders)."""

    model_config = ConfigDict(extra="forbid")
    product_id: RecordId
    delivery_date: BusinessDate
    quantity: Quantity
    shift: Shift | None = Field(
        default=None, description="Default: the shift of the customer's route, else morning"
    )


class OrderCreate(MyOrderCreate):
    customer_id: RecordId


class OrderRead(BaseModel):
    id: int
    customer_id: int
    product_id: int
    subscription_id: int | None
    delivery_date: dt.date
    shift: Shift
    quantity: int
    unit_price: str
    amount: str
    status: str
    route_id: int | None
    invoice_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime


class GenerateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    date: BusinessDate
    dry_run: bool = False
    # A date before today only with past=true and a reason (audited), in a month still open.
    past: bool = False
    reason: Annotated[str, Text(200)] | None = None


class GenerateReport(BaseModel):
    date: dt.date
    dry_run: bool
    created: int = Field(description="Orders added (or a cancelled one scheduled again: updated)")
    updated: int
    cancelled: int
    unchanged: int
    holidays: list[str] = Field(
        default_factory=list,
        description='The date\'s holidays ("Jayanagar: Diwali"): their customers get no order',
    )


class UpcomingOrder(BaseModel):
    """One delivery expected on a date: an order, or (``materialized`` false) what the schedule
    will make of it when the date is materialized."""

    delivery_date: dt.date
    order_id: int | None
    subscription_id: int | None
    product_id: int
    product_name: str
    shift: Shift
    quantity: int
    unit_price: str
    amount: str
    status: str
    materialized: bool


class UpcomingOrders(BaseModel):
    start_date: dt.date
    end_date: dt.date
    items: list[UpcomingOrder]
