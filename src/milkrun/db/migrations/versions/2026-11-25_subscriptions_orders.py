"""subscriptions and the daily order book: subscriptions with dated terms, pauses, overrides,
orders, materialization runs; audit events learn their order

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from milkrun.db.types import UTCDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAYS_SET = " AND ".join(f"{d}_quantity IS NOT NULL AND {d}_quantity >= 0" for d in WEEKDAYS)
WEEKDAYS_NULL = " AND ".join(f"{d}_quantity IS NULL" for d in WEEKDAYS)
WEEKDAYS_SUM = " + ".join(f"{d}_quantity" for d in WEEKDAYS)


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        *_timestamps(),
        sa.CheckConstraint(
            "end_date IS NULL OR end_date >= start_date",
            name=op.f("ck_subscriptions_end_not_before_start"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_subscriptions_created_by_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_subscriptions_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscriptions")),
        sa.UniqueConstraint("id", "customer_id", name=op.f("uq_subscriptions_id_customer_id")),
    )
    op.create_index("ix_subscriptions_customer_id", "subscriptions", ["customer_id"])

    op.create_table(
        "subscription_terms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("shift", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=True),
        sa.Column("interval_days", sa.Integer(), nullable=False),
        *[sa.Column(f"{day}_quantity", sa.Integer(), nullable=True) for day in WEEKDAYS],
        sa.Column("anchor_date", sa.Date(), nullable=False),
        sa.Column("anchor_day", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "shift IN ('morning', 'evening')", name=op.f("ck_subscription_terms_shift")
        ),
        sa.CheckConstraint(
            "kind IN ('daily', 'alternate_days', 'every_n_days', 'weekdays')",
            name=op.f("ck_subscription_terms_kind"),
        ),
        sa.CheckConstraint(
            "(kind IN ('daily', 'weekdays') AND interval_days = 1)"
            " OR (kind = 'alternate_days' AND interval_days = 2)"
            " OR (kind = 'every_n_days' AND interval_days BETWEEN 2 AND 365)",
            name=op.f("ck_subscription_terms_interval_fits_kind"),
        ),
        sa.CheckConstraint(
            f"(kind = 'weekdays' AND quantity IS NULL AND {WEEKDAYS_SET} AND {WEEKDAYS_SUM} > 0)"
            f" OR (kind <> 'weekdays' AND quantity IS NOT NULL AND quantity > 0"
            f" AND {WEEKDAYS_NULL})",
            name=op.f("ck_subscription_terms_quantities_fit_kind"),
        ),
        sa.CheckConstraint(
            "anchor_date <= effective_from",
            name=op.f("ck_subscription_terms_anchor_not_after_effective"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_subscription_terms_created_by_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_subscription_terms_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["subscriptions.id"],
            name=op.f("fk_subscription_terms_subscription_id_subscriptions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscription_terms")),
        sa.UniqueConstraint(
            "subscription_id",
            "effective_from",
            name=op.f("uq_subscription_terms_subscription_id_effective_from"),
        ),
    )

    op.create_table(
        "pauses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        *_timestamps(),
        sa.CheckConstraint(
            "end_date IS NULL OR end_date >= start_date",
            name=op.f("ck_pauses_end_not_before_start"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"], ["users.id"], name=op.f("fk_pauses_created_by_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_pauses_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id", "customer_id"],
            ["subscriptions.id", "subscriptions.customer_id"],
            name=op.f("fk_pauses_subscription_id_subscriptions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pauses")),
    )
    op.create_index("ix_pauses_customer_id_start_date", "pauses", ["customer_id", "start_date"])
    op.create_index("ix_pauses_subscription_id", "pauses", ["subscription_id"])

    op.create_table(
        "overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("delivery_date", sa.Date(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        *_timestamps(),
        sa.CheckConstraint("quantity >= 0", name=op.f("ck_overrides_quantity_not_negative")),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"], ["users.id"], name=op.f("fk_overrides_created_by_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["subscriptions.id"],
            name=op.f("fk_overrides_subscription_id_subscriptions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_overrides")),
        sa.UniqueConstraint(
            "subscription_id",
            "delivery_date",
            name=op.f("uq_overrides_subscription_id_delivery_date"),
        ),
    )
    op.create_index("ix_overrides_delivery_date", "overrides", ["delivery_date"])

    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=True),
        sa.Column("delivery_date", sa.Date(), nullable=False),
        sa.Column("shift", sa.String(length=10), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price_paise", sa.Integer(), nullable=False),
        sa.Column("route_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        # Billing adds the foreign key to invoices with the invoices table.
        sa.Column("invoice_id", sa.Integer(), nullable=True),
        *_timestamps(),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_orders_quantity_positive")),
        sa.CheckConstraint("unit_price_paise >= 0", name=op.f("ck_orders_unit_price_not_negative")),
        sa.CheckConstraint("shift IN ('morning', 'evening')", name=op.f("ck_orders_shift")),
        sa.CheckConstraint(
            "status IN ('scheduled', 'delivered', 'partially_delivered', 'not_delivered',"
            " 'cancelled')",
            name=op.f("ck_orders_status"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_orders_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_orders_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["route_id"], ["routes.id"], name=op.f("fk_orders_route_id_routes")
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id", "customer_id"],
            ["subscriptions.id", "subscriptions.customer_id"],
            name=op.f("fk_orders_subscription_id_subscriptions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint("id", "customer_id", name=op.f("uq_orders_id_customer_id")),
        sa.UniqueConstraint(
            "subscription_id",
            "delivery_date",
            name=op.f("uq_orders_subscription_id_delivery_date"),
        ),
    )
    op.create_index("ix_orders_delivery_date_route_id", "orders", ["delivery_date", "route_id"])
    op.create_index(
        "ix_orders_customer_id_delivery_date", "orders", ["customer_id", "delivery_date"]
    )

    op.create_table(
        "materialization_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_date", sa.Date(), nullable=False),
        sa.Column("trigger", sa.String(length=20), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("started_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("cancelled", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_user_id"],
            ["users.id"],
            name=op.f("fk_materialization_runs_actor_user_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_materialization_runs")),
    )
    op.create_index(
        "ix_materialization_runs_delivery_date", "materialization_runs", ["delivery_date"]
    )

    with op.batch_alter_table("audit_events") as batch_op:
        batch_op.add_column(sa.Column("order_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_audit_events_order_id_orders"), "orders", ["order_id"], ["id"]
        )
        batch_op.create_index("ix_audit_events_order_id", ["order_id"])


def downgrade() -> None:
    with op.batch_alter_table("audit_events") as batch_op:
        batch_op.drop_index("ix_audit_events_order_id")
        batch_op.drop_constraint(op.f("fk_audit_events_order_id_orders"), type_="foreignkey")
        batch_op.drop_column("order_id")
    op.drop_index("ix_materialization_runs_delivery_date", table_name="materialization_runs")
    op.drop_table("materialization_runs")
    op.drop_index("ix_orders_customer_id_delivery_date", table_name="orders")
    op.drop_index("ix_orders_delivery_date_route_id", table_name="orders")
    op.drop_table("orders")
    op.drop_index("ix_overrides_delivery_date", table_name="overrides")
    op.drop_table("overrides")
    op.drop_index("ix_pauses_subscription_id", table_name="pauses")
    op.drop_index("ix_pauses_customer_id_start_date", table_name="pauses")
    op.drop_table("pauses")
    op.drop_table("subscription_terms")
    op.drop_index("ix_subscriptions_customer_id", table_name="subscriptions")
    op.drop_table("subscriptions")
