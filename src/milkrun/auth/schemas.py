from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, model_validator

from milkrun.inputs.fields import RecordId, Text
from milkrun.inputs.patching import Patch

Password = Field(min_length=8, max_length=128)


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=254, description="Phone (any format) or email")
    password: str = Field(min_length=1, max_length=128)


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    current_password: str = Field(min_length=1, max_length=128)
    new_password: str = Password


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105
    expires_in: int


class UserCreate(BaseModel):
    """Staff logins; customer logins come with their customer (registration, POST /customers)."""

    model_config = ConfigDict(extra="forbid")
    role: Literal["admin", "delivery_boy"]
    name: Annotated[str, Text(120)]
    phone: Annotated[str, Text(32, min_length=5)] | None = None
    email: EmailStr | None = None
    password: str = Password

    @model_validator(mode="after")
    def _has_username(self) -> UserCreate:
        if self.phone is None and self.email is None:
            raise ValueError("a login needs a phone or an email")
        return self


class UserUpdate(Patch):
    name: Annotated[str, Text(120)] | None = None
    phone: Annotated[str, Text(32, min_length=5)] | None = None
    email: EmailStr | None = None
    password: str | None = Field(default=None, min_length=8, max_length=128)
    is_active: bool | None = None


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    role: str
    name: str
    phone: str | None
    email: str | None
    customer_id: int | None
    is_active: bool
    created_at: dt.datetime


class LinkLogin(BaseModel):
    model_config = ConfigDict(extra="forbid")
    user_id: RecordId


class NewLogin(BaseModel):
    model_config = ConfigDict(extra="forbid")
    password: str = Password
