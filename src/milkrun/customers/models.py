from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, false, text
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
    # The language messages (and, later, pages) are written in: en, hi or kn.
    language: Mapped[str] = mapped_column(String(5), default="en", server_default="en")
    # Prepaid (``milkrun.wallets``): deliveries draw on what was paid in advance; a day whose
    # orders would take the balance below the threshold is not generated. The threshold is the
    # dairy's (MILKRUN_WALLET_THRESHOLD) unless set here.
    is_prepaid: Mapped[bool] = mapped_column(default=False, server_default=false())
    wallet_threshold_paise: Mapped[int | None]
