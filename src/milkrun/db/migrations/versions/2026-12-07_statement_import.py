"""statement import: statement_imports and statement_lines (bank / UPI credits, matched and
confirmed once), statement_mappings (saved column layouts), upi_handles (learnt payer VPAs)

Revision ID: 0016_statement_import
Revises: 0015_wallets
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from milkrun.db.types import UTCDateTime

revision: str = "0016_statement_import"
down_revision: str | None = "0015_wallets"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "upi_handles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handle", sa.String(length=100), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("learnt_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_upi_handles_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_upi_handles")),
        sa.UniqueConstraint("handle", name=op.f("uq_upi_handles_handle")),
    )
    with op.batch_alter_table("upi_handles", schema=None) as batch_op:
        batch_op.create_index("ix_upi_handles_customer_id", ["customer_id"], unique=False)

    op.create_table(
        "statement_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("mapping_name", sa.String(length=40), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("credits_new", sa.Integer(), nullable=False),
        sa.Column("credits_seen_before", sa.Integer(), nullable=False),
        sa.Column("debits_skipped", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_statement_imports_created_by_user_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statement_imports")),
    )
    op.create_table(
        "statement_mappings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("date_column", sa.String(length=80), nullable=False),
        sa.Column("narration_column", sa.String(length=80), nullable=False),
        sa.Column("reference_column", sa.String(length=80), nullable=True),
        sa.Column("credit_column", sa.String(length=80), nullable=True),
        sa.Column("debit_column", sa.String(length=80), nullable=True),
        sa.Column("amount_column", sa.String(length=80), nullable=True),
        sa.Column("type_column", sa.String(length=80), nullable=True),
        sa.Column("payer_column", sa.String(length=80), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "credit_column IS NOT NULL OR amount_column IS NOT NULL",
            name=op.f("ck_statement_mappings_has_amount"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_statement_mappings_created_by_user_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statement_mappings")),
        sa.UniqueConstraint("name", name=op.f("uq_statement_mappings_name")),
    )
    op.create_table(
        "statement_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("value_date", sa.Date(), nullable=False),
        sa.Column("amount_paise", sa.Integer(), nullable=False),
        sa.Column("narration", sa.String(length=500), nullable=False),
        sa.Column("utr", sa.String(length=80), nullable=True),
        sa.Column("upi_handle", sa.String(length=100), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("invoice_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=20), nullable=True),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by_user_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(status = 'confirmed') = (payment_id IS NOT NULL)",
            name=op.f("ck_statement_lines_paid_if_confirmed"),
        ),
        sa.CheckConstraint(
            "status = 'ignored' OR (status = 'unmatched') = (customer_id IS NULL)",
            name=op.f("ck_statement_lines_customer_unless_unmatched"),
        ),
        sa.CheckConstraint(
            "status IN ('proposed', 'unmatched', 'confirmed', 'ignored')",
            name=op.f("ck_statement_lines_status"),
        ),
        sa.CheckConstraint("amount_paise > 0", name=op.f("ck_statement_lines_amount_positive")),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_statement_lines_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_user_id"],
            ["users.id"],
            name=op.f("fk_statement_lines_decided_by_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["statement_imports.id"],
            name=op.f("fk_statement_lines_import_id_statement_imports"),
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_statement_lines_invoice_id_invoices")
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_statement_lines_payment_id_payments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statement_lines")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_statement_lines_fingerprint")),
        sa.UniqueConstraint("payment_id", name=op.f("uq_statement_lines_payment_id")),
    )
    with op.batch_alter_table("statement_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_statement_lines_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            "ix_statement_lines_import_id_status", ["import_id", "status"], unique=False
        )
        batch_op.create_index("ix_statement_lines_status", ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("statement_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_statement_lines_status")
        batch_op.drop_index("ix_statement_lines_import_id_status")
        batch_op.drop_index(batch_op.f("ix_statement_lines_customer_id"))

    op.drop_table("statement_lines")
    op.drop_table("statement_mappings")
    op.drop_table("statement_imports")
    with op.batch_alter_table("upi_handles", schema=None) as batch_op:
        batch_op.drop_index("ix_upi_handles_customer_id")

    op.drop_table("upi_handles")
