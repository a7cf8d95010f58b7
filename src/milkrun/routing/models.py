from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from milkrun import clock
from milkrun.db.base import Base, Timestamped


class Shift(enum.StrEnum):
    morning = "morning"
    evening = "evening"


class Route(Timestamped, Base):
    __tablename__ = "routes"
    __table_args__ = (CheckConstraint("shift IN ('morning', 'evening')", name="shift"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    area: Mapped[str] = mapped_column(String(80))
    shift: Mapped[str] = mapped_column(String(10))
    delivery_boy_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", use_alter=True))
    # The hub (branch) the route belongs to; its customers are on that hub (milkrun.hubs).
    hub_id: Mapped[int | None] = mapped_column(ForeignKey("hubs.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)


class RouteSubstitute(Base):
    """Who walks a route on one date instead of its default delivery boy."""

    __tablename__ = "route_substitutes"
    __table_args__ = (
        UniqueConstraint("route_id", "delivery_date"),
        Index(
            "ix_route_substitutes_delivery_boy_id_delivery_date", "delivery_boy_id", "delivery_date"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("routes.id"))
    delivery_date: Mapped[dt.date]
    delivery_boy_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
