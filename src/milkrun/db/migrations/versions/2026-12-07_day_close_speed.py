"""day close speed: no index the close writes and no query reads (the statuses' customer_id, the
trail's shared-link actor on rows no link wrote)

Revision ID: 0024_day_close_speed
Revises: 0023_reconciliations
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024_day_close_speed"
down_revision: str | None = "0023_reconciliations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LINK_ACTED = sa.text("actor_link_id IS NOT NULL")


def upgrade() -> None:
    # Every read of delivery_statuses goes by order_id (its unique index); nothing looks a
    # status up by customer, and the key to the order is checked on orders' own indexes.
    op.drop_index("ix_delivery_statuses_customer_id", table_name="delivery_statuses")
    # Only a deleted shared link's key check looks events up by link: rows no link wrote (the
    # day close's, a person's) need no entry.
    op.drop_index("ix_audit_events_actor_link_id", table_name="audit_events")
    op.create_index(
        "ix_audit_events_actor_link_id",
        "audit_events",
        ["actor_link_id"],
        postgresql_where=LINK_ACTED,
        sqlite_where=LINK_ACTED,
    )


def downgrade() -> None:
    op.drop_index("ix_audit_events_actor_link_id", table_name="audit_events")
    op.create_index("ix_audit_events_actor_link_id", "audit_events", ["actor_link_id"])
    op.create_index("ix_delivery_statuses_customer_id", "delivery_statuses", ["customer_id"])
