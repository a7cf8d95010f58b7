from __future__ import annotations

import enum

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

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
    is_active: Mapped[bool] = mapped_column(default=True)
