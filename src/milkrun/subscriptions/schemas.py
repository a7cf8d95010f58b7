from __future__ import annotations

import datetime as dt
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from milkrun.date_window import BusinessDate
from milkrun.inputs.fields import RecordId, Text
from milkrun.inputs.patching import Patch
from milkrun.routing.models import Shift
from milkrun.subscriptions.models import WEEKDAYS, ScheduleKind
from milkrun.subscriptions.schedule import Schedule

MAX_QUANTITY = 99

# Units per delivery on a subscription: at least one.
Quantity = Annotated[int, Field(ge=1, le=MAX_QUANTITY)]
# Units on one day (an override, a weekday): 0 means none.
DayQuantity = Annotated[int, Field(ge=0, le=MAX_QUANTITY)]


class DailySchedule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["daily"]
    quantity: Quantity

    def to_schedule(self) -> Schedule:
        return Schedule.daily(self.quantity)


class AlternateDaysSchedule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["alternate_days"]
    quantity: Quantity

    def to_schedule(self) -> Schedule:
        return Schedule.alternate_days(self.quantity)


class EveryNDaysSchedule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["every_n_days"]
    n: int = Field(ge=2, le=365, description="Deliver every n-th day from the anchor date")
    quantity: Quantity

    def to_schedule(self) -> Schedule:
        return Schedule.every_n_days(self.n, self.quantity)


class WeekdayQuantities(BaseModel):
    """A quantity per weekday; days left out get nothing. At least one day needs a quantity."""

    model_config = ConfigDict(extra="forbid")
    mon: DayQuantity = 0
    tue: DayQuantity = 0
    wed: DayQuantity = 0
    thu: DayQuantity = 0
    fri: DayQuantity = 0
    sat: DayQuantity = 0
    sun: DayQuantity = 0

    @model_validator(mode="after")
    def _some_day(self) -> WeekdayQuantities:
        if not any(getattr(self, day) for day in WEEKDAYS):
            raise ValueError("a weekdays schedule needs a quantity above 0 on at least one day")
        return self


class WeekdaysSchedule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["weekdays"]
    quantities: WeekdayQuantities

    def to_schedule(self) -> Schedule:
        return Schedule.weekdays(self.quantities.model_dump())


ScheduleIn = Annotated[
    DailySchedule | AlternateDaysSchedule | EveryNDaysSchedule | WeekdaysSchedule,
    Field(discriminator="kind"),
]


def schedule_out(schedule: Schedule) -> ScheduleIn:
    """A schedule in the API's shape (the same as the request's)."""
    if schedule.kind == ScheduleKind.weekdays:
        assert schedule.weekday_quantities is not None
        return WeekdaysSchedule(
            kind="weekdays",
            quantities=WeekdayQuantities(
                **dict(zip(WEEKDAYS, schedule.weekday_quantities, strict=True))
            ),
        )
    assert schedule.quantity is not None
    if schedule.kind == ScheduleKind.daily:
        return DailySchedule(kind="daily", quantity=schedule.quantity)
    if schedule.kind == ScheduleKind.alternate_days:
        return AlternateDaysSchedule(kind="alternate_days", quantity=schedule.quantity)
    return EveryNDaysSchedule(
        kind="every_n_days", n=schedule.interval_days, quantity=schedule.quantity
    )


class MySubscriptionCreate(BaseModel):
    """A customer's own new subscription (POST /me/subscriptions)."""

    model_config = ConfigDict(extra="forbid")
    product_id: RecordId
    shift: Shift = Shift.morning
    start_date: BusinessDate
    end_date: BusinessDate | None = None
    schedule: ScheduleIn


class SubscriptionCreate(MySubscriptionCreate):
    customer_id: RecordId


class SubscriptionUpdate(Patch):
    """A change to a subscription.

    ``schedule``, ``quantity``, ``product_id`` and ``shift`` change from ``effective_from``
    (default: the first date still open for customers) and leave earlier dates as they were; a
    new schedule counts its alternate / every-n days from ``effective_from``, a new ``quantity``
    alone keeps the rhythm. ``end_date`` (null: no end) and ``start_date`` change the span.
    """

    nullable: ClassVar[frozenset[str]] = frozenset({"end_date"})
    effective_from: BusinessDate | None = None
    schedule: ScheduleIn | None = None
    quantity: Quantity | None = None
    product_id: RecordId | None = None
    shift: Shift | None = None
    start_date: BusinessDate | None = None
    end_date: BusinessDate | None = None

    @model_validator(mode="after")
    def _one_of_schedule_or_quantity(self) -> SubscriptionUpdate:
        if self.schedule is not None and self.quantity is not None:
            raise ValueError("send either schedule or quantity, not both")
        return self


class TermsRead(BaseModel):
    effective_from: dt.date
    product_id: int
    shift: Shift
    schedule: ScheduleIn
    anchor_date: dt.date


SubscriptionStatus = Literal["upcoming", "active", "ended"]


class SubscriptionRead(BaseModel):
    id: int
    customer_id: int
    product_id: int
    shift: Shift
    schedule: ScheduleIn
    start_date: dt.date
    end_date: dt.date | None
    status: SubscriptionStatus
    anchor_date: dt.date
    effective_from: dt.date = Field(description="Since when the terms shown are in force")
    upcoming_changes: list[TermsRead] = Field(
        description="Terms that take effect on later dates, oldest first"
    )
    created_at: dt.datetime


class PauseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start_date: BusinessDate
    end_date: BusinessDate | None = Field(default=None, description="null: until resumed")
    reason: Annotated[str, Text(200)] | None = None


class PauseUpdate(Patch):
    """Resume a pause by setting its end date (the last day without deliveries)."""

    nullable: ClassVar[frozenset[str]] = frozenset({"end_date", "reason"})
    start_date: BusinessDate | None = None
    end_date: BusinessDate | None = None
    reason: Annotated[str, Text(200)] | None = None


class PauseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    customer_id: int
    subscription_id: int | None
    start_date: dt.date
    end_date: dt.date | None
    reason: str | None
    created_by_user_id: int | None
    created_at: dt.datetime


class OverrideSet(BaseModel):
    model_config = ConfigDict(extra="forbid")
    quantity: DayQuantity = Field(description="0 skips the day")


class OverrideRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    subscription_id: int
    delivery_date: dt.date
    quantity: int
    created_by_user_id: int | None
    updated_at: dt.datetime
