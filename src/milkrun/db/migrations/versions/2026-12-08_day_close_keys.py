"""day close keys: on PostgreSQL the keys of who recorded a status or acted in the trail are checked
once per statement, not once per row

A day's close writes 63,784 statuses naming one close and 63,784 events, each row's keys
checked by a trigger of its own: the status -> close key (a ``SELECT ... FOR KEY SHARE`` of the
same close each time, 0.23 s of the close's 1.89 s of server CPU), and four keys on columns the
close leaves NULL (the status's user and link, the event's user and link: fired per row even
so, 0.15 s). Here each of these five keys is two kinds of trigger that keep its meaning:
- after each INSERT and each UPDATE of the table, the distinct values the new rows name (the
  statement's transition table) are locked ``FOR KEY SHARE`` and must exist, else the statement
  fails with ``foreign_key_violation`` (23503, an IntegrityError, as the key did);
- a row that statuses or events name (a close, a login, a shared link) can be neither deleted
  nor renumbered (``foreign_key_violation``).
The lock has the key's effect under concurrency: a delete waits for the writer naming the row,
and its trigger then reads the committed rows (a new snapshot per statement in READ
COMMITTED); a writer naming a row being deleted waits, then finds it gone.
Not covered (the keys refused it): ``TRUNCATE`` of day_closes, users or shared_delivery_links
alone; nothing in milkrun does it.

SQLite keeps its foreign keys (its writers are serialized and the close costs little there);
the models keep them, and the models-vs-migrations check leaves these five alone on PostgreSQL
(``KEYS_AS_TRIGGERS`` in ``milkrun.db.migrations.env``).

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

# (table, column, referenced table): each key is named fk_<table>_<column>_<referenced>.
KEYS = [
    ("delivery_statuses", "recorded_by_user_id", "users"),
    ("delivery_statuses", "recorded_by_link_id", "shared_delivery_links"),
    ("delivery_statuses", "recorded_by_close_id", "day_closes"),
    ("audit_events", "actor_user_id", "users"),
    ("audit_events", "actor_link_id", "shared_delivery_links"),
]
NAMING = ["delivery_statuses", "audit_events"]
NAMED = ["users", "shared_delivery_links", "day_closes"]

# Static SQL, one function per naming table (its plans are cached: a one-row write, a mark or
# any audited action, pays little for the statement's check).
CHECK_ONE_KEY = """
    FOR named IN SELECT DISTINCT {column} FROM new_rows WHERE {column} IS NOT NULL LOOP
        PERFORM 1 FROM {referenced} WHERE id = named FOR KEY SHARE;
        IF NOT FOUND THEN
            RAISE EXCEPTION '{table}.{column}: no {referenced} with id %', named
                USING ERRCODE = 'foreign_key_violation';
        END IF;
    END LOOP;"""


def _names_exist(table: str) -> str:
    checks = "".join(
        CHECK_ONE_KEY.format(table=t, column=c, referenced=r) for t, c, r in KEYS if t == table
    )
    return f"""
CREATE FUNCTION {table}_names_exist() RETURNS trigger AS $$
DECLARE
    named integer;
BEGIN{checks}
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""


# Arguments: naming table, its column, naming table, its column, ...
KEPT_WHILE_NAMED = """
CREATE FUNCTION kept_while_named() RETURNS trigger AS $$
DECLARE
    named boolean;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.id = OLD.id THEN
        RETURN NEW;
    END IF;
    FOR i IN 0 .. TG_NARGS - 1 BY 2 LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE %I = $1)', TG_ARGV[i], TG_ARGV[i + 1])
            INTO named USING OLD.id;
        IF named THEN
            RAISE EXCEPTION '% % is named by %.%: % refused',
                TG_TABLE_NAME, OLD.id, TG_ARGV[i], TG_ARGV[i + 1], TG_OP
                USING ERRCODE = 'foreign_key_violation';
        END IF;
    END LOOP;
    IF TG_OP = 'UPDATE' THEN
        RETURN NEW;
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql
"""


def _key(table: str, column: str, referenced: str) -> str:
    return f"fk_{table}_{column}_{referenced}"


def _arguments(*names: str) -> str:
    return ", ".join(f"'{name}'" for name in names)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, referenced in KEYS:
        op.drop_constraint(_key(table, column, referenced), table, type_="foreignkey")
    op.execute(KEPT_WHILE_NAMED)
    for table in NAMING:
        op.execute(_names_exist(table))
        # A trigger with a transition table has one event: one for INSERT, one for UPDATE.
        for event in ("INSERT", "UPDATE"):
            op.execute(
                f"CREATE TRIGGER {table}_names_exist_{event.lower()} AFTER {event} ON {table}"
                " REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT"
                f" EXECUTE FUNCTION {table}_names_exist()"
            )
    for named in NAMED:
        pairs = [name for t, c, r in KEYS if r == named for name in (t, c)]
        op.execute(
            f"CREATE TRIGGER {named}_kept_while_named BEFORE DELETE OR UPDATE OF id ON {named}"
            f" FOR EACH ROW EXECUTE FUNCTION kept_while_named({_arguments(*pairs)})"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for named in NAMED:
        op.execute(f"DROP TRIGGER {named}_kept_while_named ON {named}")
    for table in NAMING:
        for event in ("insert", "update"):
            op.execute(f"DROP TRIGGER {table}_names_exist_{event} ON {table}")
        op.execute(f"DROP FUNCTION {table}_names_exist()")
    op.execute("DROP FUNCTION kept_while_named()")
    for table, column, referenced in KEYS:
        op.create_foreign_key(_key(table, column, referenced), table, referenced, [column], ["id"])
