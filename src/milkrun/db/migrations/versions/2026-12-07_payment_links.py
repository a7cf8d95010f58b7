"""payment links: payment_links keeps each bill's payment links at the gateway (Razorpay)

Revision ID: 0013_payment_links
Revises: 0012_delivery_round
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from milkrun.db.types import UTCDateTime

revision: str = "0013_payment_links"
down_revision: str | None = "0012_delivery_round"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = "status = 'created'"


def upgrade() -> None:
    op.create_table(
        "payment_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("gateway", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("provider_link_id", sa.String(length=60), nullable=False),
        sa.Column("url", sa.String(length=255), nullable=False),
        sa.Column("amount_paise", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_paise > 0", name=op.f("ck_payment_links_amount_positive")),
        sa.CheckConstraint(
            "status IN ('created', 'paid', 'cancelled', 'expired')",
            name=op.f("ck_payment_links_status"),
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_payment_links_invoice_id_invoices")
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_payment_links_payment_id_payments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_links")),
        sa.UniqueConstraint("reference", name=op.f("uq_payment_links_reference")),
        sa.UniqueConstraint("provider_link_id", name=op.f("uq_payment_links_provider_link_id")),
    )
    op.create_index(op.f("ix_payment_links_invoice_id"), "payment_links", ["invoice_id"])
    op.create_index(
        "uq_payment_links_live_invoice_id",
        "payment_links",
        ["invoice_id"],
        unique=True,
        sqlite_where=sa.text(LIVE),
        postgresql_where=sa.text(LIVE),
    )


def downgrade() -> None:
    op.drop_index("uq_payment_links_live_invoice_id", table_name="payment_links")
    op.drop_index(op.f("ix_payment_links_invoice_id"), table_name="payment_links")
    op.drop_table("payment_links")
