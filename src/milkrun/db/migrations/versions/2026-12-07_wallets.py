"""wallets: prepaid customers (customers.is_prepaid, wallet_threshold_paise) and the days
generation skipped for a low wallet balance (low_balance_holds)

Revision ID: 0015_wallets
Revises: 0014_stop_locations
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from milkrun.db.types import UTCDateTime

revision: str = "0015_wallets"
down_revision: str | None = "0014_stop_locations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("customers") as batch:
        batch.add_column(
            sa.Column("is_prepaid", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("wallet_threshold_paise", sa.Integer(), nullable=True))
    op.create_table(
        "low_balance_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("delivery_date", sa.Date(), nullable=False),
        sa.Column("available_paise", sa.Integer(), nullable=False),
        sa.Column("needed_paise", sa.Integer(), nullable=False),
        sa.Column("threshold_paise", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("lifted_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_low_balance_holds_customer_id_customers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_low_balance_holds")),
        sa.UniqueConstraint(
            "customer_id",
            "delivery_date",
            name=op.f("uq_low_balance_holds_customer_id_delivery_date"),
        ),
    )
    op.create_index(
        op.f("ix_low_balance_holds_delivery_date"), "low_balance_holds", ["delivery_date"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_low_balance_holds_delivery_date"), table_name="low_balance_holds")
    op.drop_table("low_balance_holds")
    with op.batch_alter_table("customers") as batch:
        batch.drop_column("wallet_threshold_paise")
        batch.drop_column("is_prepaid")
