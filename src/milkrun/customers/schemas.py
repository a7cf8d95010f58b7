from __future__ import annotations

import datetime as dt
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from milkrun.patching import Patch


class CustomerLogin(BaseModel):
    model_config = ConfigDict(extra="forbid")
    password: str = Field(min_length=8, max_length=128)


class CustomerCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=120)
    phone: str = Field(min_length=5, max_length=32)
    email: EmailStr | None = None
    address: str = Field(min_length=1, max_length=500)
    area: str = Field(min_length=1, max_length=80)
    route_id: int | None = None
    login: CustomerLogin | None = None


class CustomerUpdate(Patch):
    nullable: ClassVar[frozenset[str]] = frozenset({"email", "route_id"})
    name: str | None = Field(default=None, min_length=1, max_length=120)
    phone: str | None = Field(default=None, min_length=5, max_length=32)
    email: EmailStr | None = None
    address: str | None = Field(default=None, min_length=1, max_length=500)
    area: str | None = Field(default=None, min_length=1, max_length=80)
    route_id: int | None = None
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
    is_active: bool
    created_at: dt.datetime
