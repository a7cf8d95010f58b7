from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from milkrun import clock
from milkrun.db.base import Base


class Hub(Base):
    """A branch of the dairy: its routes, their delivery boys and customers."""

    __tablename__ = "hubs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=clock.now)


class Holiday(Base):
    """A date on which a hub (``hub_id``), or the whole dairy (NULL), delivers nothing."""

    __tablename__ = "holidays"
    __table_args__ = (
        # One per hub per date, and one dairy-wide per date (NULLs are distinct in a UNIQUE).
        Index("uq_holidays_hub_id_holiday_date", "hub_id", "holiday_date", unique=True),
        Index(
            "uq_holidays_dairy_holiday_date",
            "holiday_date",
            unique=True,
            sqlite_where=text("hub_id IS NULL"),
            postgresql_where=text("hub_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    holiday_date: Mapped[dt.date] = mapped_column(index=True)
    hub_id: Mapped[int | None] = mapped_column(ForeignKey("hubs.id"))
    reason: Mapped[str] = mapped_column(String(200))
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
