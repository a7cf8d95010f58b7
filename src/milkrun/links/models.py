from __future__ import annotations

import datetime as dt

from sqlalchemy import CHAR, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from milkrun import clock
from milkrun.db.base import Base


class SharedDeliveryLink(Base):
    """A link that lets one person (``label``) mark one route's deliveries of one date, without
    an account. Only the SHA-256 of its token is stored."""

    __tablename__ = "shared_delivery_links"
    __table_args__ = (
        Index("ix_shared_delivery_links_route_id_delivery_date", "route_id", "delivery_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("routes.id"))
    delivery_date: Mapped[dt.date]
    label: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(CHAR(64), unique=True)
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]
    created_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=clock.now)


class LinkGuessThrottle(Base):
    """Unknown link tokens tried from one client address, counted in the database so that every
    worker process sees the same count."""

    __tablename__ = "link_guess_throttles"

    client_address: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    first_failure_at: Mapped[dt.datetime]
    locked_until: Mapped[dt.datetime | None]
