"""the last reconciliation of each month, stored: reconciliations

Revision ID: 0023_reconciliations
Revises: 0022_bill_link_final
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from milkrun.db.types import UTCDateTime

revision: str = "0023_reconciliations"
down_revision: str | None = "0022_bill_link_final"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reconciliations",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("checked_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("trigger", sa.String(length=20), nullable=False),
        sa.Column("checked_by", sa.String(length=160), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("is_clean", sa.Boolean(), nullable=False),
        sa.Column("took_ms", sa.Integer(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_user_id"],
            ["users.id"],
            name=op.f("fk_reconciliations_actor_user_id_users"),
        ),
        sa.PrimaryKeyConstraint("month", name=op.f("pk_reconciliations")),
    )


def downgrade() -> None:
    op.drop_table("reconciliations")
