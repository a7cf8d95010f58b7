"""billing and payments: invoices and their lines, numbering series, adjustments, payments,
allocations; orders learn their invoice; issued invoices are immutable on PostgreSQL

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from milkrun.db.types import UTCDateTime

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# An issued invoice may change only its payment state (amount paid, finalized / partially paid /
# paid) or become void; a void one not at all; neither may be deleted. Its lines are frozen.
IMMUTABLE_COLUMNS = (
    "id, customer_id, month, series, sequence, number, customer_name, customer_address,"
    " issue_date, due_date, subtotal_paise, tax_paise, total_paise, finalized_at, created_at"
)
INVOICES_FROZEN_FUNCTION = f"""
CREATE FUNCTION invoices_frozen_once_issued() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'invoice % is %: issued invoices are immutable', OLD.number, OLD.status
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status = 'draft' THEN
        RETURN NEW;
    END IF;
    IF OLD.status = 'void'
        OR NEW.status = 'draft'
        OR ROW({", ".join("NEW." + c.strip() for c in IMMUTABLE_COLUMNS.split(","))})
            IS DISTINCT FROM ROW({", ".join("OLD." + c.strip() for c in IMMUTABLE_COLUMNS.split(","))})
    THEN
        RAISE EXCEPTION 'invoice % is %: issued invoices are immutable', OLD.number, OLD.status
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql
"""
# Lines are checked once per statement (a billing run inserts a few hundred thousand).
INVOICE_LINES_FROZEN_FUNCTION = """
CREATE FUNCTION invoice_lines_frozen_once_issued() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM changed_lines l JOIN invoices i ON i.id = l.invoice_id
        WHERE i.status <> 'draft'
    ) THEN
        RAISE EXCEPTION 'the lines of an issued invoice are immutable: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""
LINE_TRIGGERS = {
    "invoice_lines_frozen_insert": "INSERT ON invoice_lines REFERENCING NEW TABLE AS changed_lines",
    "invoice_lines_frozen_update": "UPDATE ON invoice_lines REFERENCING OLD TABLE AS changed_lines",
    "invoice_lines_frozen_delete": "DELETE ON invoice_lines REFERENCING OLD TABLE AS changed_lines",
}


