"""legacy import: legacy_records maps each imported document of the old system (collection,
_id) to the row it became, so that importing an export again adds only what is new

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from milkrun.db.types import UTCDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "legacy_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("collection", sa.String(length=40), nullable=False),
        sa.Column("legacy_id", sa.String(length=100), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("imported_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legacy_records")),
        sa.UniqueConstraint(
            "collection", "legacy_id", name=op.f("uq_legacy_records_collection_legacy_id")
        ),
    )
    op.create_index(
        "ix_legacy_records_collection_record_id", "legacy_records", ["collection", "record_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_legacy_records_collection_record_id", table_name="legacy_records")
    op.drop_table("legacy_records")
