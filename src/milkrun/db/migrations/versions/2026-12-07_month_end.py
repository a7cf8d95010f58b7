"""month end: day_closes records the close of each delivery day (a status it wrote names it in
delivery_statuses.recorded_by_close_id), month_closes each billing month finalized

Revision ID: 0007_month_end
Revises: 0006_console_day
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from milkrun.db.types import UTCDateTime

revision: str = "0007_month_end"
down_revision: str | None = "0006_console_day"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RECORDED_BY_TWO = (
    "(recorded_by_user_id IS NOT NULL AND recorded_by_link_id IS NULL)"
    " OR (recorded_by_user_id IS NULL AND recorded_by_link_id IS NOT NULL)"
)
RECORDED_BY_THREE = (
    "(recorded_by_user_id IS NOT NULL AND recorded_by_link_id IS NULL"
    " AND recorded_by_close_id IS NULL)"
    " OR (recorded_by_user_id IS NULL AND recorded_by_link_id IS NOT NULL"
    " AND recorded_by_close_id IS NULL)"
    " OR (recorded_by_user_id IS NULL AND recorded_by_link_id IS NULL"
    " AND recorded_by_close_id IS NOT NULL)"
)


def upgrade() -> None:
    op.create_table(
        "day_closes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_date", sa.Date(), nullable=False),
        sa.Column("policy", sa.String(length=16), nullable=False),
        sa.Column("trigger", sa.String(length=20), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("first_closed_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("delivered", sa.Integer(), nullable=False),
        sa.Column("not_delivered", sa.Integer(), nullable=False),
        sa.Column("review", sa.Integer(), nullable=False),
        sa.Column("marked", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "policy IN ('delivered', 'not_delivered', 'review')", name=op.f("ck_day_closes_policy")
        ),
        sa.CheckConstraint(
            "delivered >= 0 AND not_delivered >= 0 AND review >= 0 AND marked >= 0",
            name=op.f("ck_day_closes_counts_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_user_id"], ["users.id"], name=op.f("fk_day_closes_actor_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_day_closes")),
        sa.UniqueConstraint("delivery_date", name=op.f("uq_day_closes_delivery_date")),
    )
    op.create_table(
        "month_closes",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("closed_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("invoices", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_user_id"], ["users.id"], name=op.f("fk_month_closes_actor_user_id_users")
        ),
        sa.PrimaryKeyConstraint("month", name=op.f("pk_month_closes")),
    )
    with op.batch_alter_table("delivery_statuses") as batch:
        batch.add_column(sa.Column("recorded_by_close_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_delivery_statuses_recorded_by_close_id_day_closes"),
            "day_closes",
            ["recorded_by_close_id"],
            ["id"],
        )
        batch.drop_constraint(op.f("ck_delivery_statuses_recorded_by_one"), type_="check")
        batch.create_check_constraint(
            op.f("ck_delivery_statuses_recorded_by_one"), RECORDED_BY_THREE
        )


def downgrade() -> None:
    # The statuses the day close wrote have no person behind them: they go with it.
    op.execute("DELETE FROM delivery_statuses WHERE recorded_by_close_id IS NOT NULL")
    with op.batch_alter_table("delivery_statuses") as batch:
        batch.drop_constraint(op.f("ck_delivery_statuses_recorded_by_one"), type_="check")
        batch.create_check_constraint(op.f("ck_delivery_statuses_recorded_by_one"), RECORDED_BY_TWO)
        batch.drop_constraint(
            op.f("fk_delivery_statuses_recorded_by_close_id_day_closes"), type_="foreignkey"
        )
        batch.drop_column("recorded_by_close_id")
    op.drop_table("month_closes")
    op.drop_table("day_closes")
