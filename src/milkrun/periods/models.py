from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from milkrun import clock
from milkrun.db.base import Base

DAY_CLOSE_POLICIES = ("delivered", "not_delivered", "review")


class DayClose(Base):
    """The close of one delivery day: on which policy, by what, and what it did.

    The counts add up over every run of the close of the day (a second run resolves only orders
    that are still unmarked): ``delivered`` and ``not_delivered`` are the orders the close
    marked so, ``review`` those it left for the owner; ``marked`` the orders people had marked
    by the last run.
    """

    __tablename__ = "day_closes"
    __table_args__ = (
        CheckConstraint("policy IN ('delivered', 'not_delivered', 'review')", name="policy"),
        CheckConstraint(
            "delivered >= 0 AND not_delivered >= 0 AND review >= 0 AND marked >= 0",
            name="counts_not_negative",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_date: Mapped[dt.date] = mapped_column(unique=True)
    policy: Mapped[str] = mapped_column(String(16))
    trigger: Mapped[str] = mapped_column(String(20))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    first_closed_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    closed_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    delivered: Mapped[int] = mapped_column(default=0)
    not_delivered: Mapped[int] = mapped_column(default=0)
    review: Mapped[int] = mapped_column(default=0)
    marked: Mapped[int] = mapped_column(default=0)


class MonthClose(Base):
    """A billing month whose bills were finalized: from then on it gets no new bill, and later
    facts about it become adjustments on a later bill."""

    __tablename__ = "month_closes"

    # The first day of the month.
    month: Mapped[dt.date] = mapped_column(primary_key=True)
    closed_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    invoices: Mapped[int] = mapped_column(default=0)
