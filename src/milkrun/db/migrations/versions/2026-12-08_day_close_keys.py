"""day close keys: on PostgreSQL the status -> close key (delivery_statuses.recorded_by_close_id
-> day_closes) is checked once per statement, not once per row

A day's close writes 63,784 statuses naming one close; the foreign key checked each of them
(a ``SELECT ... FOR KEY SHARE`` of the same row, 0.23 s of the close's 1.89 s of server CPU).
Here the key is two triggers that keep its meaning:
- after each INSERT and each UPDATE of delivery_statuses, the distinct closes the new rows name
  (their transition table) are locked ``FOR KEY SHARE`` and must exist, else the statement
  fails with ``foreign_key_violation`` (23503, an IntegrityError, as the key did);
- a close that statuses name can be neither deleted nor renumbered (``foreign_key_violation``).
The lock has the key's effect under concurrency: a delete of the close waits for the writer of
the statuses, and its trigger then reads the committed statuses (a new snapshot per statement
in READ COMMITTED); a writer naming a close being deleted waits, then finds it gone.
Not covered (the key refused it): ``TRUNCATE day_closes`` alone; nothing in milkrun does it.

SQLite keeps its foreign key (its writers are serialized and the close costs little there);
the model keeps ``ForeignKey("day_closes.id")`` and the models-vs-migrations check leaves this
one key alone on PostgreSQL (``milkrun.db.migrations.env``).

Revision ID: 0028_day_close_keys
Revises: 0027_terms_validity
Create Date: 2026-12-08
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0028_day_close_keys"
down_revision: str | None = "0027_terms_validity"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = "fk_delivery_statuses_recorded_by_close_id_day_closes"

STATUSES_NAME_A_CLOSE = """
CREATE FUNCTION delivery_statuses_name_a_close() RETURNS trigger AS $$
DECLARE
    named integer;
BEGIN
    FOR named IN
        SELECT DISTINCT recorded_by_close_id FROM new_statuses
        WHERE recorded_by_close_id IS NOT NULL
    LOOP
        PERFORM 1 FROM day_closes WHERE id = named FOR KEY SHARE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'delivery_statuses.recorded_by_close_id: no day close %', named
                USING ERRCODE = 'foreign_key_violation';
        END IF;
    END LOOP;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""

CLOSE_KEPT_WHILE_NAMED = """
CREATE FUNCTION day_closes_kept_while_named() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.id = OLD.id THEN
        RETURN NEW;
    END IF;
    IF EXISTS (SELECT 1 FROM delivery_statuses WHERE recorded_by_close_id = OLD.id) THEN
        RAISE EXCEPTION 'day close % is named by delivery statuses: % refused', OLD.id, TG_OP
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF TG_OP = 'UPDATE' THEN
        RETURN NEW;
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_constraint(KEY, "delivery_statuses", type_="foreignkey")
    op.execute(STATUSES_NAME_A_CLOSE)
    # A trigger with a transition table has one event: one for INSERT, one for UPDATE.
    for event in ("INSERT", "UPDATE"):
        op.execute(
            f"CREATE TRIGGER delivery_statuses_name_a_close_{event.lower()}"
            f" AFTER {event} ON delivery_statuses REFERENCING NEW TABLE AS new_statuses"
            " FOR EACH STATEMENT EXECUTE FUNCTION delivery_statuses_name_a_close()"
        )
    op.execute(CLOSE_KEPT_WHILE_NAMED)
    op.execute(
        "CREATE TRIGGER day_closes_kept_while_named BEFORE DELETE OR UPDATE OF id ON day_closes"
        " FOR EACH ROW EXECUTE FUNCTION day_closes_kept_while_named()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER day_closes_kept_while_named ON day_closes")
    op.execute("DROP FUNCTION day_closes_kept_while_named()")
    for event in ("insert", "update"):
        op.execute(f"DROP TRIGGER delivery_statuses_name_a_close_{event} ON delivery_statuses")
    op.execute("DROP FUNCTION delivery_statuses_name_a_close()")
    op.create_foreign_key(KEY, "delivery_statuses", "day_closes", ["recorded_by_close_id"], ["id"])
