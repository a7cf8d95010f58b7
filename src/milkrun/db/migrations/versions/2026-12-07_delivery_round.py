"""delivery round: returnable containers (types, the container ledger, products.container_type_id,
deposit lines may count containers back) and cash at the door (collections, handovers)

Revision ID: 0012_delivery_round
Revises: 0011_audit_keys
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from milkrun.db.types import UTCDateTime

revision: str = "0012_delivery_round"
down_revision: str | None = "0011_audit_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "container_types",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("deposit_paise", sa.Integer(), nullable=False),
        sa.Column("deposit_product_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "deposit_paise >= 0", name=op.f("ck_container_types_deposit_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["deposit_product_id"],
            ["products.id"],
            name=op.f("fk_container_types_deposit_product_id_products"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_container_types")),
        sa.UniqueConstraint("name", name=op.f("uq_container_types_name")),
    )
    op.create_table(
        "cash_handovers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_boy_id", sa.Integer(), nullable=False),
        sa.Column("handover_date", sa.Date(), nullable=False),
        sa.Column("collected_paise", sa.Integer(), nullable=False),
        sa.Column("handed_over_paise", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("confirmed_by_user_id", sa.Integer(), nullable=False),
        sa.Column("confirmed_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "collected_paise >= 0", name=op.f("ck_cash_handovers_collected_not_negative")
        ),
        sa.CheckConstraint(
            "handed_over_paise >= 0", name=op.f("ck_cash_handovers_handed_over_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by_user_id"],
            ["users.id"],
            name=op.f("fk_cash_handovers_confirmed_by_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["delivery_boy_id"], ["users.id"], name=op.f("fk_cash_handovers_delivery_boy_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cash_handovers")),
        sa.UniqueConstraint(
            "delivery_boy_id",
            "handover_date",
            name=op.f("uq_cash_handovers_delivery_boy_id_handover_date"),
        ),
    )
    op.create_table(
        "container_movements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("route_id", sa.Integer(), nullable=True),
        sa.Column("container_type_id", sa.Integer(), nullable=False),
        sa.Column("movement_date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("given", sa.Integer(), nullable=False),
        sa.Column("returned", sa.Integer(), nullable=False),
        sa.Column("lost", sa.Integer(), nullable=False),
        sa.Column("deposit_paise", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(kind = 'stop' AND lost = 0) OR (kind = 'lost' AND given = 0 AND returned = 0)",
            name=op.f("ck_container_movements_counts_fit_kind"),
        ),
        sa.CheckConstraint("kind IN ('stop', 'lost')", name=op.f("ck_container_movements_kind")),
        sa.CheckConstraint(
            "given >= 0 AND returned >= 0 AND lost >= 0 AND given + returned + lost > 0",
            name=op.f("ck_container_movements_counts"),
        ),
        sa.ForeignKeyConstraint(
            ["container_type_id"],
            ["container_types.id"],
            name=op.f("fk_container_movements_container_type_id_container_types"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_container_movements_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_container_movements_invoice_id_invoices"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_user_id"],
            ["users.id"],
            name=op.f("fk_container_movements_recorded_by_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["route_id"], ["routes.id"], name=op.f("fk_container_movements_route_id_routes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_container_movements")),
    )
    with op.batch_alter_table("container_movements", schema=None) as batch_op:
        batch_op.create_index(
            "ix_container_movements_customer_id_container_type_id",
            ["customer_id", "container_type_id"],
            unique=False,
        )
        batch_op.create_index("ix_container_movements_invoice_id", ["invoice_id"], unique=False)
        batch_op.create_index(
            "ix_container_movements_route_id_movement_date",
            ["route_id", "movement_date"],
            unique=False,
        )

    op.create_table(
        "cash_collections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("route_id", sa.Integer(), nullable=True),
        sa.Column("collection_date", sa.Date(), nullable=False),
        sa.Column("amount_paise", sa.Integer(), nullable=False),
        sa.Column("collected_by_user_id", sa.Integer(), nullable=False),
        sa.Column("collected_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("handover_id", sa.Integer(), nullable=True),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(handover_id IS NULL) = (payment_id IS NULL)",
            name=op.f("ck_cash_collections_payment_with_handover"),
        ),
        sa.CheckConstraint("amount_paise > 0", name=op.f("ck_cash_collections_amount_positive")),
        sa.ForeignKeyConstraint(
            ["collected_by_user_id"],
            ["users.id"],
            name=op.f("fk_cash_collections_collected_by_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_cash_collections_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["handover_id"],
            ["cash_handovers.id"],
            name=op.f("fk_cash_collections_handover_id_cash_handovers"),
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_cash_collections_payment_id_payments")
        ),
        sa.ForeignKeyConstraint(
            ["route_id"], ["routes.id"], name=op.f("fk_cash_collections_route_id_routes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cash_collections")),
        sa.UniqueConstraint("payment_id", name=op.f("uq_cash_collections_payment_id")),
    )
    with op.batch_alter_table("cash_collections", schema=None) as batch_op:
        batch_op.create_index(
            "ix_cash_collections_collected_by_user_id_collection_date",
            ["collected_by_user_id", "collection_date"],
            unique=False,
        )
        batch_op.create_index("ix_cash_collections_customer_id", ["customer_id"], unique=False)
        batch_op.create_index("ix_cash_collections_handover_id", ["handover_id"], unique=False)

    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(sa.Column("container_type_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_products_container_type_id_container_types"),
            "container_types",
            ["container_type_id"],
            ["id"],
        )

    # A deposit line counts containers, negative when the month refunded more than it charged.
    with op.batch_alter_table("invoice_lines", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_invoice_lines_quantity_positive"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_invoice_lines_quantity_not_zero"), "quantity <> 0"
        )


def downgrade() -> None:
    op.execute("DELETE FROM invoice_lines WHERE quantity < 0")
    with op.batch_alter_table("invoice_lines", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_invoice_lines_quantity_not_zero"), type_="check")
        batch_op.create_check_constraint(op.f("ck_invoice_lines_quantity_positive"), "quantity > 0")

    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_products_container_type_id_container_types"), type_="foreignkey"
        )
        batch_op.drop_column("container_type_id")

    with op.batch_alter_table("cash_collections", schema=None) as batch_op:
        batch_op.drop_index("ix_cash_collections_handover_id")
        batch_op.drop_index("ix_cash_collections_customer_id")
        batch_op.drop_index("ix_cash_collections_collected_by_user_id_collection_date")

    op.drop_table("cash_collections")
    with op.batch_alter_table("container_movements", schema=None) as batch_op:
        batch_op.drop_index("ix_container_movements_route_id_movement_date")
        batch_op.drop_index("ix_container_movements_invoice_id")
        batch_op.drop_index("ix_container_movements_customer_id_container_type_id")

    op.drop_table("container_movements")
    op.drop_table("cash_handovers")
    op.drop_table("container_types")
