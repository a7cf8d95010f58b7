"""messages: the outbox (outbox_messages), customers' channel opt-ins (message_consents), and a
language for each customer and each login

Revision ID: 0009_outbox
Revises: 0008_token_version
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from milkrun.db.types import UTCDateTime

revision: str = "0009_outbox"
down_revision: str | None = "0008_token_version"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = "'pending', 'sending', 'sent', 'skipped', 'dead'"
CHANNELS = "'log', 'whatsapp', 'sms', 'email'"


def upgrade() -> None:
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=36), nullable=False),
        sa.Column("dedup_key", sa.String(length=80), nullable=True),
        sa.Column("template", sa.String(length=60), nullable=False),
        sa.Column("is_urgent", sa.Boolean(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("recipient", sa.String(length=254), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("entity_type", sa.String(length=40), nullable=True),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=True),
        sa.Column("language", sa.String(length=5), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("claim_token", sa.String(length=32), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("provider_message_id", sa.String(length=200), nullable=True),
        sa.Column("delivery_status", sa.String(length=20), nullable=True),
        sa.Column("delivery_status_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("dead_at", UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(f"status IN ({STATUSES})", name=op.f("ck_outbox_messages_status")),
        sa.CheckConstraint(
            f"channel IS NULL OR channel IN ({CHANNELS})", name=op.f("ck_outbox_messages_channel")
        ),
        sa.CheckConstraint(
            "customer_id IS NOT NULL OR recipient IS NOT NULL",
            name=op.f("ck_outbox_messages_has_recipient"),
        ),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_outbox_messages_attempts_not_negative")),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_outbox_messages_customer_id_customers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_outbox_messages_idempotency_key")),
    )
    op.create_index(
        "ix_outbox_messages_status_next_attempt_at",
        "outbox_messages",
        ["status", "next_attempt_at"],
    )
    op.create_index("ix_outbox_messages_customer_id", "outbox_messages", ["customer_id"])
    # Partial: a new message (the insert in the causing transaction) enters none of these.
    for name, column, unique in (
        ("ix_outbox_messages_sent_at", "sent_at", False),
        ("ix_outbox_messages_provider_message_id", "provider_message_id", False),
        ("uq_outbox_messages_dedup_key", "dedup_key", True),
    ):
        where = sa.text(f"{column} IS NOT NULL")
        op.create_index(
            name,
            "outbox_messages",
            [column],
            unique=unique,
            sqlite_where=where,
            postgresql_where=where,
        )
    op.create_table(
        "message_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("is_opted_in", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("recorded_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(f"channel IN ({CHANNELS})", name=op.f("ck_message_consents_channel")),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_message_consents_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_user_id"],
            ["users.id"],
            name=op.f("fk_message_consents_recorded_by_user_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_consents")),
        sa.UniqueConstraint(
            "customer_id", "channel", name=op.f("uq_message_consents_customer_id_channel")
        ),
    )
    for table in ("customers", "users"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("language", sa.String(length=5), nullable=False, server_default="en")
            )


def downgrade() -> None:
    for table in ("users", "customers"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("language")
    op.drop_table("message_consents")
    op.drop_index("uq_outbox_messages_dedup_key", table_name="outbox_messages")
    op.drop_index("ix_outbox_messages_provider_message_id", table_name="outbox_messages")
    op.drop_index("ix_outbox_messages_customer_id", table_name="outbox_messages")
    op.drop_index("ix_outbox_messages_sent_at", table_name="outbox_messages")
    op.drop_index("ix_outbox_messages_status_next_attempt_at", table_name="outbox_messages")
    op.drop_table("outbox_messages")
