"""gst forms: an issued invoice's document type and customer GSTIN are frozen too

The PostgreSQL trigger that refuses changes to an issued invoice (revision 0004) listed the
columns of its time; the GST documents revision added invoices.document_type and
invoices.customer_gstin, which are printed on the bill and so must not change once issued.
The function is replaced with the longer list; the downgrade puts the old one back.

Revision ID: 0020_gstforms
Revises: 0019_bottles
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0020_gstforms"
down_revision: str | None = "0019_bottles"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

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
)
COLUMNS = (*COLUMNS_BEFORE, "document_type", "customer_gstin")


def frozen_function(columns: Sequence[str]) -> str:
    """The trigger function of revision 0004 over the given immutable columns."""
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
    if op.get_bind().dialect.name == "postgresql":
        op.execute(frozen_function(COLUMNS))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(frozen_function(COLUMNS_BEFORE))
