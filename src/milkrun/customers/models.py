from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, String, false, text
from sqlalchemy.orm import Mapped, mapped_column

from milkrun.db.base import Base, Timestamped


class Customer(Timestamped, Base):
    __tablename__ = "customers"
    __table_args__ = (
        Index(
            "uq_customers_active_phone",
            "phone",
            unique=True,
            sqlite_where=text("is_active"),
            postgresql_where=text("is_active"),
        ),
        Index("ix_customers_route_id", "route_id"),
        # Where the door is (WGS 84 degrees): both or neither; likewise a proposed location.
        CheckConstraint(
            "(latitude IS NULL AND longitude IS NULL) OR (latitude BETWEEN -90 AND 90"
            " AND longitude BETWEEN -180 AND 180)",
            name="location",
        ),
        CheckConstraint(
            "(proposed_latitude IS NULL AND proposed_longitude IS NULL"
            " AND proposed_at IS NULL) OR (proposed_latitude BETWEEN -90 AND 90"
            " AND proposed_longitude BETWEEN -180 AND 180 AND proposed_at IS NOT NULL)",
            name="proposed_location",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(500))
    area: Mapped[str] = mapped_column(String(80))
    route_id: Mapped[int | None] = mapped_column(ForeignKey("routes.id"))
    stop_sequence: Mapped[int | None]
    is_active: Mapped[bool] = mapped_column(default=True)
    # A GST-registered customer (a hotel, a tea stall) gives its GSTIN: its bills are B2B in
    # the GSTR-1 export; NULL for households (B2C).
    gstin: Mapped[str | None] = mapped_column(String(15))
    # The language messages (and, later, pages) are written in: en, hi or kn.
    language: Mapped[str] = mapped_column(String(5), default="en", server_default="en")
    # The customer's door, as the owner approved it (the stop order and the proof of delivery
    # measure from it), and a location proposed from a delivery boy's phone ("this stop is
    # here") waiting for the owner's approval, with who proposed it and when.
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    proposed_latitude: Mapped[float | None] = mapped_column(Float)
    proposed_longitude: Mapped[float | None] = mapped_column(Float)
    proposed_accuracy_m: Mapped[int | None]
    proposed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", use_alter=True))
    proposed_at: Mapped[dt.datetime | None]
    # Prepaid (``milkrun.wallets``): deliveries draw on what was paid in advance; a day whose
    # orders would take the balance below the threshold is not generated. The threshold is the
    # dairy's (MILKRUN_WALLET_THRESHOLD) unless set here.
    is_prepaid: Mapped[bool] = mapped_column(default=False, server_default=false())
    wallet_threshold_paise: Mapped[int | None]
