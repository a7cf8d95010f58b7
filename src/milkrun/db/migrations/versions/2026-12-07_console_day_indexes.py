"""console day: the audit trail read by time (the board's changes since a generation, the audit
page's period), newest first

Revision ID: 0006_console_day
Revises: 0005
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006_console_day"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_audit_events_occurred_at", "audit_events", ["occurred_at"])


def downgrade() -> None:
    op.drop_index("ix_audit_events_occurred_at", table_name="audit_events")
