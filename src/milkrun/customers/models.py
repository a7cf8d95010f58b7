from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, text
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
