"""The documents of the old system's export, one model per collection, and what makes one
malformed (fatal: ``reader`` names the file, the line and the field). Fields a model does not
name are ignored. The format is documented in docs/legacy-import.md."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    model_validator,
)

from milkrun import date_window
from milkrun.auth.models import Role
from milkrun.catalog.schemas import TaxRate
from milkrun.deliveries.models import DeliveryOutcome
from milkrun.errors import MilkrunError
from milkrun.inputs.fields import NO_NUL, Text
from milkrun.legacy.errors import FieldProblem
from milkrun.phones import normalize_phone
from milkrun.routing.models import Shift
from milkrun.subscriptions.models import WEEKDAYS
from milkrun.subscriptions.schedule import Schedule

# The collections of an export, in the order they are imported (each refers only to earlier
# ones); the file of a collection is ``<collection>.jsonl``.
COLLECTIONS = ("products", "users", "routes", "customers", "subscriptions", "orders", "deliveries")
# Units on one document: at least 1 (0 for a weekday or a delivered quantity), and an INTEGER.
MAX_UNITS = 10_000


# --- field types ----------------------------------------------------------------------------


def _phone(value: str) -> str:
    try:
        return normalize_phone(value)
    except MilkrunError as exc:
        raise ValueError(exc.detail) from exc


def _date(value: Any) -> dt.date:
    """Dates are ``YYYY-MM-DD`` strings; nothing else (a number is not a date)."""
    if not isinstance(value, str):
        raise ValueError("a date is a string YYYY-MM-DD")
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            raise ValueError(value)
        date = dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)") from exc
    problem = date_window.out_of_window(date)
    if problem is not None:
        raise ValueError(problem)
    return date


def _lower_words(value: Any) -> Any:
    """``"Delivery Boy"`` and ``"delivery-boy"`` are ``"delivery_boy"``."""
    if isinstance(value, str):
        return "_".join(value.strip().lower().replace("-", " ").split())
    return value


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


def _email(value: str) -> str:
    return value.lower()


LegacyId = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=NO_NUL)
]
Reference = Annotated[str, Text(100)]
Phone = Annotated[str, Text(32, min_length=5), AfterValidator(_phone)]
Email = Annotated[EmailStr, AfterValidator(_email)]
LegacyDate = Annotated[dt.date, BeforeValidator(_date)]
Sku = Annotated[
    str,
    BeforeValidator(_upper),
    StringConstraints(min_length=1, max_length=40, pattern=r"^[A-Z0-9][A-Z0-9_-]*$"),
]
ShiftName = Annotated[Shift, BeforeValidator(_lower_words)]
Money = Annotated[Decimal, Field(ge=0, max_digits=9, decimal_places=2)]
Units = Annotated[int, Field(ge=1, le=MAX_UNITS)]
DayUnits = Annotated[int, Field(ge=0, le=MAX_UNITS)]


class Document(BaseModel):
    """A document of the old system: its ``_id`` and the fields the import reads."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, str_strip_whitespace=True)
    id: LegacyId = Field(alias="_id")


# --- the collections ------------------------------------------------------------------------


