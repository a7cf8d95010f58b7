from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from milkrun import clock
from milkrun.db.base import Base, Timestamped


class MovementKind(enum.StrEnum):
    """``stop``: given and taken back at a stop; ``lost``: written off, its deposit kept."""

    stop = "stop"
    lost = "lost"


class ContainerType(Timestamped, Base):
    """A kind of returnable container (a 1 L glass bottle, a crate) and the deposit on each."""

    __tablename__ = "container_types"
    __table_args__ = (CheckConstraint("deposit_paise >= 0", name="deposit_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    deposit_paise: Mapped[int] = mapped_column(default=0)
    # An inactive type is no longer chosen for a product; what customers hold still comes back.
    is_active: Mapped[bool] = mapped_column(default=True)
    # The product the deposit is billed under (a bill line names a product).
    deposit_product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))


# Names are unique whatever their case, enforced by the database (two requests at once both
# pass the service's check; the second insert then fails here and is answered 409).
Index("uq_container_types_lower_name", func.lower(ContainerType.name), unique=True)


class ContainerMovement(Base):
    """One entry of the container ledger: at a stop, ``given`` full and ``returned`` empty;
    written off, ``lost``. ``deposit_paise`` is what it charged (positive) or refunded
    (negative); ``invoice_id`` the bill that carries it (NULL until a billing run)."""

    __tablename__ = "container_movements"
    __table_args__ = (
        CheckConstraint("kind IN ('stop', 'lost')", name="kind"),
        CheckConstraint(
            "given >= 0 AND returned >= 0 AND lost >= 0 AND given + returned + lost > 0",
            name="counts",
        ),
        CheckConstraint(
            "(kind = 'stop' AND lost = 0) OR (kind = 'lost' AND given = 0 AND returned = 0)",
            name="counts_fit_kind",
        ),
        Index(
            "ix_container_movements_customer_id_container_type_id",
            "customer_id",
            "container_type_id",
        ),
        Index("ix_container_movements_route_id_movement_date", "route_id", "movement_date"),
        Index("ix_container_movements_invoice_id", "invoice_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    route_id: Mapped[int | None] = mapped_column(ForeignKey("routes.id"))
    container_type_id: Mapped[int] = mapped_column(ForeignKey("container_types.id"))
    movement_date: Mapped[dt.date]
    kind: Mapped[str] = mapped_column(String(10))
    given: Mapped[int] = mapped_column(default=0)
    returned: Mapped[int] = mapped_column(default=0)
    lost: Mapped[int] = mapped_column(default=0)
    deposit_paise: Mapped[int] = mapped_column(default=0)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id", ondelete="SET NULL"))
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
