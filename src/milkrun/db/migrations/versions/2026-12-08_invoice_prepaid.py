"""invoice prepaid: invoices.is_prepaid, what a bill was when it was issued (a prepaid
customer's statement of its wallet, or a bill to pay), so a customer who switches does not
change the meaning of its earlier bills when they are printed again

NULL on a draft (the customer's flag decides until it is issued); set when it is issued. The
issued invoices of before this revision are backfilled with their customer's flag at migration
time: the best guess there is (a customer that switched since its bill was issued gets the
new meaning on its old bills, as before this revision). On PostgreSQL the trigger that freezes
an issued invoice (revisions 0004, 0020) covers the new column; the backfill runs with the
trigger off, since it also writes void invoices.

Revision ID: 0030_invoice_prepaid
Revises: 0029_status_order_key
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030_invoice_prepaid"
down_revision: str | None = "0029_status_order_key"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The immutable columns of revision 0020_gstforms, and now the bill's kind.
COLUMNS_BEFORE = (
    "id",
    "customer_id",
    "month",
    "series",
    "sequence",
    "number",
    "customer_name",
    "customer_address",
    "issue_date",
    "due_date",
    "subtotal_paise",
    "tax_paise",
    "total_paise",
    "finalized_at",
    "created_at",
    "document_type",
    "customer_gstin",
)
COLUMNS = (*COLUMNS_BEFORE, "is_prepaid")
TRIGGER = "invoices_frozen_once_issued"


def frozen_function(columns: Sequence[str]) -> str:
    """The trigger function of revision 0004 (as 0020 rewrote it) over the given columns."""
    new = ", ".join(f"NEW.{c}" for c in columns)
    old = ", ".join(f"OLD.{c}" for c in columns)
    return f"""
CREATE OR REPLACE FUNCTION invoices_frozen_once_issued() RETURNS trigger AS $$
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
        OR ROW({new}) IS DISTINCT FROM ROW({old})
    THEN
        RAISE EXCEPTION 'invoice % is %: issued invoices are immutable', OLD.number, OLD.status
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table("invoices") as batch:
        batch.add_column(sa.Column("is_prepaid", sa.Boolean(), nullable=True))
    if postgresql:
        op.execute(f"ALTER TABLE invoices DISABLE TRIGGER {TRIGGER}")
    op.execute(
        "UPDATE invoices SET is_prepaid = ("
        " SELECT customers.is_prepaid FROM customers WHERE customers.id = invoices.customer_id)"
        " WHERE status <> 'draft'"
    )
    if postgresql:
        op.execute(f"ALTER TABLE invoices ENABLE TRIGGER {TRIGGER}")
        op.execute(frozen_function(COLUMNS))
    with op.batch_alter_table("invoices") as batch:
        batch.create_check_constraint(
            op.f("ck_invoices_prepaid_known_once_issued"),
            "status = 'draft' OR is_prepaid IS NOT NULL",
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(frozen_function(COLUMNS_BEFORE))
    with op.batch_alter_table("invoices") as batch:
        batch.drop_constraint(op.f("ck_invoices_prepaid_known_once_issued"), type_="check")
        batch.drop_column("is_prepaid")
