from __future__ import annotations

import datetime as dt
from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from milkrun.auth.schemas import Password, UserRead
from milkrun.inputs.fields import RecordId, Text
from milkrun.inputs.patching import Patch

# A GSTIN: state code, PAN, entity number, Z, check character (29ABCDE1234F1Z5).
Gstin = Annotated[
    str, Field(pattern=r"^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$", max_length=15)
]


class CustomerLogin(BaseModel):
    model_config = ConfigDict(extra="forbid")
    password: str = Field(min_length=8, max_length=128)


class CustomerCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, Text(120)]
    phone: Annotated[str, Text(32, min_length=5)]
    email: EmailStr | None = None
    address: Annotated[str, Text(500)]
    area: Annotated[str, Text(80)]
    route_id: RecordId | None = None
    gstin: Gstin | None = None
    login: CustomerLogin | None = None


class CustomerUpdate(Patch):
    nullable: ClassVar[frozenset[str]] = frozenset({"email", "route_id", "gstin"})
    name: Annotated[str, Text(120)] | None = None
    phone: Annotated[str, Text(32, min_length=5)] | None = None
    email: EmailStr | None = None
    address: Annotated[str, Text(500)] | None = None
    area: Annotated[str, Text(80)] | None = None
    route_id: RecordId | None = None
    gstin: Gstin | None = None
    is_active: bool | None = None


class CustomerRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    phone: str
    email: str | None
    address: str
    area: str
    route_id: int | None
    stop_sequence: int | None
    gstin: str | None = None
    is_active: bool
    created_at: dt.datetime


# Customer sign-up: the customer and the password of its login (POST /auth/register).
class RegisterRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, Text(120)]
    phone: Annotated[str, Text(32, min_length=5)]
    email: EmailStr | None = None
    password: str = Password
    address: Annotated[str, Text(500)]
    area: Annotated[str, Text(80)]


class RegisterResponse(BaseModel):
    user: UserRead
    customer: CustomerRead


# GET /auth/me: the logged-in user and, for a customer login, its customer. Composed here, above
# auth, so that auth does not import customers.
class MeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    role: str
    name: str
    phone: str | None
    email: str | None
    customer_id: int | None
    customer: CustomerRead | None = None


# Where a door is: WGS 84 degrees, as a phone's GPS reports them.
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
AccuracyMetres = Annotated[int, Field(ge=0, le=100_000)]


class LocationProposal(BaseModel):
    """ "This stop is here": the phone's location at a customer's door, for the owner to approve."""

    model_config = ConfigDict(extra="forbid")
    customer_id: RecordId
    latitude: Latitude
    longitude: Longitude
    accuracy_m: AccuracyMetres | None = None


class LocationSet(BaseModel):
    """The customer's location, set by the owner (null and null: unknown)."""

    model_config = ConfigDict(extra="forbid")
    latitude: Latitude | None
    longitude: Longitude | None


class LocationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    customer_id: int = Field(validation_alias="id")
    latitude: float | None
    longitude: float | None
    proposed_latitude: float | None
    proposed_longitude: float | None
    proposed_accuracy_m: int | None
    proposed_by_user_id: int | None
    proposed_at: dt.datetime | None


class SuggestedStopRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    customer_id: int
    name: str
    address: str
    located: bool = Field(description="False: no approved location; the stop keeps its number")


class StopOrderSuggestion(BaseModel):
    """A shorter stop order (``after``) for the route, not applied: apply it with
    PUT /routes/{id}/stops and ``after``'s customer ids."""

    model_config = ConfigDict(from_attributes=True)
    route_id: int
    before: list[SuggestedStopRead]
    after: list[SuggestedStopRead]
    before_m: int = Field(description="The walk in the current order, metres (located stops)")
    after_m: int = Field(description="The walk in the suggested order, metres")
    saved_m: int
    unlocated: int = Field(description="Stops without a location (they keep their numbers)")
    changes: bool
