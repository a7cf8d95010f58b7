"""terms validity: subscription_terms.effective_to, the day the next terms take over (NULL: open),
so the terms in force on a day are found without an anti-join on later terms

Revision ID: 0027_terms_validity
Revises: 0026_hardening
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027_terms_validity"
down_revision: str | None = "0026_hardening"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("subscription_terms") as batch:
        batch.add_column(sa.Column("effective_to", sa.Date(), nullable=True))
    op.execute(
        "UPDATE subscription_terms SET effective_to = ("
        " SELECT min(later.effective_from) FROM subscription_terms later"
        " WHERE later.subscription_id = subscription_terms.subscription_id"
        " AND later.effective_from > subscription_terms.effective_from)"
    )
    with op.batch_alter_table("subscription_terms") as batch:
        batch.create_check_constraint(
            op.f("ck_subscription_terms_effective_to_after_from"),
            "effective_to IS NULL OR effective_to > effective_from",
        )


def downgrade() -> None:
    with op.batch_alter_table("subscription_terms") as batch:
        batch.drop_constraint(op.f("ck_subscription_terms_effective_to_after_from"), type_="check")
        batch.drop_column("effective_to")
