"""counter sales and their cash memos: counter_sales, counter_sale_lines

Revision ID: 0021_counter
Revises: 0020_gstforms
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from milkrun.db.types import UTCDateTime

revision: str = "0021_counter"
down_revision: str | None = "0020_gstforms"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "counter_sales",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("series", sa.String(length=12), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("sale_date", sa.Date(), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=True),
        sa.Column("total_paise", sa.Integer(), nullable=False),
        sa.Column("taxable_paise", sa.Integer(), nullable=False),
        sa.Column("cgst_paise", sa.Integer(), nullable=False),
        sa.Column("sgst_paise", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("void_reason", sa.String(length=200), nullable=True),
        sa.Column("voided_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("voided_by_user_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("method IN ('cash', 'upi')", name=op.f("ck_counter_sales_method")),
        sa.CheckConstraint("status IN ('paid', 'void')", name=op.f("ck_counter_sales_status")),
        sa.CheckConstraint(
            "total_paise = taxable_paise + cgst_paise + sgst_paise",
            name=op.f("ck_counter_sales_totals"),
        ),
        sa.CheckConstraint(
            "(status = 'void') = (void_reason IS NOT NULL)",
            name=op.f("ck_counter_sales_void_has_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_user_id"],
            ["users.id"],
            name=op.f("fk_counter_sales_recorded_by_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["voided_by_user_id"],
            ["users.id"],
            name=op.f("fk_counter_sales_voided_by_user_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counter_sales")),
        sa.UniqueConstraint("number", name=op.f("uq_counter_sales_number")),
        sa.UniqueConstraint("series", "sequence", name="uq_counter_sales_series_sequence"),
    )
    op.create_index("ix_counter_sales_sale_date", "counter_sales", ["sale_date"], unique=False)
    op.create_table(
        "counter_sale_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sale_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price_paise", sa.Integer(), nullable=False),
        sa.Column("amount_paise", sa.Integer(), nullable=False),
        sa.Column("tax_rate_bps", sa.Integer(), nullable=False),
        sa.Column("hsn_code", sa.String(length=8), nullable=True),
        sa.Column("taxable_paise", sa.Integer(), nullable=False),
        sa.Column("cgst_paise", sa.Integer(), nullable=False),
        sa.Column("sgst_paise", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_counter_sale_lines_quantity_positive")),
        sa.CheckConstraint(
            "amount_paise = taxable_paise + cgst_paise + sgst_paise",
            name=op.f("ck_counter_sale_lines_split"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_counter_sale_lines_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["sale_id"],
            ["counter_sales.id"],
            name=op.f("fk_counter_sale_lines_sale_id_counter_sales"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counter_sale_lines")),
    )
    op.create_index(
        "ix_counter_sale_lines_sale_id", "counter_sale_lines", ["sale_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_counter_sale_lines_sale_id", table_name="counter_sale_lines")
    op.drop_table("counter_sale_lines")
    op.drop_index("ix_counter_sales_sale_date", table_name="counter_sales")
    op.drop_table("counter_sales")
