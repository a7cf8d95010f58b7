"""status order key: on PostgreSQL a delivery status's order is checked once per statement, as
one anti-join, and an order can never be deleted nor moved to another customer

A day's close writes 63,784 statuses; the key ``delivery_statuses (order_id, customer_id) ->
orders (id, customer_id)`` checked each of them with its own ``SELECT ... FOR KEY SHARE`` (0.46 s
of the close's 1.89 s of server CPU, and a WAL record per order for the lock). The key's lock
exists to stop the order from being deleted or re-keyed before the status commits. milkrun
never deletes an order (a day's change cancels it; nothing moves an order to another customer),
so that rule is made the schema's: a row trigger refuses any DELETE of an order and any change of
its ``id`` or ``customer_id``. With orders immutable in identity, the status's key needs no lock:
after each INSERT and each UPDATE of ``delivery_statuses``, one statement looks for a new row
whose (order, customer) is not an order (an anti-join of the statement's transition table with
``orders``) and fails the statement with ``foreign_key_violation`` (23503, an IntegrityError, as
the key did).

Not covered: ``TRUNCATE orders`` alone (the key refused it; nothing in milkrun does it).
SQLite keeps its foreign key. The models keep the key; the models-vs-migrations check leaves it
alone on PostgreSQL (``KEYS_AS_TRIGGERS`` in ``milkrun.db.migrations.env``).

Revision ID: 0029_status_order_key
Revises: 0028_day_close_keys
Create Date: 2026-12-08
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0029_status_order_key"
down_revision: str | None = "0028_day_close_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = "fk_delivery_statuses_order_id_orders"

STATUSES_NAME_ORDERS = """
CREATE FUNCTION delivery_statuses_name_orders() RETURNS trigger AS $$
DECLARE
    missing record;
BEGIN
    SELECT n.order_id, n.customer_id INTO missing
    FROM new_rows n
    WHERE NOT EXISTS (
        SELECT 1 FROM orders o WHERE o.id = n.order_id AND o.customer_id = n.customer_id
    )
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'delivery_statuses.order_id: no order % of customer %',
            missing.order_id, missing.customer_id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""

ORDERS_KEPT = """
CREATE FUNCTION orders_kept() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.customer_id = OLD.customer_id THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'order %: an order is never deleted nor moved to another customer (% refused; cancel it instead)',
        OLD.id, TG_OP
        USING ERRCODE = 'foreign_key_violation';
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_constraint(KEY, "delivery_statuses", type_="foreignkey")
    op.execute(STATUSES_NAME_ORDERS)
    for event in ("INSERT", "UPDATE"):
        op.execute(
            f"CREATE TRIGGER delivery_statuses_name_orders_{event.lower()} AFTER {event}"
            " ON delivery_statuses REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT"
            " EXECUTE FUNCTION delivery_statuses_name_orders()"
        )
    op.execute(ORDERS_KEPT)
    op.execute(
        "CREATE TRIGGER orders_kept BEFORE DELETE OR UPDATE OF id, customer_id ON orders"
        " FOR EACH ROW EXECUTE FUNCTION orders_kept()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER orders_kept ON orders")
    op.execute("DROP FUNCTION orders_kept()")
    for event in ("insert", "update"):
        op.execute(f"DROP TRIGGER delivery_statuses_name_orders_{event} ON delivery_statuses")
    op.execute("DROP FUNCTION delivery_statuses_name_orders()")
    op.create_foreign_key(
        KEY,
        "delivery_statuses",
        "orders",
        ["order_id", "customer_id"],
        ["id", "customer_id"],
    )
