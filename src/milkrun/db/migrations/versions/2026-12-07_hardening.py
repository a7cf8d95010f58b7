"""hardening: container type names unique whatever their case (a unique index on
lower(name)); payment_links.cancel_due_at (a void bill's link the gateway could not cancel yet)

Revision ID: 0026_hardening
Revises: 0024_day_close_speed
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from milkrun.db.types import UTCDateTime

revision: str = "0026_hardening"
down_revision: str | None = "0024_day_close_speed"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "uq_container_types_lower_name",
        "container_types",
        [sa.text("lower(name)")],
        unique=True,
    )
    with op.batch_alter_table("payment_links", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cancel_due_at", UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("payment_links", schema=None) as batch_op:
        batch_op.drop_column("cancel_due_at")
    op.drop_index("uq_container_types_lower_name", table_name="container_types")
