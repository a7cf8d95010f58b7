"""container types can be retired: container_types.is_active

Revision ID: 0019_bottles
Revises: 0018_gst_documents
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_bottles"
down_revision: str | None = "0018_gst_documents"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("container_types", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_active", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    with op.batch_alter_table("container_types", schema=None) as batch_op:
        batch_op.alter_column("is_active", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("container_types", schema=None) as batch_op:
        batch_op.drop_column("is_active")
