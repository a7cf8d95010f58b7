"""Revision 0004 on a database that already holds a delivery day: it upgrades, keeps every row,
enforces orders.invoice_id, and downgrades again."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from milkrun.db import migrate
from milkrun.db.engine import make_engine

ROWS = [
    "INSERT INTO customers (id, name, phone, address, area, is_active, created_at, updated_at)"
    " VALUES (1, 'Asha', '+919845012345', '12 MG Road', 'Indiranagar', true, :now, :now)",
    "INSERT INTO products (id, sku, name, unit, tax_rate_bps, is_active, created_at, updated_at)"
    " VALUES (1, 'TM500', 'Toned milk', '500 ml', 0, true, :now, :now)",
    "INSERT INTO users (id, role, name, phone, password_hash, is_active, created_at, updated_at)"
    " VALUES (1, 'admin', 'Priya', '+919000000000', 'x', true, :now, :now)",
    "INSERT INTO orders (id, customer_id, product_id, delivery_date, shift, quantity,"
    " unit_price_paise, status, created_at, updated_at)"
    " VALUES (1, 1, 1, '2026-11-01', 'morning', 2, 2800, 'delivered', :now, :now)",
    "INSERT INTO delivery_statuses (id, order_id, customer_id, status, quantity_delivered,"
    " recorded_by_user_id, recorded_at, version, created_at, updated_at)"
    " VALUES (1, 1, 1, 'delivered', 2, 1, :now, 1, :now, :now)",
    "INSERT INTO audit_events (occurred_at, actor_label, channel, action, entity_type,"
    " entity_id, order_id) VALUES (:now, 'tests', 'test', 'delivery.mark', 'order', 1, 1)",
]


def test_upgrading_a_delivery_day_keeps_it_whole(new_database_url: Callable[[], str]) -> None:
    url = new_database_url()
    migrate.upgrade(url, "0003")
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            for statement in ROWS:
                connection.execute(text(statement), {"now": "2026-11-01 06:00:00+00:00"})
        engine.dispose()

        migrate.upgrade(url)
        with engine.connect() as connection:
            counted = {
                table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                for table in ("orders", "delivery_statuses", "audit_events")
            }
            assert counted == {"orders": 1, "delivery_statuses": 1, "audit_events": 1}
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(text("UPDATE orders SET invoice_id = 99 WHERE id = 1"))
        engine.dispose()

        migrate.downgrade(url, "0003")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM orders")).scalar() == 1
        engine.dispose()
        migrate.upgrade(url)
    finally:
        engine.dispose()
