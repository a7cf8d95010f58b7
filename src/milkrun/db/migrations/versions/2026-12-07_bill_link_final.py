"""the order-to-bill link written once, at finalization: drafts' orders are derived, not linked

Revision ID: 0022_bill_link_final
Revises: 0021_counter
Create Date: 2026-12-07

No schema change: ``orders.invoice_id`` now names only an issued (or, until voided, issued)
invoice. A draft's orders are its customer's billable orders of its month on no issued invoice
(``milkrun.billing.billable.on_draft``), made unambiguous by the one-draft-per-customer-and-month
index (``uq_invoices_draft_customer_month``, since 0004). Upgrading releases the orders earlier
runs linked to drafts; downgrading links them again, as the runs before it did.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022_bill_link_final"
down_revision: str | None = "0021_counter"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "UPDATE orders SET invoice_id = NULL"
        " WHERE invoice_id IN (SELECT id FROM invoices WHERE status = 'draft')"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "UPDATE orders SET invoice_id = invoices.id FROM invoices"
            " WHERE invoices.status = 'draft' AND invoices.customer_id = orders.customer_id"
            " AND invoices.month = date_trunc('month', orders.delivery_date)::date"
            " AND orders.invoice_id IS NULL"
            " AND orders.status IN ('delivered', 'partially_delivered')"
        )
    else:
        op.execute(
            "UPDATE orders SET invoice_id = (SELECT invoices.id FROM invoices"
            " WHERE invoices.status = 'draft' AND invoices.customer_id = orders.customer_id"
            " AND invoices.month = date(orders.delivery_date, 'start of month'))"
            " WHERE invoice_id IS NULL AND status IN ('delivered', 'partially_delivered')"
        )
