"""hubs and holidays: hubs (branches); routes.hub_id and users.hub_id (an admin limited to one
hub); holidays (a date a hub or the whole dairy delivers nothing); festival offers and their
acceptances

Revision ID: 0017_hubs
Revises: 0016_statement_import
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from milkrun.db.types import UTCDateTime

revision: str = "0017_hubs"
down_revision: str | None = "0016_statement_import"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "hubs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hubs")),
        sa.UniqueConstraint("name", name=op.f("uq_hubs_name")),
    )
    with op.batch_alter_table("routes") as batch:
        batch.add_column(sa.Column("hub_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_routes_hub_id_hubs"), "hubs", ["hub_id"], ["id"])
        batch.create_index(op.f("ix_routes_hub_id"), ["hub_id"])
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("hub_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_users_hub_id_hubs"), "hubs", ["hub_id"], ["id"])
        batch.create_check_constraint("hub_limit", "hub_id IS NULL OR role = 'admin'")
    op.create_table(
        "holidays",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("holiday_date", sa.Date(), nullable=False),
        sa.Column("hub_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["hub_id"], ["hubs.id"], name=op.f("fk_holidays_hub_id_hubs")),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_holidays_created_by_user_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holidays")),
    )
    op.create_index(op.f("ix_holidays_holiday_date"), "holidays", ["holiday_date"])
    op.create_index(
        "uq_holidays_hub_id_holiday_date", "holidays", ["hub_id", "holiday_date"], unique=True
    )
    op.create_index(
        "uq_holidays_dairy_holiday_date",
        "holidays",
        ["holiday_date"],
        unique=True,
        sqlite_where=sa.text("hub_id IS NULL"),
        postgresql_where=sa.text("hub_id IS NULL"),
    )
    op.create_table(
        "offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_date", sa.Date(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("description", sa.String(500), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_offers_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"], ["users.id"], name=op.f("fk_offers_created_by_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offers")),
    )
    op.create_index(op.f("ix_offers_offer_date"), "offers", ["offer_date"])
    op.create_table(
        "offer_acceptances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_offer_acceptances_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["offers.id"], name=op.f("fk_offer_acceptances_offer_id_offers")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_offer_acceptances_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_offer_acceptances_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer_acceptances")),
        sa.UniqueConstraint(
            "offer_id", "customer_id", name=op.f("uq_offer_acceptances_offer_id_customer_id")
        ),
        sa.UniqueConstraint("order_id", name=op.f("uq_offer_acceptances_order_id")),
    )


def downgrade() -> None:
    op.drop_table("offer_acceptances")
    op.drop_index(op.f("ix_offers_offer_date"), table_name="offers")
    op.drop_table("offers")
    op.drop_index("uq_holidays_dairy_holiday_date", table_name="holidays")
    op.drop_index("uq_holidays_hub_id_holiday_date", table_name="holidays")
    op.drop_index(op.f("ix_holidays_holiday_date"), table_name="holidays")
    op.drop_table("holidays")
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(op.f("ck_users_hub_limit"), type_="check")
        batch.drop_constraint(op.f("fk_users_hub_id_hubs"), type_="foreignkey")
        batch.drop_column("hub_id")
    with op.batch_alter_table("routes") as batch:
        batch.drop_index(op.f("ix_routes_hub_id"))
        batch.drop_constraint(op.f("fk_routes_hub_id_hubs"), type_="foreignkey")
        batch.drop_column("hub_id")
    op.drop_table("hubs")
