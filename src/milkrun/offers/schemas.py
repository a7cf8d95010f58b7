from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from milkrun.date_window import BusinessDate
from milkrun.inputs.fields import RecordId
from milkrun.orders.schemas import Quantity


class OfferAccept(BaseModel):
    """A customer's yes to an offer: how many."""

    model_config = ConfigDict(extra="forbid")
    quantity: Quantity


class OfferCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    offer_date: BusinessDate
    product_id: RecordId
    title: str = Field(min_length=1, max_length=120)
    description: str = Field(default="", max_length=500)


class OfferRead(BaseModel):
    id: int
    offer_date: dt.date
    title: str
    description: str
    product_name: str
    unit: str
    price: str | None
    accepted: int


class AcceptedRead(BaseModel):
    """A customer's yes to an offer: the one-time order it made."""

    acceptance_id: int
    order_id: int
    delivery_date: dt.date
    quantity: int