def upgrade() -> None:
    op.create_table(
        "invoice_series",
        sa.Column("series", sa.String(length=8), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "last_number >= 0", name=op.f("ck_invoice_series_last_number_not_negative")
        ),
        sa.PrimaryKeyConstraint("series", name=op.f("pk_invoice_series")),
    )

    op.create_table(
        "invoices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("series", sa.String(length=8), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=True),
        sa.Column("number", sa.String(length=16), nullable=True),
        sa.Column("customer_name", sa.String(length=120), nullable=False),
        sa.Column("customer_address", sa.String(length=500), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("subtotal_paise", sa.Integer(), nullable=False),
        sa.Column("tax_paise", sa.Integer(), nullable=False),
        sa.Column("total_paise", sa.Integer(), nullable=False),
        sa.Column("amount_paid_paise", sa.Integer(), nullable=False),
        sa.Column("finalized_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("voided_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("void_reason", sa.String(length=200), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(status = 'draft' AND number IS NULL AND series IS NULL AND sequence IS NULL"
            " AND issue_date IS NULL AND due_date IS NULL AND finalized_at IS NULL)"
            " OR (status <> 'draft' AND number IS NOT NULL AND series IS NOT NULL"
            " AND sequence IS NOT NULL AND issue_date IS NOT NULL AND due_date IS NOT NULL"
            " AND finalized_at IS NOT NULL)",
            name=op.f("ck_invoices_numbered_unless_draft"),
        ),
        sa.CheckConstraint(
            "(status = 'void') = (voided_at IS NOT NULL)",
            name=op.f("ck_invoices_voided_at_if_void"),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'finalized', 'partially_paid', 'paid', 'void')",
            name=op.f("ck_invoices_status"),
        ),
        sa.CheckConstraint(
            "amount_paid_paise >= 0", name=op.f("ck_invoices_amount_paid_not_negative")
        ),
        sa.CheckConstraint(
            "due_date IS NULL OR due_date >= issue_date", name=op.f("ck_invoices_due_after_issue")
        ),
        sa.CheckConstraint(
            "sequence IS NULL OR sequence >= 1", name=op.f("ck_invoices_sequence_positive")
        ),
        sa.CheckConstraint(
            "total_paise = subtotal_paise + tax_paise", name=op.f("ck_invoices_total_adds_up")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_invoices_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.UniqueConstraint("id", "customer_id", name=op.f("uq_invoices_id_customer_id")),
        sa.UniqueConstraint("number", name=op.f("uq_invoices_number")),
        sa.UniqueConstraint("series", "sequence", name=op.f("uq_invoices_series_sequence")),
    )
    op.create_index("ix_invoices_customer_id_month", "invoices", ["customer_id", "month"])
    op.create_index("ix_invoices_month_status", "invoices", ["month", "status"])
    op.create_index(
        "uq_invoices_draft_customer_month",
        "invoices",
        ["customer_id", "month"],
        unique=True,
        sqlite_where=sa.text("status = 'draft'"),
        postgresql_where=sa.text("status = 'draft'"),
    )

    op.create_table(
        "invoice_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price_paise", sa.Integer(), nullable=False),
        sa.Column("amount_paise", sa.Integer(), nullable=False),
        sa.Column("tax_rate_bps", sa.Integer(), nullable=False),
        sa.Column("tax_paise", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "amount_paise = quantity * unit_price_paise",
            name=op.f("ck_invoice_lines_amount_is_quantity_x_price"),
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_invoice_lines_quantity_positive")),
        sa.CheckConstraint("tax_paise >= 0", name=op.f("ck_invoice_lines_tax_not_negative")),
        sa.CheckConstraint(
            "tax_rate_bps BETWEEN 0 AND 10000", name=op.f("ck_invoice_lines_tax_rate_range")
        ),
        sa.CheckConstraint(
            "unit_price_paise >= 0", name=op.f("ck_invoice_lines_unit_price_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_invoice_lines_invoice_id_invoices")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_invoice_lines_product_id_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_lines")),
        sa.UniqueConstraint(
            "invoice_id",
            "product_id",
            "unit_price_paise",
            name=op.f("uq_invoice_lines_invoice_id_product_id_unit_price_paise"),
        ),
    )

    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("amount_paise", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=True),
        sa.Column("received_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "method IN ('cash', 'upi', 'card', 'bank')", name=op.f("ck_payments_method")
        ),
        sa.CheckConstraint("amount_paise > 0", name=op.f("ck_payments_amount_positive")),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"], ["users.id"], name=op.f("fk_payments_created_by_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_payments_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("id", "customer_id", name=op.f("uq_payments_id_customer_id")),
        sa.UniqueConstraint("method", "reference", name=op.f("uq_payments_method_reference")),
    )
    op.create_index(
        "ix_payments_customer_id_received_at", "payments", ["customer_id", "received_at"]
    )

    op.create_table(
        "allocations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("credit_invoice_id", sa.Integer(), nullable=True),
        sa.Column("amount_paise", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(payment_id IS NOT NULL AND credit_invoice_id IS NULL)"
            " OR (payment_id IS NULL AND credit_invoice_id IS NOT NULL)",
            name=op.f("ck_allocations_one_source"),
        ),
        sa.CheckConstraint("amount_paise > 0", name=op.f("ck_allocations_amount_positive")),
        sa.ForeignKeyConstraint(
            ["credit_invoice_id", "customer_id"],
            ["invoices.id", "invoices.customer_id"],
            name=op.f("fk_allocations_credit_invoice_id_invoices"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_allocations_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id", "customer_id"],
            ["invoices.id", "invoices.customer_id"],
            name=op.f("fk_allocations_invoice_id_invoices"),
        ),
        sa.ForeignKeyConstraint(
            ["payment_id", "customer_id"],
            ["payments.id", "payments.customer_id"],
            name=op.f("fk_allocations_payment_id_payments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocations")),
    )
    op.create_index("ix_allocations_customer_id", "allocations", ["customer_id"])
    op.create_index("ix_allocations_invoice_id", "allocations", ["invoice_id"])
    op.create_index("ix_allocations_payment_id", "allocations", ["payment_id"])

    op.create_table(
        "adjustments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("against_invoice_id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=True),
        sa.Column("reverses_adjustment_id", sa.Integer(), nullable=True),
        sa.Column("quantity_before", sa.Integer(), nullable=False),
        sa.Column("quantity_after", sa.Integer(), nullable=False),
        sa.Column("unit_price_paise", sa.Integer(), nullable=False),
        sa.Column("amount_paise", sa.Integer(), nullable=False),
        sa.Column("tax_rate_bps", sa.Integer(), nullable=False),
        sa.Column("tax_paise", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_by_link_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "amount_paise = (quantity_after - quantity_before) * unit_price_paise",
            name=op.f("ck_adjustments_amount_from_quantities"),
        ),
        sa.CheckConstraint(
            "quantity_before <> quantity_after", name=op.f("ck_adjustments_changes_quantity")
        ),
        sa.CheckConstraint(
            "quantity_before >= 0 AND quantity_after >= 0",
            name=op.f("ck_adjustments_quantities_not_negative"),
        ),
        sa.CheckConstraint(
            "tax_rate_bps BETWEEN 0 AND 10000", name=op.f("ck_adjustments_tax_rate_range")
        ),
        sa.ForeignKeyConstraint(
            ["against_invoice_id", "customer_id"],
            ["invoices.id", "invoices.customer_id"],
            name=op.f("fk_adjustments_against_invoice_id_invoices"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_link_id"],
            ["shared_delivery_links.id"],
            name=op.f("fk_adjustments_created_by_link_id_shared_delivery_links"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_adjustments_created_by_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_adjustments_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id", "customer_id"],
            ["invoices.id", "invoices.customer_id"],
            name=op.f("fk_adjustments_invoice_id_invoices"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id", "customer_id"],
            ["orders.id", "orders.customer_id"],
            name=op.f("fk_adjustments_order_id_orders"),
        ),
        sa.ForeignKeyConstraint(
            ["reverses_adjustment_id"],
            ["adjustments.id"],
            name=op.f("fk_adjustments_reverses_adjustment_id_adjustments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adjustments")),
        sa.UniqueConstraint(
            "reverses_adjustment_id", name=op.f("uq_adjustments_reverses_adjustment_id")
        ),
    )
    op.create_index("ix_adjustments_against_invoice_id", "adjustments", ["against_invoice_id"])
    op.create_index("ix_adjustments_customer_id", "adjustments", ["customer_id"])
    op.create_index("ix_adjustments_invoice_id", "adjustments", ["invoice_id"])
    op.create_index("ix_adjustments_order_id", "adjustments", ["order_id"])

    with op.batch_alter_table("orders") as batch_op:
        batch_op.create_foreign_key(
            op.f("fk_orders_invoice_id_invoices"),
            "invoices",
            ["invoice_id", "customer_id"],
            ["id", "customer_id"],
        )

    if op.get_bind().dialect.name == "postgresql":
        op.execute(INVOICES_FROZEN_FUNCTION)
        op.execute(
            "CREATE TRIGGER invoices_frozen_once_issued BEFORE UPDATE OR DELETE ON invoices"
            " FOR EACH ROW WHEN (OLD.status <> 'draft')"
            " EXECUTE FUNCTION invoices_frozen_once_issued()"
        )
        op.execute(INVOICE_LINES_FROZEN_FUNCTION)
        for name, event in LINE_TRIGGERS.items():
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event}"
                " FOR EACH STATEMENT EXECUTE FUNCTION invoice_lines_frozen_once_issued()"
            )
        # Orders are updated twice in their life (the mark, the bill): room on each page keeps
        # both updates on the page (HOT, no index writes).
        op.execute("ALTER TABLE orders SET (fillfactor = 50)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE orders RESET (fillfactor)")
        for name in LINE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name} ON invoice_lines")
        op.execute("DROP FUNCTION invoice_lines_frozen_once_issued()")
        op.execute("DROP TRIGGER invoices_frozen_once_issued ON invoices")
        op.execute("DROP FUNCTION invoices_frozen_once_issued()")
    with op.batch_alter_table("orders") as batch_op:
        batch_op.drop_constraint(op.f("fk_orders_invoice_id_invoices"), type_="foreignkey")
    op.drop_index("ix_adjustments_order_id", table_name="adjustments")
    op.drop_index("ix_adjustments_invoice_id", table_name="adjustments")
    op.drop_index("ix_adjustments_customer_id", table_name="adjustments")
    op.drop_index("ix_adjustments_against_invoice_id", table_name="adjustments")
    op.drop_table("adjustments")
    op.drop_index("ix_allocations_payment_id", table_name="allocations")
    op.drop_index("ix_allocations_invoice_id", table_name="allocations")
    op.drop_index("ix_allocations_customer_id", table_name="allocations")
    op.drop_table("allocations")
    op.drop_index("ix_payments_customer_id_received_at", table_name="payments")
    op.drop_table("payments")
    op.drop_table("invoice_lines")
    op.drop_index("uq_invoices_draft_customer_month", table_name="invoices")
    op.drop_index("ix_invoices_month_status", table_name="invoices")
    op.drop_index("ix_invoices_customer_id_month", table_name="invoices")
    op.drop_table("invoices")
    op.drop_table("invoice_series")
