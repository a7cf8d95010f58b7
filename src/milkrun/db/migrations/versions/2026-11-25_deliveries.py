"""deliveries: delivery statuses, shared delivery links and their guess throttle, idempotency
keys, route substitutes; audit events learn the link that acted

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from milkrun.db.types import UTCDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REASONS = "'customer_unavailable', 'address_not_found', 'refused', 'out_of_stock', 'other'"


def upgrade() -> None:
    op.create_table(
        "route_substitutes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("route_id", sa.Integer(), nullable=False),
        sa.Column("delivery_date", sa.Date(), nullable=False),
        sa.Column("delivery_boy_id", sa.Integer(), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_route_substitutes_created_by_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["delivery_boy_id"],
            ["users.id"],
            name=op.f("fk_route_substitutes_delivery_boy_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["route_id"], ["routes.id"], name=op.f("fk_route_substitutes_route_id_routes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_route_substitutes")),
        sa.UniqueConstraint(
            "route_id", "delivery_date", name=op.f("uq_route_substitutes_route_id_delivery_date")
        ),
    )
    op.create_index(
        "ix_route_substitutes_delivery_boy_id_delivery_date",
        "route_substitutes",
        ["delivery_boy_id", "delivery_date"],
    )

    op.create_table(
        "shared_delivery_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("route_id", sa.Integer(), nullable=False),
        sa.Column("delivery_date", sa.Date(), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("token_hash", sa.CHAR(length=64), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_shared_delivery_links_created_by_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["route_id"], ["routes.id"], name=op.f("fk_shared_delivery_links_route_id_routes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shared_delivery_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_shared_delivery_links_token_hash")),
    )
    op.create_index(
        "ix_shared_delivery_links_route_id_delivery_date",
        "shared_delivery_links",
        ["route_id", "delivery_date"],
    )

    op.create_table(
        "link_guess_throttles",
        sa.Column("client_address", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_failure_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("locked_until", UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("client_address", name=op.f("pk_link_guess_throttles")),
    )

    op.create_table(
        "delivery_statuses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("quantity_delivered", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=24), nullable=True),
        sa.Column("notes", sa.String(length=500), nullable=True),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_link_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('delivered', 'partially_delivered', 'not_delivered')",
            name=op.f("ck_delivery_statuses_status"),
        ),
        sa.CheckConstraint(
            "quantity_delivered >= 0", name=op.f("ck_delivery_statuses_quantity_not_negative")
        ),
        sa.CheckConstraint(
            f"reason IS NULL OR reason IN ({REASONS})", name=op.f("ck_delivery_statuses_reason")
        ),
        sa.CheckConstraint(
            "(status = 'delivered' AND quantity_delivered > 0 AND reason IS NULL)"
            " OR (status = 'partially_delivered' AND quantity_delivered > 0)"
            " OR (status = 'not_delivered' AND quantity_delivered = 0 AND reason IS NOT NULL)",
            name=op.f("ck_delivery_statuses_outcome_fits_status"),
        ),
        sa.CheckConstraint(
            "(recorded_by_user_id IS NOT NULL AND recorded_by_link_id IS NULL)"
            " OR (recorded_by_user_id IS NULL AND recorded_by_link_id IS NOT NULL)",
            name=op.f("ck_delivery_statuses_recorded_by_one"),
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_delivery_statuses_version_positive")),
        sa.ForeignKeyConstraint(
            ["order_id", "customer_id"],
            ["orders.id", "orders.customer_id"],
            name=op.f("fk_delivery_statuses_order_id_orders"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_link_id"],
            ["shared_delivery_links.id"],
            name=op.f("fk_delivery_statuses_recorded_by_link_id_shared_delivery_links"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_user_id"],
            ["users.id"],
            name=op.f("fk_delivery_statuses_recorded_by_user_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_statuses")),
        sa.UniqueConstraint("order_id", name=op.f("uq_delivery_statuses_order_id")),
    )
    op.create_index("ix_delivery_statuses_customer_id", "delivery_statuses", ["customer_id"])

    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("caller", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("response_body", sa.JSON(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_keys")),
        sa.UniqueConstraint("caller", "key", name=op.f("uq_idempotency_keys_caller_key")),
    )
    op.create_index("ix_idempotency_keys_created_at", "idempotency_keys", ["created_at"])

    with op.batch_alter_table("audit_events") as batch_op:
        batch_op.add_column(sa.Column("actor_link_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_audit_events_actor_link_id_shared_delivery_links"),
            "shared_delivery_links",
            ["actor_link_id"],
            ["id"],
        )
        batch_op.create_index("ix_audit_events_actor_link_id", ["actor_link_id"])


def downgrade() -> None:
    with op.batch_alter_table("audit_events") as batch_op:
        batch_op.drop_index("ix_audit_events_actor_link_id")
        batch_op.drop_constraint(
            op.f("fk_audit_events_actor_link_id_shared_delivery_links"), type_="foreignkey"
        )
        batch_op.drop_column("actor_link_id")
    op.drop_index("ix_idempotency_keys_created_at", table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
    op.drop_index("ix_delivery_statuses_customer_id", table_name="delivery_statuses")
    op.drop_table("delivery_statuses")
    op.drop_table("link_guess_throttles")
    op.drop_index(
        "ix_shared_delivery_links_route_id_delivery_date", table_name="shared_delivery_links"
    )
    op.drop_table("shared_delivery_links")
    op.drop_index(
        "ix_route_substitutes_delivery_boy_id_delivery_date", table_name="route_substitutes"
    )
    op.drop_table("route_substitutes")
