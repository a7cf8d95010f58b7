from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from milkrun.customers.schemas import AccuracyMetres, Latitude, Longitude
from milkrun.date_window import BusinessDate
from milkrun.deliveries.models import DeliveryOutcome, NotDeliveredReason
from milkrun.inputs.fields import RecordId, Text
from milkrun.links.schemas import LinkHolder

Notes = Annotated[str, Text(500)]


class WhereMarked(BaseModel):
    """Optional proof of delivery: where the phone was at the mark (both coordinates or
    neither; the accuracy the phone reports, in metres)."""

    latitude: Latitude | None = Field(
        default=None, description="Optional: the phone's latitude at the mark (WGS 84)"
    )
    longitude: Longitude | None = Field(
        default=None, description="Optional: the phone's longitude at the mark (WGS 84)"
    )
    accuracy_m: AccuracyMetres | None = Field(
        default=None, description="Optional: how precise the phone says the location is, metres"
    )

    @model_validator(mode="after")
    def _both_or_neither(self) -> WhereMarked:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("give both latitude and longitude, or neither")
        if self.accuracy_m is not None and self.latitude is None:
            raise ValueError("accuracy_m comes with a latitude and a longitude")
        return self


class MarkRequest(WhereMarked):
    """What happened to one order (POST /delivery-boy/mark-delivered and the link's)."""

    model_config = ConfigDict(extra="forbid")
    order_id: RecordId
    customer_id: RecordId
    status: DeliveryOutcome
    quantity_delivered: int | None = Field(
        default=None,
        ge=0,
        le=10_000,
        description="Required for partially_delivered; delivered means the whole quantity, "
        "not_delivered means 0",
    )
    reason: NotDeliveredReason | None = Field(
        default=None, description="Required for not_delivered; allowed for partially_delivered"
    )
    notes: Notes | None = None
    delivery_date: BusinessDate | None = Field(
        default=None,
        description="Optional: the date the caller's screen shows; refused unless it is the "
        "order's delivery date",
    )


class StopMarkRequest(WhereMarked):
    """Every order at one stop (a customer on a date) at once."""

    model_config = ConfigDict(extra="forbid")
    customer_id: RecordId
    delivery_date: dt.date
    status: Literal[DeliveryOutcome.delivered, DeliveryOutcome.not_delivered]
    reason: NotDeliveredReason | None = None
    notes: Notes | None = None


class MarkResult(BaseModel):
    order_id: int
    customer_id: int
    delivery_date: dt.date
    status: DeliveryOutcome
    quantity: int
    quantity_delivered: int
    reason: NotDeliveredReason | None
    notes: str | None
    recorded_at: dt.datetime
    recorded_by: str = Field(description="The name of the login, or 'link: <label>'")
    recorded_by_user_id: int | None
    recorded_by_link_id: int | None
    changed: bool = Field(description="False when the order already had exactly this mark")


class StopMarkResult(BaseModel):
    customer_id: int
    delivery_date: dt.date
    orders: list[MarkResult]


Change = Literal["paused", "quantity_changed", "one_time", "new_customer"]


class ManifestRoute(BaseModel):
    id: int
    name: str
    area: str
    shift: str


class Person(BaseModel):
    id: int
    name: str


class ManifestCustomer(BaseModel):
    id: int
    name: str
    address: str
    phone: str


class ManifestOrder(BaseModel):
    id: int
    product_id: int
    product: str
    unit: str
    shift: str
    quantity: int
    usual_quantity: int | None = Field(
        description="What the subscription usually brings on this day (None: one-time order)"
    )
    status: str
    quantity_delivered: int | None
    reason: NotDeliveredReason | None
    notes: str | None
    one_time: bool


class ManifestStop(BaseModel):
    sequence: int | None
    customer: ManifestCustomer
    orders: list[ManifestOrder]
    changes: list[Change]


class LoadLine(BaseModel):
    product_id: int
    product: str
    unit: str
    quantity: int = Field(description="Units of the day's orders that are not cancelled")
    remaining: int = Field(description="Units of those orders not marked yet")


class Progress(BaseModel):
    stops: int
    orders: int
    marked: int


class Manifest(BaseModel):
    route: ManifestRoute
    date: dt.date
    delivery_boy: Person | None
    stops: list[ManifestStop]
    load_sheet: list[LoadLine]
    progress: Progress
    as_of: dt.datetime = Field(description="When the dairy read this manifest (its clock)")


class DeliveryBoyManifests(BaseModel):
    """The routes a delivery boy walks on a date (his own and any he substitutes on)."""

    date: dt.date
    routes: list[Manifest]


class LinkManifest(Manifest):
    link: LinkHolder


class DayCloseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    date: dt.date


class DayCloseRead(BaseModel):
    """What the close of a day did: orders it marked delivered or not delivered on the dairy's
    policy, orders it left for review, orders people had marked; and how many are still
    unresolved now."""

    date: dt.date
    policy: str
    trigger: str
    first_closed_at: dt.datetime
    closed_at: dt.datetime
    delivered: int
    not_delivered: int
    review: int
    marked: int
    unresolved: int


class UnresolvedOrder(BaseModel):
    """An order of a past day nobody has marked (the owner's review list)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    customer_id: int
    product_id: int
    delivery_date: dt.date
    shift: str
    quantity: int
    route_id: int | None