class PriceDocument(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    price: Money
    effective_from: LegacyDate = Field(alias="from")


class ProductDocument(Document):
    sku: Sku
    name: Annotated[str, Text(120)]
    unit: Annotated[str, Text(60)]
    price: Money | None = None
    prices: list[PriceDocument] | None = None
    tax_rate: TaxRate = Decimal(0)
    active: bool = True

    @model_validator(mode="after")
    def _priced(self) -> ProductDocument:
        if self.price is None and not self.prices:
            raise FieldProblem("price", "a product needs a price (or a prices list)")
        if self.prices:
            dates = [p.effective_from for p in self.prices]
            if len(set(dates)) != len(dates):
                raise FieldProblem("prices", "two prices from the same date")
        return self

    def price_list(self) -> list[tuple[dt.date, Decimal]]:
        """The dated prices: the ``prices`` list, else ``price`` for every date."""
        if self.prices:
            return [(p.effective_from, p.price) for p in self.prices]
        assert self.price is not None
        return [(ALWAYS, self.price)]


# A price given without a date applies to every date of the export.
ALWAYS = dt.date(2000, 1, 1)


class UserDocument(Document):
    name: Annotated[str, Text(120)]
    phone: Phone | None = None
    email: Email | None = None
    role: Annotated[Role, BeforeValidator(_lower_words)]
    password_hash: str | None = None
    active: bool = True

    @model_validator(mode="after")
    def _has_username(self) -> UserDocument:
        if self.phone is None and self.email is None:
            raise FieldProblem("phone", "a login needs a phone or an email")
        return self


class RouteDocument(Document):
    name: Annotated[str, Text(80)]
    area: Annotated[str, Text(80)]
    shift: ShiftName
    delivery_boy: Phone | None = None
    active: bool = True


class CustomerDocument(Document):
    name: Annotated[str, Text(120)]
    phone: Phone
    email: Email | None = None
    address: Annotated[str, Text(500)]
    area: Annotated[str, Text(80)]
    route: Reference | None = Field(default=None, description="a route's _id or its name")
    stop: Annotated[int, Field(ge=1, le=100_000)] | None = None
    active: bool = True


class PausedDocument(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    start_date: LegacyDate = Field(alias="from")
    end_date: LegacyDate | None = Field(default=None, alias="to")
    reason: Annotated[str, Text(200)] | None = None


FREQUENCIES = {
    "daily": "daily",
    "alternate": "alternate",
    "alternate_days": "alternate",
    "every_n": "every_n",
    "every_n_days": "every_n",
    "weekly": "weekly",
    "weekdays": "weekly",
}


def _frequency(value: Any) -> Any:
    value = _lower_words(value)
    if isinstance(value, str) and value not in FREQUENCIES:
        raise ValueError(f"{value!r} is not daily, alternate, every_n or weekly")
    return FREQUENCIES.get(value, value) if isinstance(value, str) else value


_DAYS = {
    **{day: day for day in WEEKDAYS},
    **{
        name: name[:3]
        for name in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    },
}


def _weekday(key: str) -> str | None:
    """``"mon"``, ``"Monday"``, ``"MON"``: the weekday's three letters, or None."""
    return _DAYS.get(key.strip().lower())


class SubscriptionDocument(Document):
    customer: Reference
    product: Sku
    shift: ShiftName | None = None
    frequency: Annotated[str, BeforeValidator(_frequency)]
    quantity: Units | None = None
    n: Annotated[int, Field(ge=2, le=365)] | None = None
    quantities: dict[str, DayUnits] | None = None
    start_date: LegacyDate
    end_date: LegacyDate | None = None
    paused: list[PausedDocument] = Field(default_factory=list)

    @model_validator(mode="after")
    def _schedule_fits(self) -> SubscriptionDocument:
        if self.frequency == "weekly":
            if not self.quantities:
                raise FieldProblem("quantities", "a weekly subscription needs a quantity per day")
            for key in self.quantities:
                if _weekday(key) is None:
                    raise FieldProblem("quantities", f"{key!r} is not a day of the week")
            if not any(self.quantities.values()):
                raise FieldProblem("quantities", "no day has a quantity above 0")
        else:
            if self.quantity is None:
                raise FieldProblem("quantity", f"a {self.frequency} subscription needs it")
            if self.frequency == "every_n" and self.n is None:
                raise FieldProblem("n", "an every_n subscription needs n (2 to 365)")
        if self.end_date is not None and self.end_date < self.start_date:
            raise FieldProblem("end_date", f"{self.end_date} is before start_date")
        for pause in self.paused:
            if pause.end_date is not None and pause.end_date < pause.start_date:
                raise FieldProblem("paused", f"a pause ends ({pause.end_date}) before it starts")
        return self

    def schedule(self) -> Schedule:
        if self.frequency == "weekly":
            assert self.quantities is not None
            days: dict[str, int] = {}
            for key, quantity in self.quantities.items():
                day = _weekday(key)
                assert day is not None
                days[day] = days.get(day, 0) + quantity
            return Schedule.weekdays(days)
        assert self.quantity is not None
        if self.frequency == "alternate":
            return Schedule.alternate_days(self.quantity)
        if self.frequency == "every_n":
            assert self.n is not None
            return Schedule.every_n_days(self.n, self.quantity)
        return Schedule.daily(self.quantity)


class OrderDocument(Document):
    customer: Reference
    product: Sku
    delivery_date: LegacyDate = Field(alias="date")
    quantity: Units
    price: Money | None = None
    shift: ShiftName | None = None


STATUSES = {
    "delivered": DeliveryOutcome.delivered,
    "partial": DeliveryOutcome.partially_delivered,
    "partially_delivered": DeliveryOutcome.partially_delivered,
    "not_delivered": DeliveryOutcome.not_delivered,
    "undelivered": DeliveryOutcome.not_delivered,
    "missed": DeliveryOutcome.not_delivered,
}


def _status(value: Any) -> Any:
    value = _lower_words(value)
    if isinstance(value, str):
        if value not in STATUSES:
            raise ValueError(f"{value!r} is not delivered, partial or not_delivered (missed)")
        return STATUSES[value]
    return value


class DeliveryDocument(Document):
    customer: Reference = Field(description="the customer's _id or phone")
    product: Sku
    delivery_date: LegacyDate = Field(alias="date")
    shift: ShiftName | None = None
    status: Annotated[DeliveryOutcome, BeforeValidator(_status)]
    quantity_delivered: DayUnits | None = None
    reason: Annotated[str, Text(200)] | None = None
    notes: Annotated[str, Text(300)] | None = None
    by: Phone | None = None
    at: dt.datetime | None = None


MODELS: dict[str, type[Document]] = {
    "products": ProductDocument,
    "users": UserDocument,
    "routes": RouteDocument,
    "customers": CustomerDocument,
    "subscriptions": SubscriptionDocument,
    "orders": OrderDocument,
    "deliveries": DeliveryDocument,
}
