from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from milkrun.db.base import Base, Timestamped


class Role(enum.StrEnum):
    admin = "admin"
    delivery_boy = "delivery_boy"
    customer = "customer"


class User(Timestamped, Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'delivery_boy', 'customer')", name="role"),
        CheckConstraint("phone IS NOT NULL OR email IS NOT NULL", name="has_username"),
        CheckConstraint(
            "(role = 'customer' AND (customer_id IS NOT NULL OR NOT is_active))"
            " OR (role <> 'customer' AND customer_id IS NULL)",
            name="customer_link",
        ),
        CheckConstraint("hub_id IS NULL OR role = 'admin'", name="hub_limit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), unique=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    # An admin limited to one hub sees and acts in that hub only (milkrun.hubs.scope); NULL:
    # every hub. Only an admin has one.
    hub_id: Mapped[int | None] = mapped_column(ForeignKey("hubs.id"))
    # Carried in every login token; raising it ends the older tokens (auth/tokens.py).
    token_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # The language messages (and, later, pages) are written in: en, hi or kn.
    language: Mapped[str] = mapped_column(String(5), default="en", server_default="en")


class LoginThrottle(Base):
    """Failed login attempts for one username, counted in the database (shared by processes)."""

    __tablename__ = "login_throttles"

    username: Mapped[str] = mapped_column(String(254), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    first_failure_at: Mapped[dt.datetime]
    locked_until: Mapped[dt.datetime | None]
