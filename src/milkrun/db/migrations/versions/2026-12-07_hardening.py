"""container type names unique whatever their case: a unique index on lower(name)

Revision ID: 0026_hardening
Revises: 0021_counter
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026_hardening"
down_revision: str | None = "0021_counter"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "uq_container_types_lower_name",
        "container_types",
        [sa.text("lower(name)")],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_container_types_lower_name", table_name="container_types")
