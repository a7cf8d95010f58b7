"""stop locations: customers' approved and proposed locations; delivery_proofs keeps where the
phone was when an order was marked (proof of delivery)

Revision ID: 0014_stop_locations
Revises: 0013_payment_links
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from milkrun.db.types import UTCDateTime

revision: str = "0014_stop_locations"
down_revision: str | None = "0013_payment_links"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("customers") as batch:
        batch.add_column(sa.Column("latitude", sa.Float(), nullable=True))
        batch.add_column(sa.Column("longitude", sa.Float(), nullable=True))
        batch.add_column(sa.Column("proposed_latitude", sa.Float(), nullable=True))
        batch.add_column(sa.Column("proposed_longitude", sa.Float(), nullable=True))
        batch.add_column(sa.Column("proposed_accuracy_m", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("proposed_by_user_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("proposed_at", UTCDateTime(timezone=True), nullable=True))
        batch.create_foreign_key(
            op.f("fk_customers_proposed_by_user_id_users"),
            "users",
            ["proposed_by_user_id"],
            ["id"],
        )
        batch.create_check_constraint(
            op.f("ck_customers_location"),
            "(latitude IS NULL AND longitude IS NULL) OR (latitude BETWEEN -90 AND 90"
            " AND longitude BETWEEN -180 AND 180)",
        )
        batch.create_check_constraint(
            op.f("ck_customers_proposed_location"),
            "(proposed_latitude IS NULL AND proposed_longitude IS NULL"
            " AND proposed_at IS NULL) OR (proposed_latitude BETWEEN -90 AND 90"
            " AND proposed_longitude BETWEEN -180 AND 180 AND proposed_at IS NOT NULL)",
        )
    op.create_table(
        "delivery_proofs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("accuracy_m", sa.Integer(), nullable=True),
        sa.Column("recorded_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180",
            name=op.f("ck_delivery_proofs_location"),
        ),
        sa.CheckConstraint(
            "accuracy_m IS NULL OR accuracy_m >= 0",
            name=op.f("ck_delivery_proofs_accuracy_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_delivery_proofs_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_proofs")),
        sa.UniqueConstraint("order_id", name=op.f("uq_delivery_proofs_order_id")),
    )


def downgrade() -> None:
    op.drop_table("delivery_proofs")
    with op.batch_alter_table("customers") as batch:
        batch.drop_constraint(op.f("ck_customers_proposed_location"), type_="check")
        batch.drop_constraint(op.f("ck_customers_location"), type_="check")
        batch.drop_constraint(op.f("fk_customers_proposed_by_user_id_users"), type_="foreignkey")
        batch.drop_column("proposed_at")
        batch.drop_column("proposed_by_user_id")
        batch.drop_column("proposed_accuracy_m")
        batch.drop_column("proposed_longitude")
        batch.drop_column("proposed_latitude")
        batch.drop_column("longitude")
        batch.drop_column("latitude")
