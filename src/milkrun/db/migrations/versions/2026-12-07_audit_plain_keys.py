"""audit plain keys: the trail's customer and order ids without foreign keys (an append-only
record names what it concerns; a key checked per row doubled the cost of the day close's events)

Revision ID: 0011_audit_keys
Revises: 0010_bill_links
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011_audit_keys"
down_revision: str | None = "0010_bill_links"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_constraint("fk_audit_events_customer_id_customers", type_="foreignkey")
        batch.drop_constraint("fk_audit_events_order_id_orders", type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.create_foreign_key(
            "fk_audit_events_customer_id_customers", "customers", ["customer_id"], ["id"]
        )
        batch.create_foreign_key("fk_audit_events_order_id_orders", "orders", ["order_id"], ["id"])
