"""bill links: bill_links keeps the public links to one bill each (only the token's SHA-256)

Revision ID: 0010_bill_links
Revises: 0009_outbox
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from milkrun.db.types import UTCDateTime

revision: str = "0010_bill_links"
down_revision: str | None = "0009_outbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bill_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.CHAR(length=64), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_bill_links_created_by_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_bill_links_invoice_id_invoices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bill_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_bill_links_token_hash")),
    )
    op.create_index(op.f("ix_bill_links_invoice_id"), "bill_links", ["invoice_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_bill_links_invoice_id"), table_name="bill_links")
    op.drop_table("bill_links")
