"""gst documents: HSN codes, dated tax rates, customer GSTINs, the document type of each bill
and tax-inclusive lines and corrections

Issued bills keep their numbers; the document type of each live bill is set from its lines'
rates (a void bill stays as it is: it is immutable). Lines and corrections made before this
revision were tax-exclusive: their constraints accept both forms.

Revision ID: 0018_gst_documents
Revises: 0017_hubs
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from milkrun.db.types import UTCDateTime

revision: str = "0018_gst_documents"
down_revision: str | None = "0017_hubs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LINE_AMOUNT_BEFORE = "amount_paise = quantity * unit_price_paise"
LINE_AMOUNT = "amount_paise + tax_paise = quantity * unit_price_paise OR " + LINE_AMOUNT_BEFORE
CHANGE = "(quantity_after - quantity_before) * unit_price_paise"
ADJUSTMENT_AMOUNT_BEFORE = f"amount_paise = {CHANGE}"
ADJUSTMENT_AMOUNT = f"amount_paise + tax_paise = {CHANGE} OR {ADJUSTMENT_AMOUNT_BEFORE}"
DOCUMENT_TYPES = "document_type IN ('tax_invoice', 'bill_of_supply', 'invoice_bill_of_supply')"

# A live bill with a taxed line is a tax invoice, or an invoice-cum-bill of supply when it has
# nil-rated lines too; the rest stay bills of supply (the column's default).
SET_DOCUMENT_TYPES = """
UPDATE invoices SET document_type = CASE
    WHEN EXISTS (SELECT 1 FROM invoice_lines l WHERE l.invoice_id = invoices.id
                 AND l.tax_rate_bps = 0)
    THEN 'invoice_bill_of_supply' ELSE 'tax_invoice' END
WHERE status <> 'void' AND EXISTS (
    SELECT 1 FROM invoice_lines l WHERE l.invoice_id = invoices.id AND l.tax_rate_bps > 0)
"""


def upgrade() -> None:
    op.create_table(
        "product_tax_rates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("rate_bps", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "rate_bps BETWEEN 0 AND 10000", name=op.f("ck_product_tax_rates_rate_range")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_product_tax_rates_created_by_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_product_tax_rates_product_id_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_tax_rates")),
        sa.UniqueConstraint(
            "product_id",
            "effective_from",
            name=op.f("uq_product_tax_rates_product_id_effective_from"),
        ),
    )
    with op.batch_alter_table("products") as batch_op:
        batch_op.add_column(sa.Column("hsn_code", sa.String(length=8), nullable=True))
    with op.batch_alter_table("customers") as batch_op:
        batch_op.add_column(sa.Column("gstin", sa.String(length=15), nullable=True))
    with op.batch_alter_table("invoices") as batch_op:
        batch_op.add_column(
            sa.Column(
                "document_type",
                sa.String(length=24),
                server_default="bill_of_supply",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("customer_gstin", sa.String(length=15), nullable=True))
        batch_op.create_check_constraint(op.f("ck_invoices_document_type"), DOCUMENT_TYPES)
    with op.batch_alter_table("invoice_lines") as batch_op:
        batch_op.add_column(sa.Column("hsn_code", sa.String(length=8), nullable=True))
        batch_op.drop_constraint(
            op.f("uq_invoice_lines_invoice_id_product_id_unit_price_paise"), type_="unique"
        )
        batch_op.create_unique_constraint(
            op.f("uq_invoice_lines_invoice_id_product_id_unit_price_paise_tax_rate_bps"),
            ["invoice_id", "product_id", "unit_price_paise", "tax_rate_bps"],
        )
        batch_op.drop_constraint(op.f("ck_invoice_lines_amount_is_quantity_x_price"), "check")
        batch_op.create_check_constraint(
            op.f("ck_invoice_lines_amount_is_quantity_x_price"), LINE_AMOUNT
        )
    with op.batch_alter_table("adjustments") as batch_op:
        batch_op.drop_constraint(op.f("ck_adjustments_amount_from_quantities"), "check")
        batch_op.create_check_constraint(
            op.f("ck_adjustments_amount_from_quantities"), ADJUSTMENT_AMOUNT
        )
    op.execute(SET_DOCUMENT_TYPES)


def downgrade() -> None:
    # Tax-inclusive lines and corrections do not fit the old constraints: a downgrade is for a
    # database that has issued none with tax in them.
    with op.batch_alter_table("adjustments") as batch_op:
        batch_op.drop_constraint(op.f("ck_adjustments_amount_from_quantities"), "check")
        batch_op.create_check_constraint(
            op.f("ck_adjustments_amount_from_quantities"), ADJUSTMENT_AMOUNT_BEFORE
        )
    with op.batch_alter_table("invoice_lines") as batch_op:
        batch_op.drop_constraint(op.f("ck_invoice_lines_amount_is_quantity_x_price"), "check")
        batch_op.create_check_constraint(
            op.f("ck_invoice_lines_amount_is_quantity_x_price"), LINE_AMOUNT_BEFORE
        )
        batch_op.drop_constraint(
            op.f("uq_invoice_lines_invoice_id_product_id_unit_price_paise_tax_rate_bps"),
            type_="unique",
        )
        batch_op.create_unique_constraint(
            op.f("uq_invoice_lines_invoice_id_product_id_unit_price_paise"),
            ["invoice_id", "product_id", "unit_price_paise"],
        )
        batch_op.drop_column("hsn_code")
    with op.batch_alter_table("invoices") as batch_op:
        batch_op.drop_constraint(op.f("ck_invoices_document_type"), "check")
        batch_op.drop_column("customer_gstin")
        batch_op.drop_column("document_type")
    with op.batch_alter_table("customers") as batch_op:
        batch_op.drop_column("gstin")
    with op.batch_alter_table("products") as batch_op:
        batch_op.drop_column("hsn_code")
    op.drop_table("product_tax_rates")
